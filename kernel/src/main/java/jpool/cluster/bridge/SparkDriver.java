package jpool.cluster.bridge;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The kernel's view of a SparkContext, in JDK types only: its implementation lives in Spark's own class loader
 * (see {@code jpool.cluster.SparkRuntime}), where Spark's classes are, and this interface is the one type both
 * loaders share. Internal to jpool's cluster pools.
 */
public interface SparkDriver {
    /** Starts the SparkContext with these {@code spark.*} settings. */
    void start(Map<String, String> conf) throws Exception;

    /** Waits up to {@code seconds} for a first executor to register; false when none did. */
    boolean awaitExecutor(double seconds) throws InterruptedException;

    /** The Spark web UI of the application, or null when it has none. */
    String uiUrl();

    /** The Spark application id. */
    String applicationId();

    /**
     * Runs one Spark job of one task per partition. A partition is {@code {Long taskId, byte[] task, Object[]
     * arrays}}; {@code shared} is what every task needs (classes, state, function), sent once per job. Each
     * partition's result {@code {Long taskId, String executor, String host, byte[] result, Object[] arrays,
     * String[] error, String runaway}} goes to {@code onPartition} as it arrives. The future ends with the job: exceptionally when
     * Spark gave up on it or it was cancelled.
     */
    CompletableFuture<Void> submit(String group, String description, byte[] shared, List<Object[]> partitions,
                                   BiConsumer<Long, Object[]> onPartition);

    /** Cancels the jobs of a group, interrupting their running tasks. */
    void cancelGroup(String group);

    /**
     * Kills an executor and has the cluster start another in its place (a task thread there would not stop); its
     * running tasks run again elsewhere. False when Spark would not (e.g. the executor is gone already).
     */
    boolean replaceExecutor(String executorId);

    /** Makes a jar available to executors (for later tasks). */
    void addJar(String path);

    /**
     * The executors now (not the driver): {@code {String id, String host, Integer cores, Integer activeTasks,
     * Integer finishedTasks, Long usedMemory, Long maxMemory}}.
     */
    List<Object[]> executors();

    /** Stops the SparkContext. */
    void stop();
}
