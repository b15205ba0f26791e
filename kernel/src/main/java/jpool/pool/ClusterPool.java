package jpool.pool;

import jpool.KernelEvents;
import jpool.log.KernelLog;
import jpool.cluster.Cluster;
import jpool.cluster.SparkConnection;
import jpool.display.CellScope;
import jpool.ipc.Payload;
import jpool.ipc.ErrorReport;
import jpool.ipc.Serial;
import jpool.protocol.Cell;
import jpool.workers.EmbeddedWorker;
import jpool.workers.LogRouter;
import jpool.api.NotShippable;
import jpool.shipping.ChunkCodec;
import jpool.shipping.ChunkTask;
import jpool.shipping.KernelClasses;
import jpool.shipping.Shipment;
import jpool.shipping.StateCapture;
import jpool.shipping.WorkerTask;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tasks of a {@link Pool} made on a {@link Cluster}: each call's chunks (prepared exactly as for local workers:
 * a {@link ChunkTask}, its function, the notebook state it reads) run as one Spark job, one partition per chunk;
 * Spark schedules them on its executors and reruns those of a lost executor. A chunk's result comes back as soon as
 * its partition finishes, decoded as a local worker's would be.
 */
final class ClusterPool {
    private static final AtomicInteger JOBS = new AtomicInteger();
    private final Pool pool;
    private final SparkConnection spark;
    private final CellRouters routers;
    /** Tasks by id while their job runs. */
    private final Map<Long, TaskRecord> running = new ConcurrentHashMap<>();
    /** Running jobs: group name -> its tasks. */
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    /** Results are decoded off Spark's scheduler thread, one at a time. */
    private final ExecutorService decoder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jpool-cluster-results");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, java.util.ArrayDeque<String>> tails = new ConcurrentHashMap<>();
    private final Runnable onInterrupt = this::cancelInterruptedCell;
    private final Runnable onShutdown = this::terminate;
    private volatile int done, failed;
    /** The pool's per-input time limit (null: none), sent with each job; set by {@link Pool#timeout(Duration)}. */
    volatile Duration timeout;
    /** The pool's initializer ready to send (null: none), and the id by which executors know they ran it. */
    private final Shipment initializer;
    private final long initializerId = ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);

    /** How long a chunk's result waits for the chunk's printed lines still on their way from the executor. */
    private static final long OUTPUT_WAIT_MILLIS = 10_000;

    private record Job(String group, List<TaskRecord> tasks, Cell origin, CompletableFuture<Void> end) {
    }

    /** @param initializer run once in each executor before its first chunk of this pool (null: none) */
    ClusterPool(Pool pool, Cluster cluster, WorkerTask initializer) {
        this.pool = pool;
        this.initializer = initializer == null ? null : ship(initializer); // checked before a Spark application starts
        this.spark = cluster.connect("jpool " + pool.name(), line -> System.out.println(line));
        this.routers = new CellRouters("cluster-" + pool.name(), this::busy);
        spark.onOutput(this::output);
        KernelEvents.onInterrupt(onInterrupt);
        KernelEvents.onShutdown(onShutdown);
    }

    /** Cores of the executors now (at least 1): a call's automatic chunk size comes from it. */
    int cores() {
        return Math.max(1, spark.cores());
    }

    /** Runs the tasks of one call as Spark jobs: one per distinct (function, notebook state) among them. */
    void submit(List<TaskRecord> tasks) {
        Map<String, List<TaskRecord>> byCode = new LinkedHashMap<>();
        for (TaskRecord t : tasks) {
            Shipment s = t.shipment;
            String key = (s.function() == null ? -1 : s.function().id()) + "/" + s.state().id();
            byCode.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
        }
        for (List<TaskRecord> group : byCode.values()) submitJob(group);
    }

    private void submitJob(List<TaskRecord> tasks) {
        Shipment first = tasks.get(0).shipment;
        Cell origin = tasks.get(0).batch.origin;
        synchronized (this) {
            routers.forCell(origin, this::busyCells); // the cell keeps a display for output that comes after it ends
        }
        for (TaskRecord t : tasks) {
            if (t.batch.boardNote == null) t.batch.boardNote = "on " + spark.cluster().master(); // the Spark UI is the board's link
            running.put(t.id, t);
        }
        String group = "jpool-" + pool.name() + "-job-" + JOBS.incrementAndGet();
        List<Object[]> partitions = new ArrayList<>();
        for (TaskRecord t : tasks) partitions.add(new Object[]{t.id, t.shipment.task(), t.shipment.arrays()});
        CompletableFuture<Void> end;
        Job job;
        try {
            end = spark.submit(group, pool.name() + " " + tasks.get(0).batch.label + (origin == null ? "" : " from cell [" + origin.executionCount() + "]"),
                    shared(first), partitions, (id, result) -> decoder.execute(() -> received(id, result)));
        } catch (RuntimeException e) {
            for (TaskRecord t : tasks) running.remove(t.id);
            throw e;
        }
        job = new Job(group, tasks, origin, end);
        jobs.put(group, job);
        end.whenComplete((v, e) -> decoder.execute(() -> jobEnded(job, e)));
    }

    /** What every chunk of a job needs: where to print, the notebook's classes, the function, the notebook state. */
    private byte[] shared(Shipment s) {
        Payload p = new Payload().putString(spark.outputHost()).putInt(spark.outputPort()).putString(spark.outputSecret());
        var evaluator = jpool.KernelServices.evaluator();
        List<Map.Entry<String, byte[]>> classes = evaluator == null ? List.of() : evaluator.classes().since(0);
        p.putInt(classes.size());
        for (Map.Entry<String, byte[]> c : classes) p.putString(c.getKey()).putBytes(c.getValue());
        if (s.function() == null) p.putLong(-1);
        else p.putLong(s.function().id()).putBytes(s.function().bytes());
        p.putLong(s.state().id()).putBytes(s.state().encoded());
        Duration limit = timeout;
        p.putLong(limit == null ? 0 : limit.toNanos());
        if (initializer == null) p.putLong(-1);
        else p.putLong(initializerId).putBytes(initializer.task()).putLong(initializer.state().id()).putBytes(initializer.state().encoded());
        return p.toBytes();
    }

    /** The initializer with the state it reads, in one piece: big arrays in it travel inside its bytes. */
    private static Shipment ship(WorkerTask init) {
        Shipment s = StateCapture.prepare(init, "the pool initializer"); // names what cannot travel
        if (s.arrays() == null) return s;
        try {
            Serial.Written w = Serial.write(init);
            return StateCapture.prepare(w.bytes(), w, "the pool initializer");
        } catch (IOException e) {
            throw new NotShippable("the pool initializer cannot be sent to an executor: " + Serial.explain(e));
        }
    }

    /** A partition's result: each input's value or error, or the error that kept the chunk from running. */
    private void received(long id, Object[] result) {
        if (!running.containsKey(id)) { // a rerun of a partition already reported, or a cancelled task
            spark.forgetOutput(id);
            return;
        }
        // what the chunk printed goes into its cell before its result (its lines are routed while it is running)
        if (result.length > 7 && Boolean.TRUE.equals(result[7])) spark.awaitOutput(id, OUTPUT_WAIT_MILLIS);
        else spark.forgetOutput(id);
        TaskRecord t = running.remove(id);
        if (t == null) return; // cancelled while its lines were awaited
        String worker = "executor " + result[1] + " @ " + result[2];
        if (result.length > 6 && result[6] != null) replaceExecutor(t, (String) result[1], (String) result[6]);
        String[] chunkError = (String[]) result[5];
        if (chunkError != null) {
            ErrorReport e = new ErrorReport(chunkError[0], chunkError[1], chunkError[2]);
            RuntimeException[] errors = new RuntimeException[t.inputs.size()];
            for (int i = 0; i < errors.length; i++) errors[i] = failure(t, i, e, worker);
            complete(t, worker, null, null, errors);
            return;
        }
        ChunkTask.ChunkResult r;
        try {
            byte[] bytes = (byte[]) result[3];
            r = ChunkCodec.isResult(bytes) ? ChunkCodec.decodeResult(bytes, worker, 0)
                    : (ChunkTask.ChunkResult) Serial.read(bytes, (Object[]) result[4], KernelClasses.loader(), KernelClasses.FILTER);
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            RuntimeException[] errors = new RuntimeException[t.inputs.size()];
            for (int i = 0; i < errors.length; i++) errors[i] = new NotShippable("the result could not be read in the kernel: " + e);
            complete(t, worker, null, null, errors);
            return;
        }
        RuntimeException[] errors = null;
        for (int i = 0; i < r.errors().length; i++) {
            ErrorReport e = r.errors()[i];
            if (e == null) continue;
            if (errors == null) errors = new RuntimeException[r.values().length];
            errors[i] = failure(t, i, e, worker);
        }
        t.batch.complete(new Batch.Ran(t.first, t.inputs, worker, 0, r.starts(), r.ends()), r.values(), errors);
        int bad = errors == null ? 0 : (int) java.util.Arrays.stream(errors).filter(java.util.Objects::nonNull).count();
        done += r.values().length - bad;
        failed += bad;
    }

    /**
     * Input {@code i}'s error as the kernel shows it: what it threw, or, for an input the executor stopped at the
     * pool's timeout, a {@link WorkerDied} worded as a local worker's timeout.
     */
    private static RuntimeException failure(TaskRecord t, int i, ErrorReport e, String worker) {
        if (!EmbeddedWorker.TIMED_OUT.equals(e.className())) return t.taskFailed(i, e);
        String what = "apply".equals(t.batch.label) ? "the task" : "input " + Pool.show(t.inputs.get(i));
        return new WorkerDied(worker + " interrupted " + what + ", which " + e.message(), worker, 0);
    }

    /**
     * An input that ran past the timeout is still running on its executor (it ignored its interrupt): Spark kills
     * that executor and starts another, as a local worker is killed at its timeout, so that it burns no core.
     */
    private void replaceExecutor(TaskRecord t, String executorId, String why) {
        boolean asked = spark.replaceExecutor(executorId);
        KernelLog.warn(why + (asked ? ": asked Spark to replace it" : ": Spark would not replace it"));
        LogRouter r;
        synchronized (this) {
            r = routers.forCell(t.batch.origin, this::busyCells);
        }
        r.note(2, why + (asked ? "; Spark replaces it with a new executor" : "; Spark would not replace it"));
    }

    private void complete(TaskRecord t, String worker, Object[] values, long[] times, RuntimeException[] errors) {
        t.batch.complete(new Batch.Ran(t.first, t.inputs, worker, 0, times, times), values, errors);
        failed += errors.length;
    }

    /** The job ended: inputs Spark gave up on (or that were cancelled) fail with the reason; the rest are in. */
    private void jobEnded(Job job, Throwable e) {
        jobs.remove(job.group);
        for (TaskRecord t : job.tasks) spark.forgetOutput(t.id);
        List<TaskRecord> left = new ArrayList<>();
        for (TaskRecord t : job.tasks) if (running.remove(t.id) != null) left.add(t);
        if (left.isEmpty()) return;
        RuntimeException why = e == null ? new IllegalStateException("Spark ended the job without this chunk's result")
                : isCancel(e) ? new CancellationException("cancelled: " + (cancelReason == null ? "the Spark job was cancelled" : cancelReason))
                : new jpool.cluster.ClusterFailure("Spark gave up on this input: " + firstLine(e));
        for (TaskRecord t : left) {
            RuntimeException[] errors = new RuntimeException[t.inputs.size()];
            java.util.Arrays.fill(errors, why);
            complete(t, null, null, null, errors);
        }
    }

    private volatile String cancelReason;

    private static boolean isCancel(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (c instanceof CancellationException || m.contains("cancelled") || m.contains("canceled")) return true;
        }
        return false;
    }

    private static String firstLine(Throwable e) {
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        String m = String.valueOf(c.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** An interrupt cancels the Spark jobs of the cell that is running now; their inputs fail as cancelled at once. */
    private void cancelInterruptedCell() {
        Cell cell = CellScope.latest();
        if (cell == null || cell.finished()) return;
        cancelReason = "the kernel was interrupted";
        for (Job j : List.copyOf(jobs.values())) if (j.origin == cell) cancel(j);
    }

    private void cancel(Job j) {
        spark.cancel(j.group);
        jobEnded(j, new CancellationException("cancelled"));
    }

    /** Line printed by a task on an executor: into the cell that submitted it, tagged by executor. */
    private void output(long taskId, int stream, String tag, String text) {
        java.util.ArrayDeque<String> tail = tails.computeIfAbsent(tag.replaceAll(" attempt .*", ""), k -> new java.util.ArrayDeque<>());
        synchronized (tail) {
            tail.addLast(text);
            while (tail.size() > 3) tail.removeFirst();
        }
        TaskRecord t = running.get(taskId);
        Cell cell = t == null ? CellScope.latest() : t.batch.origin;
        LogRouter r;
        synchronized (this) {
            r = routers.forCell(cell, this::busyCells);
        }
        r.output(tag, stream, text);
    }

    private boolean busy(Cell cell) {
        return busyCells().contains(cell);
    }

    private Set<Cell> busyCells() {
        Set<Cell> s = new HashSet<>();
        for (TaskRecord t : running.values()) s.add(t.batch.origin);
        return s;
    }

    /** Waits for the running jobs, then stops the SparkContext. */
    void close() {
        for (Job j : List.copyOf(jobs.values())) {
            try {
                j.end.join();
            } catch (RuntimeException ignored) {
                // its inputs failed with the reason already
            }
        }
        stop();
    }

    /** Cancels every job (their inputs fail as cancelled) and stops the SparkContext. */
    void terminate() {
        cancelReason = "the pool was terminated before this task finished";
        for (Job j : List.copyOf(jobs.values())) cancel(j);
        stop();
    }

    private void stop() {
        KernelEvents.removeInterrupt(onInterrupt);
        spark.close();
        decoder.shutdown();
        synchronized (this) {
            routers.closeAll();
        }
    }

    /** Where the tasks run: the master, its executors and cores, the Spark UI. */
    String where() {
        List<Object[]> ex = spark.executors();
        int cores = 0;
        for (Object[] e : ex) cores += (Integer) e[2];
        String ui = spark.uiUrl();
        return "on " + spark.cluster().master() + ": " + ex.size() + " executors (" + cores + " cores)"
                + (ui == null ? "" : ", Spark UI " + ui);
    }

    /** The pool's status model, its workers being the cluster's executors. */
    PoolStatus status(String poolName, String state) {
        return new PoolStatus(poolName, state, done, running.size(), failed, workers());
    }

    /**
     * The executors as the pool's workers: "executor ID @ host" (the name their inputs are credited to), busy while
     * Spark runs a task on them, the tasks Spark finished there, their cores, their last lines, and the CPU and memory
     * they read themselves (see {@code jpool.workers.ExecutorSampler}), wherever they run.
     */
    List<PoolStatus.Worker> workers() {
        List<PoolStatus.Worker> out = new ArrayList<>();
        for (Object[] e : spark.executors()) {
            String tag = "executor " + e[0] + " @ " + e[1];
            java.util.ArrayDeque<String> tail = tails.get(tag);
            List<String> last;
            if (tail == null) last = List.of();
            else synchronized (tail) {
                last = List.copyOf(tail);
            }
            int cores = (Integer) e[2];
            // pid 0: the executor's process may be on another machine; its own pid is in its usage reading
            // Spark counts a task active until its listener hears of the end, after the result is here
            boolean busy = (Integer) e[3] > 0 && !running.isEmpty();
            out.add(new PoolStatus.Worker(tag, 0, busy, false, (Integer) e[4], last, false,
                    cores + (cores == 1 ? " core" : " cores"), spark.usage(String.valueOf(e[0]))));
        }
        return out;
    }

    /** The Spark UI's address, or null when the application has none. */
    String uiUrl() {
        return spark.uiUrl();
    }
}
