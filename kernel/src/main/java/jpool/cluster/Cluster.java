package jpool.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a {@link jpool.pool.Pool} runs its tasks when not on this machine's worker JVMs: an Apache Spark cluster,
 * named by its master URL (standalone {@code spark://host:7077}, {@code yarn}, {@code k8s://https://host:443}).
 * The same pool calls work; each chunk of a call runs as one Spark task on an executor.
 * <pre>{@code
 * Cluster grid = Cluster.spark("spark://10.0.0.5:7077").executorMemory("4g").executorCores(2)
 *                       .conf("spark.cores.max", "32");
 * try (Pool pool = new Pool(grid)) {
 *     List<Fit> fits = pool.map(topic -> tune(topic, grid), topics);
 * }
 * }</pre>
 * Spark is not part of jpool: the first pool on a cluster resolves it from Maven Central (about 170 MB, into
 * {@code ~/.m2}, with progress in the cell) and loads it in a class loader of its own.
 */
public final class Cluster {
    private static volatile Cluster notebookDefault;

    private final String master;
    private final Map<String, String> conf = new LinkedHashMap<>();
    private String version = SparkRuntime.DEFAULT_VERSION;
    private double startTimeoutSeconds = 60;
    private int expectedCores;

    private Cluster(String master) {
        if (master == null || master.isBlank()) throw new IllegalArgumentException("a Spark master URL is needed, e.g. spark://host:7077");
        this.master = master.strip();
    }

    /** A Spark cluster at {@code masterUrl} (e.g. {@code spark://host:7077}, {@code yarn}, {@code k8s://https://host}). */
    public static Cluster spark(String masterUrl) {
        return new Cluster(masterUrl);
    }

    /**
     * Starts a Spark standalone cluster on this machine: a Master and {@code workers} Workers of {@code coresEach}
     * cores, each its own JVM, listening on 127.0.0.1 only. Close it (or end the kernel) to stop them.
     * <pre>{@code
     * LocalStandalone local = Cluster.localStandalone(2, 1);
     * Pool pool = new Pool(local.cluster());
     * }</pre>
     */
    public static LocalStandalone localStandalone(int workers, int coresEach) {
        return LocalStandalone.start(workers, coresEach, SparkRuntime.DEFAULT_VERSION);
    }

    /** The cluster {@code %%pool} cells and {@code new Pool(Cluster.current())} use, set by {@code %cluster}; null for none. */
    public static Cluster current() {
        return notebookDefault;
    }

    /** Makes {@code c} (null: none, back to local workers) the notebook's default cluster. */
    public static void setCurrent(Cluster c) {
        notebookDefault = c;
    }

    /** Memory of each executor, as Spark writes it ({@code 512m}, {@code 4g}). */
    public Cluster executorMemory(String amount) {
        return conf("spark.executor.memory", amount);
    }

    /** Cores of each executor. */
    public Cluster executorCores(int cores) {
        if (cores < 1) throw new IllegalArgumentException("executor cores must be 1 or more, got " + cores);
        return conf("spark.executor.cores", Integer.toString(cores));
    }

    /** Any {@code spark.*} setting, e.g. {@code conf("spark.cores.max", "32")} or {@code conf("spark.driver.host", "10.0.0.2")}. */
    public Cluster conf(String key, String value) {
        if (key == null || !key.startsWith("spark.")) throw new IllegalArgumentException("Spark settings start with 'spark.', got " + key);
        if (value == null) conf.remove(key);
        else conf.put(key, value);
        return this;
    }

    /** The Spark version to resolve and run (Scala 2.13 builds; default {@value SparkRuntime#DEFAULT_VERSION}). */
    public Cluster version(String sparkVersion) {
        if (sparkVersion == null || !sparkVersion.matches("[0-9]+\\.[0-9]+\\.[0-9]+.*"))
            throw new IllegalArgumentException("a Spark version looks like 4.2.0, got " + sparkVersion);
        this.version = sparkVersion;
        return this;
    }

    /** How long a new pool waits for executors before failing with {@link ClusterFailure} (default 60 s). */
    public Cluster startTimeout(double seconds) {
        if (!(seconds > 0)) throw new IllegalArgumentException("the start timeout must be positive seconds, got " + seconds);
        this.startTimeoutSeconds = seconds;
        return this;
    }

    /** A new pool waits until executors with this many cores in all have registered (or the start timeout passed). */
    public Cluster expectCores(int cores) {
        this.expectedCores = Math.max(0, cores);
        return this;
    }

    /** The master URL. */
    public String master() {
        return master;
    }

    /** The Spark version. */
    public String version() {
        return version;
    }

    double startTimeoutSeconds() {
        return startTimeoutSeconds;
    }

    int expectedCores() {
        return expectedCores;
    }

    Map<String, String> settings() {
        return Map.copyOf(conf);
    }

    /** Opens a connection to the cluster for one pool (internal: {@link jpool.pool.Pool#Pool(Cluster)} calls it). */
    public SparkConnection connect(String appName, java.util.function.Consumer<String> progress) {
        return SparkConnection.open(this, appName, progress);
    }

    @Override
    public String toString() {
        return "Spark cluster " + master + " (Spark " + version + ")";
    }
}
