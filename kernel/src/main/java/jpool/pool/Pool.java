package jpool.pool;

import jpool.api.Fn;
import jpool.api.Fn2;
import jpool.api.Call;
import jpool.api.Act;
import jpool.api.Act2;
import jpool.cluster.Cluster;
import jpool.shipping.ChunkTask;
import jpool.KernelEvents;
import jpool.display.CellScope;
import jpool.display.Html;
import jpool.display.Rich;
import jpool.display.Tables;
import jpool.protocol.Cell;
import jpool.api.Job;
import jpool.workers.LogRouter;
import jpool.workers.Mp;
import jpool.shipping.StateCapture;
import jpool.shipping.WorkerTask;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A pool of worker JVMs, like Python's {@code multiprocessing.Pool}, that never loses finished work:
 * <pre>{@code
 * try (Pool pool = new Pool(4)) {
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3, 4));   // [1, 4, 9, 16], in input order
 * }
 * }</pre>
 * A task that throws fails alone (with its remote stack trace); a worker that dies mid-task (System.exit, out of
 * memory, a signal) fails only that task with {@link WorkerDied} and is replaced. Interrupting the kernel cancels
 * the interrupted cell's tasks. Worker output appears, tagged {@code [PoolWorker-N]}, in the cell that submitted
 * the task.
 *
 * <p>The pool itself holds the configuration and the calls; its {@link Scheduler} decides which worker runs what,
 * its {@link Submission} turns calls into shipped tasks, and its {@link PoolExecutor} starts the workers.
 */
public final class Pool implements AutoCloseable, Rich {
    private static final AtomicInteger POOL_NUMBERS = new AtomicInteger();
    private static final List<Pool> LIVE = new CopyOnWriteArrayList<>();

    private final int number = POOL_NUMBERS.incrementAndGet();
    private final int processes;
    private final Scheduler scheduler;
    private final Submission submission;
    private final Runnable onInterrupt = this::cancelInterruptedCell;
    /** Set when the pool runs on a Spark cluster: its tasks then go to Spark instead of the scheduler's workers. */
    private final ClusterPool cluster;

    /** A pool with one worker per CPU. */
    public Pool() {
        this(Mp.cpuCount());
    }

    /** A pool of {@code processes} workers. */
    public Pool(int processes) {
        this(processes, null, 0);
    }

    /** A pool whose workers each run {@code initializer} once before their first task. */
    public Pool(int processes, Job initializer) {
        this(processes, initializer, 0);
    }

    /**
     * A pool of {@code processes} workers, each running {@code initializer} (may be null) first and replaced by a
     * fresh worker after {@code maxTasksPerChild} tasks (0 = never).
     */
    public Pool(int processes, Job initializer, int maxTasksPerChild) {
        this(processes, initializer, maxTasksPerChild, LocalJvmExecutor.INSTANCE);
    }

    /** Like {@link #Pool(int, Job, int)}, its workers started by {@code executor} instead of as local JVMs. */
    public Pool(int processes, Job initializer, int maxTasksPerChild, PoolExecutor executor) {
        if (processes < 1) throw new IllegalArgumentException("a Pool needs at least 1 process, got " + processes);
        if (maxTasksPerChild < 0) throw new IllegalArgumentException("maxTasksPerChild must be 0 (no limit) or more, got " + maxTasksPerChild);
        if (Mp.inWorker()) throw new IllegalStateException("pools are created in the notebook kernel, not inside a worker");
        this.processes = processes;
        this.cluster = null;
        this.scheduler = new Scheduler(name(), executor, initializer == null ? null
                : StateCapture.prepare(new InitTask(initializer), "the pool initializer"), maxTasksPerChild);
        this.submission = new Submission(this, scheduler, scheduler::enqueue);
        scheduler.startWorkers(processes);
        KernelEvents.onInterrupt(onInterrupt);
        LIVE.add(this);
    }

    /**
     * A pool whose tasks run on an Apache Spark cluster instead of local worker JVMs; the same calls work.
     * <pre>{@code
     * try (Pool pool = new Pool(Cluster.spark("spark://10.0.0.5:7077"))) {
     *     List<Double> scores = pool.map(topic -> tune(topic), topics);   // in input order, as locally
     * }
     * }</pre>
     * Fails with {@link jpool.cluster.ClusterFailure} (one line) when Spark cannot be resolved, the master cannot be
     * reached or no executor starts.
     */
    public Pool(Cluster cluster) {
        this(cluster, null);
    }

    /**
     * A pool on a Spark cluster whose executors each run {@code initializer} once, before their first task of this
     * pool (Python's {@code Pool(initializer=...)}; may be null). If it throws, that executor's tasks of the pool
     * fail with its message and remote stack trace.
     * <pre>{@code
     * class Model { static Net net; }
     * Pool pool = new Pool(Cluster.spark("spark://10.0.0.5:7077"), () -> Model.net = Net.load("/data/net.bin"));
     * List<Label> labels = pool.map(img -> Model.net.classify(img), images);   // loaded once per executor
     * }</pre>
     */
    public Pool(Cluster cluster, Job initializer) {
        if (cluster == null) throw new IllegalArgumentException("no cluster given (Cluster.spark(\"spark://host:7077\"))");
        if (Mp.inWorker()) throw new IllegalStateException("pools are created in the notebook kernel, not inside a worker");
        // the scheduler starts no worker here: it keeps the pool's state, routers and callbacks; Spark runs the tasks
        this.scheduler = new Scheduler(name(), LocalJvmExecutor.INSTANCE, null, 0);
        this.cluster = new ClusterPool(this, cluster, initializer == null ? null : new InitTask(initializer));
        this.processes = this.cluster.cores();
        this.submission = new Submission(this, scheduler, this.cluster::submit);
        LIVE.add(this);
    }

    /** Every pool of this kernel that has not been terminated or joined. */
    public static List<Pool> all() {
        return List.copyOf(LIVE);
    }

    // ---- configuration ------------------------------------------------------------------------------------

    /** Fails a task (killing its worker, which is replaced) when it runs longer than {@code seconds}; 0 = no limit. */
    public Pool timeout(double seconds) {
        if (seconds < 0 || Double.isNaN(seconds)) throw new IllegalArgumentException("timeout must be positive seconds (0 = none), got " + seconds);
        return timeout(seconds == 0 ? null : Duration.ofNanos((long) (seconds * 1e9)));
    }

    /**
     * Fails a task (killing its worker, which is replaced) when it runs longer than {@code limit}; null = no limit.
     * On a cluster the executor interrupts the input and goes on with the rest of its chunk; an executor whose input
     * ignores the interrupt is replaced.
     */
    public Pool timeout(Duration limit) {
        if (limit != null && (limit.isNegative() || limit.isZero())) throw new IllegalArgumentException("timeout must be positive, got " + limit);
        if (cluster != null) cluster.timeout = limit; // enforced in the executors (ClusterPool sends it with each job)
        scheduler.timeout = limit;
        return this;
    }

    /** Runs a task again (on a fresh worker) up to {@code n} times when its worker dies; 0 = never. */
    public Pool retries(int n) {
        if (n < 0) throw new IllegalArgumentException("retries must be 0 or more, got " + n);
        // on a cluster Spark itself re-runs the tasks of a lost executor: a second retry count would only mislead
        if (cluster != null && n > 0)
            throw new UnsupportedOperationException("retries(" + n + "): a cluster pool's tasks are re-run by Spark when their executor is lost; "
                    + "set Cluster.conf(\"spark.task.maxFailures\", \"" + (n + 1) + "\") instead (default 4 attempts)");
        scheduler.retries = n;
        return this;
    }

    /** Whether an interrupt kills the workers running the interrupted cell's tasks (default) or lets them finish. */
    public Pool terminateOnInterrupt(boolean kill) {
        if (cluster != null && !kill) // Spark's job-group cancel stops the running tasks as well as the pending ones
            throw new UnsupportedOperationException("terminateOnInterrupt(false): not supported on a cluster pool; "
                    + "an interrupt cancels the cell's Spark jobs, running tasks included");
        scheduler.terminateOnInterrupt = kill;
        return this;
    }

    /**
     * Whether a map still running after a second shows a live task board in its cell: progress and ETA, the
     * workers and their last output, failures, CPU (on by default; the {@code %%pool} magic draws its own).
     */
    public Pool progressDisplays(boolean show) {
        submission.progressDisplays(show);
        return this;
    }

    /** Number of worker processes. */
    public int processes() {
        return processes;
    }

    // ---- calls ---------------------------------------------------------------------------------------------

    /** Runs {@code fn} in a worker and waits for its value. */
    public <R> R apply(Call<R> fn) {
        return applyAsync(fn).get();
    }

    /** Runs {@code fn(arg)} in a worker and waits for its value. */
    public <A, R> R apply(Fn<A, R> fn, A arg) {
        return applyAsync(fn, arg).get();
    }

    /** Starts {@code fn} in a worker; returns at once. */
    public <R> AsyncResult<R> applyAsync(Call<R> fn) {
        return submission.single(fn, ChunkTask.Kind.CALL, null, null, null);
    }

    /** Starts {@code fn(arg)} in a worker; returns at once. */
    public <A, R> AsyncResult<R> applyAsync(Fn<A, R> fn, A arg) {
        return submission.single(fn, ChunkTask.Kind.FN, arg, null, null);
    }

    /**
     * Starts {@code fn(arg)}; when it finishes, {@code onResult} gets the value or {@code onError} the error, in the
     * kernel. Either may be null. An exception thrown by a callback is reported in the cell and harms nothing else.
     */
    public <A, R> AsyncResult<R> applyAsync(Fn<A, R> fn, A arg, Consumer<? super R> onResult, Consumer<? super RuntimeException> onError) {
        return submission.single(fn, ChunkTask.Kind.FN, arg, onResult, onError);
    }

    /** Like {@link #applyAsync(Fn, Object, Consumer, Consumer)} for a task without argument. */
    public <R> AsyncResult<R> applyAsync(Call<R> fn, Consumer<? super R> onResult, Consumer<? super RuntimeException> onError) {
        return submission.single(fn, ChunkTask.Kind.CALL, null, onResult, onError);
    }

    /** Starts {@code fn(arg)}; {@code onResult} gets the value in the kernel when it is done (errors: {@link AsyncResult#get()}). */
    public <A, R> AsyncResult<R> applyAsync(Fn<A, R> fn, A arg, Consumer<? super R> onResult) {
        return submission.single(fn, ChunkTask.Kind.FN, arg, onResult, null);
    }

    /** Starts {@code fn}; {@code onResult} gets the value in the kernel when it is done. */
    public <R> AsyncResult<R> applyAsync(Call<R> fn, Consumer<? super R> onResult) {
        return submission.single(fn, ChunkTask.Kind.CALL, null, onResult, null);
    }

    // Tasks that return nothing. A one-argument lambda cannot be overloaded on void vs value (see Act), so these
    // have their own names; a no-argument one can, so apply/applyAsync also take a Job.

    /** Runs {@code fn}, which returns nothing, in a worker and waits for it to finish. */
    public void apply(Job fn) {
        applyAsync(fn).get();
    }

    /** Starts {@code fn}, which returns nothing, in a worker; the result's value is null. */
    public AsyncResult<Void> applyAsync(Job fn) {
        return applyAsync(NothingReturned.of(fn));
    }

    /** Runs {@code fn(arg)}, which returns nothing, in a worker and waits for it to finish (a void {@code apply}). */
    public <A> void run(Act<A> fn, A arg) {
        runAsync(fn, arg).get();
    }

    /** Starts {@code fn(arg)}, which returns nothing, in a worker; returns at once (a void {@code applyAsync}). */
    public <A> AsyncResult<Void> runAsync(Act<A> fn, A arg) {
        return applyAsync(NothingReturned.of(fn), arg);
    }

    /** Starts {@code fn(arg)}; {@code onDone} runs in the kernel when it has finished well. */
    public <A> AsyncResult<Void> runAsync(Act<A> fn, A arg, Runnable onDone) {
        return runAsync(fn, arg, onDone, null);
    }

    /** Starts {@code fn(arg)}; then {@code onDone} or {@code onError} runs in the kernel. Either may be null. */
    public <A> AsyncResult<Void> runAsync(Act<A> fn, A arg, Runnable onDone, Consumer<? super RuntimeException> onError) {
        return applyAsync(NothingReturned.of(fn), arg, onDone == null ? null : v -> onDone.run(), onError);
    }

    /** {@code fn} over every item in the workers, waiting for all; {@link MapFailed} if any failed (a void {@code map}). */
    public <A> void forEach(Act<A> fn, Iterable<A> items) {
        forEachAsync(fn, items).get();
    }

    /** Starts {@code fn} over every item and returns at once; {@code get()} waits, and throws {@link MapFailed} if any failed. */
    public <A> AsyncResult<Void> forEachAsync(Act<A> fn, Iterable<A> items) {
        return mapAsync(NothingReturned.of(fn), items).map(values -> null);
    }

    /** {@code fn(a, b)} for every pair, waiting for all (a void {@code starmap}). */
    public <A, B> void starForEach(Act2<A, B> fn, Iterable<? extends Map.Entry<A, B>> pairs) {
        starmap(NothingReturned.of(fn), pairs);
    }

    /** {@code fn} over every item, results in input order; {@link MapFailed} (with the good results) if any failed. */
    public <A, R> List<R> map(Fn<A, R> fn, Iterable<A> items) {
        return map(fn, items, 0);
    }

    /** {@link #map(Fn, Iterable)} sending {@code chunkSize} items per message (0 = automatic). */
    public <A, R> List<R> map(Fn<A, R> fn, Iterable<A> items, int chunkSize) {
        return mapAsync(fn, items, chunkSize).get();
    }

    /** Starts a map and returns at once. */
    public <A, R> AsyncResult<List<R>> mapAsync(Fn<A, R> fn, Iterable<A> items) {
        return mapAsync(fn, items, 0);
    }

    /** Starts a map with a chunk size and returns at once. */
    public <A, R> AsyncResult<List<R>> mapAsync(Fn<A, R> fn, Iterable<A> items, int chunkSize) {
        Batch b = submission.all(fn, ChunkTask.Kind.FN, items, chunkSize, "map", null);
        return new AsyncResult<>(valuesOf(b), b);
    }

    /** Like map, but never throws for failed inputs: one {@link Outcome} per input, in input order. */
    public <A, R> List<Outcome<R>> mapResults(Fn<A, R> fn, Iterable<A> items) {
        return mapResultsAsync(fn, items, 0).get();
    }

    /** Starts a map whose value is one {@link Outcome} per input (never fails for failed inputs). */
    public <A, R> AsyncResult<List<Outcome<R>>> mapResultsAsync(Fn<A, R> fn, Iterable<A> items, int chunkSize) {
        Batch b = submission.all(fn, ChunkTask.Kind.FN, items, chunkSize, "map", null);
        @SuppressWarnings("unchecked")
        CompletableFuture<List<Outcome<R>>> typed = b.all.thenApply(x -> (List<Outcome<R>>) (List<?>) x.outcomes());
        return new AsyncResult<>(typed, b);
    }

    /**
     * The same calls, with every input's outcome stored as it arrives in the checkpoint {@code name} (a file in the
     * notebook's folder, see {@link jpool.checkpoint.Checkpoints}): run again, in this kernel or a new one after a
     * crash or restart, a call takes the stored outcomes and computes only the missing inputs.
     * <pre>{@code
     * List<Fit> fits = pool.checkpoint("grid").map(topic -> tune(topic, grid), topics);
     * }</pre>
     */
    public CheckpointedPool checkpoint(String name) {
        return new CheckpointedPool(this, name);
    }

    /** {@code fn(a, b)} for every pair, results in input order (Python's starmap). */
    public <A, B, R> List<R> starmap(Fn2<A, B, R> fn, Iterable<? extends Map.Entry<A, B>> pairs) {
        List<Object> packed = InputReader.readPairs(pairs, "starmap"); // fails early when they cannot fit
        Batch b = submission.all(fn, ChunkTask.Kind.FN2, packed, 0, "starmap", null);
        return new AsyncResult<List<R>>(valuesOf(b)).get();
    }

    /** Results in input order as they become available; reads the inputs lazily (a bounded window ahead). */
    public <A, R> Iterable<R> imap(Fn<A, R> fn, Iterable<A> items) {
        return () -> new LazyResults<>(this, fn, items.iterator(), true);
    }

    /** Results in completion order; reads the inputs lazily. */
    public <A, R> Iterable<R> imapUnordered(Fn<A, R> fn, Iterable<A> items) {
        return () -> new LazyResults<>(this, fn, items.iterator(), false);
    }

    /** A call's values in input order once all are in; {@link MapFailed} when any input failed. */
    @SuppressWarnings("unchecked")
    private static <R> CompletableFuture<List<R>> valuesOf(Batch b) {
        return b.all.thenApply(x -> (List<R>) x.valuesOrThrow());
    }

    /** Submits a map-like call (see {@link Submission#all}); for the pool's helpers (checkpoints). */
    Batch submitAll(Serializable fn, ChunkTask.Kind kind, Iterable<?> items, int chunkSize, String label,
                    Consumer<Batch> prepare) {
        return submission.all(fn, kind, items, chunkSize, label, prepare);
    }

    /** Queues tasks made elsewhere in this package (lazy imap). */
    void enqueue(List<TaskRecord> tasks) {
        if (cluster != null) cluster.submit(tasks);
        else scheduler.enqueue(tasks);
    }

    /** Where worker output and notes for {@code cell} go. */
    LogRouter routerFor(Cell cell) {
        return scheduler.routerFor(cell);
    }

    // ---- lifecycle -----------------------------------------------------------------------------------------

    /**
     * No more tasks: the submitted ones still run, then the workers exit. Returns once they have, so that
     * try-with-resources never leaves work behind; {@link #join()} afterwards returns at once.
     */
    @Override
    public void close() {
        if (cluster != null && scheduler.accepting()) cluster.close();
        scheduler.close();
        KernelEvents.removeInterrupt(onInterrupt);
        join();
    }

    /** Waits for every worker to exit; call {@link #close()} or {@link #terminate()} first. */
    public void join() {
        if (scheduler.accepting()) throw new IllegalStateException("join() needs close() or terminate() first (the pool is still accepting tasks)");
        try {
            scheduler.allExited.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw AsyncResult.unwrap(e);
        }
        LIVE.remove(this);
    }

    /** Stops now: pending tasks are cancelled, running ones killed with their workers. */
    public void terminate() {
        if (cluster != null) cluster.terminate();
        scheduler.terminate();
        KernelEvents.removeInterrupt(onInterrupt);
        LIVE.remove(this);
    }

    /**
     * An interrupt cancels the tasks of the cell that is running now. On an idle kernel there is none: tasks a
     * finished cell left running in the background (applyAsync, mapAsync) are not the interrupt's target.
     */
    private void cancelInterruptedCell() {
        Cell cell = CellScope.latest();
        if (cell == null || cell.finished()) return;
        scheduler.cancelCell(cell);
    }

    // ---- status --------------------------------------------------------------------------------------------

    /** The pool and its workers now: the model every status display renders. */
    public PoolStatus snapshot() {
        if (cluster != null) return cluster.status(name(), scheduler.accepting() ? "run" : "close");
        return scheduler.status();
    }

    /** One line: workers busy/idle, tasks done/pending/failed, state. */
    public String status() {
        if (cluster != null) return snapshot().line() + " " + cluster.where();
        return snapshot().line();
    }

    @Override
    public String toString() {
        return "<" + status() + ">";
    }

    @Override
    public Map<String, Object> mimeBundle() {
        PoolStatus st = snapshot();
        StringBuilder text = new StringBuilder(st.line());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (PoolStatus.Worker w : st.workers()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("worker", w.name());
            row.put("pid", w.pid());
            row.put("state", w.activity());
            row.put("tasks run", w.tasksRun());
            rows.add(row);
            text.append("\n  ").append(w.name()).append(" pid ").append(w.pid()).append(' ').append(w.activity())
                    .append(", ").append(w.tasksRun()).append(" tasks run");
        }
        String html = "<div><b>" + Html.escape(st.line()) + "</b>" + (rows.isEmpty() ? "" : Tables.html(rows, 1000)) + "</div>";
        return Map.of("text/plain", text.toString(), "text/html", html);
    }

    /** A cluster pool's Spark UI address (its task boards link to it); null for a local pool. */
    String clusterUi() {
        return cluster == null ? null : cluster.uiUrl();
    }

        /** The pool's workers now, with the last few lines each printed. */
    public List<PoolStatus.Worker> workers() {
        return snapshot().workers();
    }

    /** Pool name as shown in status lines ("Pool-1"). */
    public String name() {
        return "Pool-" + number;
    }

    /** Short text for an input in messages. */
    static String show(Object input) {
        String s = String.valueOf(input);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** Runs the pool's initializer in a new worker. */
    private record InitTask(Job job) implements WorkerTask {
        @Override
        public Object execute() throws Exception {
            job.run();
            return null;
        }
    }
}
