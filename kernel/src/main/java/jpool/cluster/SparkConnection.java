package jpool.cluster;

import jpool.cluster.bridge.SparkDriver;
import jpool.monitor.Usage;
import jpool.workers.EmbeddedWorker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One pool's SparkContext on a cluster, and the channel its executors print through. Internal to cluster pools:
 * {@link jpool.pool.Pool} uses it; notebooks use {@link Cluster}.
 */
public final class SparkConnection implements AutoCloseable {
    private final Cluster cluster;
    private final SparkDriver driver;
    private final OutputServer output;
    private final Set<String> shippedJars = new LinkedHashSet<>();
    private volatile OutputServer.Lines lines = (task, stream, tag, text) -> { };
    private volatile boolean stopped;
    /** The latest CPU and memory reading each executor sent, by executor id. */
    private final Map<String, Usage> usage = new ConcurrentHashMap<>();
    /** Per chunk (task id): completed when the executor said it sent the chunk's last printed line. */
    private final Map<Long, CompletableFuture<Void>> outputEnds = new ConcurrentHashMap<>();

    private SparkConnection(Cluster cluster, SparkDriver driver, OutputServer output) {
        this.cluster = cluster;
        this.driver = driver;
        this.output = output;
    }

    static SparkConnection open(Cluster cluster, String appName, Consumer<String> progress) {
        String driverHost = cluster.settings().getOrDefault("spark.driver.host", defaultDriverHost(cluster.master()));
        checkReachable(cluster.master());
        SparkRuntime runtime = SparkRuntime.of(cluster.version(), progress);
        OutputServer out;
        SparkConnection[] made = new SparkConnection[1];
        try {
            out = new OutputServer(cluster.settings().getOrDefault("spark.driver.bindAddress", driverHost), (t, s, g, x) -> {
                if (made[0] != null) made[0].deliver(t, s, g, x);
            });
        } catch (IOException e) {
            throw new ClusterFailure("could not open the executors' output channel on " + driverHost + ": " + e.getMessage());
        }
        SparkConnection c = made[0] = new SparkConnection(cluster, runtime.newDriver(), out);
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.master", cluster.master());
        conf.put("spark.app.name", appName);
        conf.put("spark.driver.host", driverHost);
        conf.put("spark.driver.bindAddress", driverHost);
        conf.put("spark.ui.showConsoleProgress", "false");
        conf.put("spark.executor.memory", "1g");
        List<String> jars = new java.util.ArrayList<>();
        if (Files.isRegularFile(SparkRuntime.kernelJar())) jars.add(SparkRuntime.kernelJar().toString());
        for (String j : c.notebookJars()) {
            jars.add(j);
            c.shippedJars.add(j);
        }
        if (!jars.isEmpty()) conf.put("spark.jars", String.join(",", jars));
        conf.putAll(cluster.settings());
        OutputServer realOut = out;
        try {
            c.driver.start(conf);
        } catch (Throwable e) {
            realOut.close();
            c.stopQuietly();
            throw new ClusterFailure("Spark could not start an application on " + cluster.master() + ": " + firstLine(e));
        }
        try {
            if (!c.driver.awaitExecutor(cluster.startTimeoutSeconds())) {
                c.close();
                throw new ClusterFailure("no Spark executor started on " + cluster.master() + " within "
                        + cluster.startTimeoutSeconds() + " s: the cluster has no worker with the free cores and memory asked for ("
                        + conf.getOrDefault("spark.executor.memory", "1g") + " per executor), or its workers cannot reach this driver at "
                        + driverHost + " (spark.driver.host)");
            }
            long until = System.nanoTime() + (long) (cluster.startTimeoutSeconds() * 1e9);
            while (c.cores() < cluster.expectedCores() && System.nanoTime() < until) Thread.sleep(50); // polls Spark's executor list
        } catch (InterruptedException e) {
            c.close();
            Thread.currentThread().interrupt();
            throw new ClusterFailure("interrupted while waiting for Spark executors");
        }
        return c;
    }

    /** A loopback master gets a loopback driver; otherwise this machine's address (set spark.driver.host to choose). */
    private static String defaultDriverHost(String master) {
        for (String[] hp : masterHosts(master)) {
            if (hp[0].equals("localhost") || hp[0].startsWith("127.")) return "127.0.0.1";
        }
        if (master.startsWith("local")) return "127.0.0.1";
        try {
            return java.net.InetAddress.getLocalHost().getHostAddress();
        } catch (IOException e) {
            return "127.0.0.1";
        }
    }

    /** host, port of each master of a {@code spark://} URL (none for other kinds). */
    private static List<String[]> masterHosts(String master) {
        List<String[]> out = new java.util.ArrayList<>();
        if (!master.startsWith("spark://")) return out;
        for (String hp : master.substring("spark://".length()).split(",")) {
            int colon = hp.lastIndexOf(':');
            out.add(colon < 0 ? new String[]{hp, "7077"} : new String[]{hp.substring(0, colon), hp.substring(colon + 1)});
        }
        return out;
    }

    /** A standalone master nobody listens at fails now, in one line, instead of after Spark's minute of retries. */
    private static void checkReachable(String master) {
        if (master.startsWith("spark://")) {
            String last = null;
            for (String[] hp : masterHosts(master)) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 3000);
                    return;
                } catch (NumberFormatException e) {
                    throw new ClusterFailure("bad Spark master URL " + master + ": port '" + hp[1] + "' is not a number");
                } catch (IOException | IllegalArgumentException e) {
                    last = hp[0] + ":" + hp[1] + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                }
            }
            throw new ClusterFailure("cannot reach the Spark master " + master + " (" + last + ")");
        }
        if (master.equals("yarn") || master.startsWith("k8s://") || master.startsWith("local") || master.startsWith("mesos://")) return;
        throw new ClusterFailure("bad Spark master URL '" + master + "': expected spark://HOST:PORT, yarn, k8s://https://HOST:PORT or local[N]");
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String m = String.valueOf(root.getMessage());
        int nl = m.indexOf('\n');
        return root.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }

    /** Jars the notebook added with %classpath or %maven, as local paths. */
    private List<String> notebookJars() {
        List<String> out = new java.util.ArrayList<>();
        var evaluator = jpool.KernelServices.evaluator();
        if (evaluator == null) return out;
        for (String url : evaluator.addedClasspath()) {
            Path p = Path.of(URI.create(url));
            if (Files.isRegularFile(p)) out.add(p.toString());
        }
        return out;
    }

    /** Jars added to the notebook since the last job go to the executors before the next. */
    private void shipNewJars() {
        for (String j : notebookJars()) if (shippedJars.add(j)) driver.addJar(j);
    }

    /** Where executors send printed lines (host, port, secret): part of every job. */
    public String outputHost() {
        return output.host();
    }

    public int outputPort() {
        return output.port();
    }

    public String outputSecret() {
        return output.secret();
    }

    /** Receives the lines executors' tasks print: (task id, stream 1/2, executor tag, line). */
    public void onOutput(LineSink sink) {
        lines = sink::line;
    }

    /** A printed line of a task. */
    public interface LineSink {
        void line(long taskId, int stream, String tag, String text);
    }

    /** Runs one Spark job (see {@link SparkDriver#submit}). */
    public CompletableFuture<Void> submit(String group, String description, byte[] shared, List<Object[]> partitions,
                                          BiConsumer<Long, Object[]> onPartition) {
        if (stopped) throw new IllegalStateException("the Spark application of this pool has stopped");
        shipNewJars();
        return driver.submit(group, description, shared, partitions, onPartition);
    }

    /** Kills an executor whose task thread would not stop, and has Spark start another in its place. */
    public boolean replaceExecutor(String executorId) {
        return !stopped && driver.replaceExecutor(executorId);
    }

    public void cancel(String group) {
        if (!stopped) driver.cancelGroup(group);
    }

    /** The executors now: {@code {id, host, cores, activeTasks, finishedTasks, usedMemory, maxMemory}}. */
    public List<Object[]> executors() {
        return stopped ? List.of() : driver.executors();
    }

    /** Cores of all executors now. */
    public int cores() {
        int n = 0;
        for (Object[] e : executors()) n += (Integer) e[2];
        return n;
    }

    public String uiUrl() {
        return stopped ? null : driver.uiUrl();
    }

    public String applicationId() {
        return driver.applicationId();
    }

    public Cluster cluster() {
        return cluster;
    }

    /** Stops the SparkContext (its executors end) and the output channel. */
    @Override
    public synchronized void close() {
        if (stopped) return;
        stopped = true;
        stopQuietly();
        output.close();
    }

    private void stopQuietly() {
        try {
            driver.stop();
        } catch (Throwable ignored) {
            // a context that never started
        }
    }

    void deliver(long taskId, int stream, String tag, String text) {
        if (stream == EmbeddedWorker.OUTPUT_END_STREAM) {
            outputEnd(taskId).complete(null);
            return;
        }
        if (stream != EmbeddedWorker.USAGE_STREAM) {
            lines.line(taskId, stream, tag, text);
            return;
        }
        Usage u = Usage.parse(text);
        if (u != null) usage.put(tag, u);
    }

    private CompletableFuture<Void> outputEnd(long taskId) {
        return outputEnds.computeIfAbsent(taskId, k -> new CompletableFuture<>());
    }

    /**
     * Waits (at most {@code maxMillis}) until every line chunk {@code taskId} printed has been handed to the output
     * sink: a chunk's result comes through Spark, its lines through the output channel, and a flood of lines can
     * still be in flight when the result arrives. Call only for a chunk whose executor sent the end of its lines.
     */
    public void awaitOutput(long taskId, long maxMillis) {
        try {
            outputEnd(taskId).get(maxMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // best effort: the result goes on without its late lines (the interrupt is not kept, so later waits work)
        } catch (ExecutionException | TimeoutException e) {
            // the lines are late (or lost with their executor): the result does not wait longer for them
        } finally {
            outputEnds.remove(taskId);
        }
    }

    /** Drops what is kept for the end of a chunk's lines (a chunk whose result will not be waited for). */
    public void forgetOutput(long taskId) {
        outputEnds.remove(taskId);
    }

    /** The executor's latest CPU and memory reading (it sends one a second from its first task on), or null before any. */
    public Usage usage(String executorId) {
        return usage.get(executorId);
    }
}
