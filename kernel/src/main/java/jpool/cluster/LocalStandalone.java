package jpool.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster on this machine: a Master and some Workers, each a JVM of its own started from the
 * resolved Spark jars, all listening on 127.0.0.1 only. For trying cluster pools (and for tests) without a real
 * cluster; {@link #close()} stops every JVM it started, and so does the end of the kernel, however it ends.
 * <pre>{@code
 * try (LocalStandalone local = Cluster.localStandalone(2, 1);
 *      Pool pool = new Pool(local.cluster())) {
 *     pool.map(x -> x * x, List.of(1, 2, 3));
 * }
 * }</pre>
 */
public final class LocalStandalone implements AutoCloseable {
    /** What the Master prints once it listens, and what a Worker prints once the Master took it. */
    private static final Pattern MASTER_AT = Pattern.compile("Starting Spark master at (spark://\\S+)");
    private static final Pattern MASTER_UI = Pattern.compile("MasterWebUI.* started at (http://\\S+)");
    private static final String WORKER_REGISTERED = "Successfully registered with master";
    private static final double START_SECONDS = 120;

    private final List<Process> processes = new ArrayList<>();
    private final int workers, coresEach;
    private final Path dir;
    private String masterUrl, masterUi;
    private volatile boolean closed;

    private LocalStandalone(int workers, int coresEach, Path dir) {
        this.workers = workers;
        this.coresEach = coresEach;
        this.dir = dir;
    }

    static LocalStandalone start(int workers, int coresEach, String version) {
        if (workers < 1 || coresEach < 1) throw new IllegalArgumentException("a local cluster needs at least 1 worker of 1 core, got "
                + workers + " workers of " + coresEach + " cores");
        SparkRuntime rt = SparkRuntime.of(version, System.out::println);
        Path dir;
        try {
            dir = Files.createTempDirectory("jpool-standalone-");
        } catch (IOException e) {
            throw new ClusterFailure("could not make a directory for the local cluster: " + e.getMessage());
        }
        LocalStandalone c = new LocalStandalone(workers, coresEach, dir);
        Thread hook = new Thread(c::close, "jpool-standalone-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        jpool.KernelEvents.onShutdown(c::close);
        try {
            String[] found = c.launch(rt, "master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", "0", "--webui-port", "0"), MASTER_AT, MASTER_UI);
            c.masterUrl = found[0];
            c.masterUi = found[1];
            List<CompletableFuture<String[]>> started = new ArrayList<>();
            for (int i = 1; i <= workers; i++) {
                int n = i;
                Path work = dir.resolve("worker-" + n);
                Files.createDirectories(work);
                started.add(CompletableFuture.supplyAsync(() -> c.launch(rt, "worker-" + n, List.of(
                        "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", Integer.toString(coresEach),
                        "--memory", "1g", "--webui-port", "0", "--work-dir", work.toString(), c.masterUrl),
                        Pattern.compile(Pattern.quote(WORKER_REGISTERED) + "()"), null)));
            }
            for (CompletableFuture<String[]> f : started) f.join();
        } catch (RuntimeException | IOException e) {
            c.close();
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ClusterFailure cf) throw cf;
            throw new ClusterFailure("the local Spark cluster did not start: " + cause.getMessage());
        }
        return c;
    }

    /**
     * Starts one daemon JVM and waits until its log shows {@code ready} (group 1 is returned, and group 1 of
     * {@code also} when that shows); its whole log goes to {@code NAME.log} in the cluster's directory.
     */
    private String[] launch(SparkRuntime rt, String name, List<String> mainAndArgs, Pattern ready, Pattern also) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.addAll(SparkRuntime.JAVA_OPTIONS);
        cmd.add("-cp");
        cmd.add(rt.classPath());
        cmd.add(ParentWatch.class.getName());
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_HOME", rt.sparkHome().toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_LOCAL_HOSTNAME", "127.0.0.1");
        pb.environment().put("SPARK_EXECUTOR_OPTS", "");
        Process p;
        try {
            synchronized (processes) {
                if (closed) throw new ClusterFailure("the local cluster was closed while starting");
                p = pb.start();
                processes.add(p);
            }
        } catch (IOException e) {
            throw new ClusterFailure("could not start the Spark " + name + ": " + e.getMessage());
        }
        CompletableFuture<String[]> seen = new CompletableFuture<>();
        Path log = dir.resolve(name + ".log");
        Thread reader = new Thread(() -> {
            String[] found = new String[2];
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 var out = Files.newBufferedWriter(log)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.write(line);
                    out.newLine();
                    out.flush();
                    Matcher m = ready.matcher(line);
                    if (m.find()) found[0] = m.group(1);
                    if (also != null) {
                        Matcher a = also.matcher(line);
                        if (a.find()) found[1] = a.group(1);
                    }
                    if (found[0] != null && (also == null || found[1] != null)) seen.complete(found);
                }
            } catch (IOException ignored) {
                // the process ended
            }
            seen.completeExceptionally(new ClusterFailure("the Spark " + name + " exited before it was ready (exit "
                    + exitCode(p) + "); its log: " + log));
        }, "jpool-standalone-" + name);
        reader.setDaemon(true);
        reader.start();
        try {
            return seen.get((long) START_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ClusterFailure("the Spark " + name + " was not ready within " + (int) START_SECONDS + " s; its log: " + log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterFailure("interrupted while the Spark " + name + " started");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof ClusterFailure cf ? cf : new ClusterFailure(e.getCause().toString());
        }
    }

    private static String exitCode(Process p) {
        try {
            return Integer.toString(p.waitFor());
        } catch (InterruptedException e) {
            return "?";
        }
    }

    /** The master URL, {@code spark://127.0.0.1:PORT}. */
    public String masterUrl() {
        return masterUrl;
    }

    /** The Master's web UI. */
    public String masterUiUrl() {
        return masterUi;
    }

    /** A {@link Cluster} for pools on this cluster: executors of {@code coresEach} cores and 512 MB. */
    public Cluster cluster() {
        return Cluster.spark(masterUrl).executorCores(coresEach).executorMemory("512m").expectCores(workers * coresEach);
    }

    /** Process ids of the Master and Worker JVMs (executors are their children). */
    public List<Long> pids() {
        synchronized (processes) {
            return processes.stream().map(Process::pid).toList();
        }
    }

    /** Stops the Workers (which stop their executors) and the Master; returns once they are gone. */
    @Override
    public void close() {
        List<Process> all;
        synchronized (processes) {
            if (closed) return;
            closed = true;
            all = new ArrayList<>(processes);
        }
        List<ProcessHandle> descendants = new ArrayList<>();
        for (Process p : all) p.descendants().forEach(descendants::add);
        for (int i = all.size() - 1; i >= 0; i--) all.get(i).destroy(); // workers first: they stop their executors
        for (Process p : all) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (ProcessHandle h : descendants) {
            if (!h.isAlive()) continue;
            h.destroyForcibly();
            h.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(x -> h).join();
        }
    }

    @Override
    public String toString() {
        return "local Spark standalone cluster " + masterUrl + " (" + workers + " workers of " + coresEach + " cores)";
    }

    /**
     * For tests and scripts: {@code java -cp jpool.jar jpool.cluster.LocalStandalone WORKERS CORES}: starts a cluster,
     * prints {@code MASTER spark://...} and the JVMs' pids, and stops it when stdin ends.
     */
    public static void main(String[] args) throws IOException {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int cores = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        String version = args.length > 2 ? args[2] : SparkRuntime.DEFAULT_VERSION;
        LocalStandalone c;
        try {
            c = start(workers, cores, version);
        } catch (ClusterFailure e) {
            System.out.println("FAILED " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println("MASTER " + c.masterUrl());
        System.out.println("PIDS " + c.pids().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" ")));
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the caller closes our stdin
        }
        c.close();
        System.exit(0);
    }
}
