package jpool.pool;

import jpool.KernelEvents;
import jpool.display.CellScope;
import jpool.display.Html;
import jpool.display.Tables;
import jpool.display.Rich;
import jpool.ipc.RemoteError;
import jpool.ipc.Serial;
import jpool.protocol.Cell;
import jpool.protocol.KernelLog;
import jpool.workers.Job;
import jpool.workers.LogRouter;
import jpool.workers.Mp;
import jpool.workers.NotShippable;
import jpool.workers.Shipment;
import jpool.workers.StateCapture;
import jpool.workers.WorkerHandle;
import jpool.workers.WorkerHandle.Delivery;
import jpool.workers.WorkerMain;
import jpool.workers.WorkerStartFailed;
import jpool.workers.WorkerTask;
import jpool.workers.Workers;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 */
public final class Pool implements AutoCloseable, Rich {
    private static final AtomicInteger WORKER_NUMBERS = new AtomicInteger();
    private static final AtomicInteger POOL_NUMBERS = new AtomicInteger();
    private static final ExecutorService STARTER = Executors.newCachedThreadPool(daemon("jpool-pool-starter"));
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(daemon("jpool-pool-timeouts"));

    private enum State { RUN, CLOSE, TERMINATE }

    private final int number = POOL_NUMBERS.incrementAndGet();
    private final int processes;
    private final Shipment initializer;
    private final int maxTasksPerChild;
    /** One thread, so callbacks run in completion order; it ends when idle, so finished pools leave no thread behind. */
    private final java.util.concurrent.ThreadPoolExecutor callbacks = new java.util.concurrent.ThreadPoolExecutor(1, 1,
            30, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), daemon("jpool-pool-callbacks"));
    private final List<PoolWorker> slots = new ArrayList<>();
    /** The slots as of their last change, read without the lock by {@link #flush}. */
    private volatile List<PoolWorker> slotView = List.of();
    private final ArrayDeque<TaskRecord> pending = new ArrayDeque<>();
    private final CellRouters routers;
    private final CompletableFuture<Void> allExited = new CompletableFuture<>();
    private final Runnable onInterrupt = this::cancelInterruptedCell;
    private volatile Duration timeout;
    /** Callbacks of applyAsync calls that have not run yet. */
    private final AtomicInteger callbacksDue = new AtomicInteger();
    private volatile int retries;
    private volatile boolean terminateOnInterrupt = true;
    private volatile boolean progressDisplays = true;
    private State state = State.RUN;
    private int tasksDone, tasksFailed, starting;
    /** jpool.cluster hook (issue 18): set when the pool runs on a Spark cluster; its calls then go to Spark. */
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
        if (processes < 1) throw new IllegalArgumentException("a Pool needs at least 1 process, got " + processes);
        if (maxTasksPerChild < 0) throw new IllegalArgumentException("maxTasksPerChild must be 0 (no limit) or more, got " + maxTasksPerChild);
        if (jpool.workers.Mp.inWorker()) throw new IllegalStateException("pools are created in the notebook kernel, not inside a worker");
        this.processes = processes;
        this.cluster = null;
        this.routers = new CellRouters("pool-" + number, this::mayStillPrintFor);
        this.maxTasksPerChild = maxTasksPerChild;
        this.initializer = initializer == null ? null : StateCapture.prepare(new InitTask(initializer), "the pool initializer");
        List<CompletableFuture<PoolWorker>> started = new ArrayList<>();
        for (int i = 0; i < processes; i++) started.add(CompletableFuture.supplyAsync(this::newSlot, STARTER));
        RuntimeException failure = null;
        for (CompletableFuture<PoolWorker> f : started) {
            try {
                PoolWorker s = f.join();
                synchronized (this) {
                    slots.add(s);
                    slotView = List.copyOf(slots);
                }
            } catch (RuntimeException e) {
                failure = failure != null ? failure : (e.getCause() instanceof RuntimeException r ? r : e);
            }
        }
        if (failure != null) {
            terminate();
            throw failure;
        }
        callbacks.allowCoreThreadTimeOut(true);
        allExited.whenComplete((v, e) -> closeRouters());
        KernelEvents.onInterrupt(onInterrupt);
        LIVE.add(this);
    }

    private static final List<Pool> LIVE = new java.util.concurrent.CopyOnWriteArrayList<>();

    // ---- jpool.cluster hook (issue 18): a pool whose tasks run on a Spark cluster -------------------------

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
    public Pool(jpool.cluster.Cluster cluster) {
        if (cluster == null) throw new IllegalArgumentException("no cluster given (Cluster.spark(\"spark://host:7077\"))");
        if (jpool.workers.Mp.inWorker()) throw new IllegalStateException("pools are created in the notebook kernel, not inside a worker");
        this.routers = new CellRouters("pool-" + number, this::mayStillPrintFor);
        this.maxTasksPerChild = 0;
        this.initializer = null;
        this.cluster = new ClusterPool(this, cluster);
        this.processes = this.cluster.cores();
        callbacks.allowCoreThreadTimeOut(true);
        allExited.whenComplete((v, e) -> closeRouters());
        LIVE.add(this);
    }

    /** Ends a cluster pool: close waits for its jobs, terminate cancels them; either stops its SparkContext. */
    private void endCluster(boolean terminate) {
        synchronized (this) {
            if (state == State.TERMINATE || (state == State.CLOSE && !terminate)) return;
            state = terminate ? State.TERMINATE : State.CLOSE;
        }
        if (terminate) cluster.terminate();
        else cluster.close();
        allExited.complete(null);
        LIVE.remove(this);
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

    /** Fails a task (killing its worker, which is replaced) when it runs longer than {@code limit}; null = no limit. */
    public Pool timeout(Duration limit) {
        if (limit != null && (limit.isNegative() || limit.isZero())) throw new IllegalArgumentException("timeout must be positive, got " + limit);
        timeout = limit;
        return this;
    }

    /** Runs a task again (on a fresh worker) up to {@code n} times when its worker dies; 0 = never. */
    public Pool retries(int n) {
        if (n < 0) throw new IllegalArgumentException("retries must be 0 or more, got " + n);
        retries = n;
        return this;
    }

    /** Whether an interrupt kills the workers running the interrupted cell's tasks (default) or lets them finish. */
    public Pool terminateOnInterrupt(boolean kill) {
        terminateOnInterrupt = kill;
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
        return single(fn, ChunkTask.Kind.CALL, null, null, null);
    }

    /** Starts {@code fn(arg)} in a worker; returns at once. */
    public <A, R> AsyncResult<R> applyAsync(Fn<A, R> fn, A arg) {
        return single(fn, ChunkTask.Kind.FN, arg, null, null);
    }

    /**
     * Starts {@code fn(arg)}; when it finishes, {@code onResult} gets the value or {@code onError} the error, in the
     * kernel. Either may be null. An exception thrown by a callback is reported in the cell and harms nothing else.
     */
    public <A, R> AsyncResult<R> applyAsync(Fn<A, R> fn, A arg, Consumer<? super R> onResult, Consumer<? super RuntimeException> onError) {
        return single(fn, ChunkTask.Kind.FN, arg, onResult, onError);
    }

    /** Like {@link #applyAsync(Fn, Object, Consumer, Consumer)} for a task without argument. */
    public <R> AsyncResult<R> applyAsync(Call<R> fn, Consumer<? super R> onResult, Consumer<? super RuntimeException> onError) {
        return single(fn, ChunkTask.Kind.CALL, null, onResult, onError);
    }

    /** Starts {@code fn(arg)}; {@code onResult} gets the value in the kernel when it is done (errors: {@link AsyncResult#get()}). */
    public <A, R> AsyncResult<R> applyAsync(Fn<A, R> fn, A arg, Consumer<? super R> onResult) {
        return single(fn, ChunkTask.Kind.FN, arg, onResult, null);
    }

    /** Starts {@code fn}; {@code onResult} gets the value in the kernel when it is done. */
    public <R> AsyncResult<R> applyAsync(Call<R> fn, Consumer<? super R> onResult) {
        return single(fn, ChunkTask.Kind.CALL, null, onResult, null);
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
        Batch b = submitAll(fn, ChunkTask.Kind.FN, items, chunkSize, "map", null);
        return new AsyncResult<>(valuesOf(b), b);
    }

    /** Like map, but never throws for failed inputs: one {@link Outcome} per input, in input order. */
    public <A, R> List<Outcome<R>> mapResults(Fn<A, R> fn, Iterable<A> items) {
        return mapResultsAsync(fn, items, 0).get();
    }

    /** Starts a map whose value is one {@link Outcome} per input (never fails for failed inputs). */
    public <A, R> AsyncResult<List<Outcome<R>>> mapResultsAsync(Fn<A, R> fn, Iterable<A> items, int chunkSize) {
        Batch b = submitAll(fn, ChunkTask.Kind.FN, items, chunkSize, "map", null);
        @SuppressWarnings("unchecked")
        CompletableFuture<List<Outcome<R>>> typed = b.all.thenApply(x -> (List<Outcome<R>>) (List<?>) x.outcomes());
        return new AsyncResult<>(typed, b);
    }

    /** A call's values in input order once all are in; {@link MapFailed} when any input failed. */
    @SuppressWarnings("unchecked")
    private static <R> CompletableFuture<List<R>> valuesOf(Batch b) {
        return b.all.thenApply(x -> (List<R>) x.valuesOrThrow());
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
        Batch b = submitAll(fn, ChunkTask.Kind.FN2, packed, 0, "starmap", null);
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

    // ---- lifecycle -----------------------------------------------------------------------------------------

    /**
     * No more tasks: the submitted ones still run, then the workers exit. Returns once they have, so that
     * try-with-resources never leaves work behind; {@link #join()} afterwards returns at once.
     */
    @Override
    public void close() {
        if (cluster != null) {
            endCluster(false);
            return;
        }
        synchronized (this) {
            if (state == State.RUN) state = State.CLOSE;
            retireIdleIfClosed();
        }
        flush();
        KernelEvents.removeInterrupt(onInterrupt);
        join();
    }

    /** Waits for every worker to exit; call {@link #close()} or {@link #terminate()} first. */
    public void join() {
        synchronized (this) {
            if (state == State.RUN) throw new IllegalStateException("join() needs close() or terminate() first (the pool is still accepting tasks)");
        }
        try {
            allExited.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw AsyncResult.unwrap(e);
        }
        LIVE.remove(this);
    }

    /** Stops now: pending tasks are cancelled, running ones killed with their workers. */
    public void terminate() {
        if (cluster != null) {
            endCluster(true);
            return;
        }
        List<TaskRecord> cancelled;
        List<PoolWorker> victims;
        synchronized (this) {
            state = State.TERMINATE;
            cancelled = new ArrayList<>(pending);
            pending.clear();
            victims = new ArrayList<>(slots);
            for (PoolWorker s : victims) {
                for (TaskRecord t : s.inFlight) {
                    if (t.cancelled) continue;
                    t.cancelled = true;
                    cancelled.add(t);
                }
            }
            checkAllExited();
        }
        KernelEvents.removeInterrupt(onInterrupt);
        for (TaskRecord t : cancelled) fail(t, null, new CancellationException("the pool was terminated before this task finished"));
        for (PoolWorker s : victims) s.handle.kill();
        LIVE.remove(this);
    }

    // ---- status --------------------------------------------------------------------------------------------

    /** One line: workers busy/idle, tasks done/pending/failed, state. */
    public synchronized String status() {
        if (cluster != null) return "Pool-" + number + " [" + state.name().toLowerCase() + "] " + cluster.status();
        long busy = slots.stream().filter(PoolWorker::busy).count();
        long queued = slots.stream().mapToLong(s -> s.inFlight.size()).sum();
        return "Pool-" + number + " [" + state.name().toLowerCase() + "]: " + slots.size() + " workers (" + busy + " busy), tasks "
                + tasksDone + " done, " + (pending.size() + queued) + " pending, " + tasksFailed + " failed";
    }

    @Override
    public String toString() {
        return "<" + status() + ">";
    }

    @Override
    public synchronized Map<String, Object> mimeBundle() {
        StringBuilder text = new StringBuilder(status());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (PoolWorker s : slots) {
            String st = s.busy() ? "busy" : s.initializing ? "initializing" : "idle";
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("worker", s.name);
            row.put("pid", s.handle.pid());
            row.put("state", st);
            row.put("tasks run", s.tasksRun);
            rows.add(row);
            text.append("\n  ").append(s.name).append(" pid ").append(s.handle.pid()).append(' ').append(st)
                    .append(", ").append(s.tasksRun).append(" tasks run");
        }
        String html = "<div><b>" + Html.escape(status()) + "</b>" + (rows.isEmpty() ? "" : Tables.html(rows, 1000)) + "</div>";
        return Map.of("text/plain", text.toString(), "text/html", html);
    }

    /** What one worker is doing, for status displays. */
    public record WorkerState(String name, long pid, boolean busy, int tasksRun, List<String> recentLines) {
    }

    /** The pool's workers now, with the last few lines each printed. */
    public synchronized List<WorkerState> workers() {
        if (cluster != null) return cluster.workers();
        List<WorkerState> out = new ArrayList<>();
        for (PoolWorker s : slots) out.add(new WorkerState(s.name, s.handle.pid(), s.busy(), s.tasksRun, s.tail.get()));
        return out;
    }

    /** Pool name as shown in status lines ("Pool-1"). */
    public String name() {
        return "Pool-" + number;
    }

    /**
     * Whether a map still running after a second shows a live task board in its cell: progress and ETA, the
     * workers and their last output, failures, CPU (on by default; the {@code %%pool} magic draws its own).
     */
    public Pool progressDisplays(boolean show) {
        progressDisplays = show;
        return this;
    }

    /** Short text for an input in messages. */
    static String show(Object input) {
        String s = String.valueOf(input);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    // ---- submission ----------------------------------------------------------------------------------------

    private <R> AsyncResult<R> single(Serializable fn, ChunkTask.Kind kind, Object arg,
                                      Consumer<? super R> onResult, Consumer<? super RuntimeException> onError) {
        Batch b = new Batch(CellScope.current(), "apply");
        int index = b.add();
        ArrayList<Object> inputs = new ArrayList<>();
        inputs.add(arg);
        ShippedFn.Prepared f = ShippedFn.prepare(fn);
        Shipment s = ship(new ChunkTask(f.form(), kind, inputs), f, null);
        TaskRecord task = new TaskRecord(b, index, inputs, s, f, kind);
        task.noInput = kind == ChunkTask.Kind.CALL;
        enqueue(List.of(task));
        b.seal(null);
        @SuppressWarnings("unchecked")
        CompletableFuture<R> value = b.item(index).thenApply(o -> {
            if (!o.ok()) throw o.error();
            return (R) o.value();
        });
        if (onResult != null || onError != null) {
            callbacksDue.incrementAndGet(); // its output may come after the cell ended: the cell keeps a display
            value.whenCompleteAsync((v, e) -> {
                try {
                    runCallback(b.origin, () -> {
                        if (e == null) {
                            if (onResult != null) onResult.accept(v);
                        } else if (onError != null) {
                            Throwable c = e instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null ? ce.getCause() : e;
                            onError.accept(c instanceof RuntimeException r ? r : new RuntimeException(c));
                        }
                    });
                } finally {
                    callbacksDue.decrementAndGet();
                }
            }, callbacks);
        }
        return new AsyncResult<>(value);
    }

    /** Callbacks run in the kernel with the submitting cell's output; a failing callback is reported, not fatal. */
    private void runCallback(Cell origin, Runnable r) {
        CellScope.runAs(origin, () -> {
            try {
                r.run();
            } catch (RuntimeException | Error e) {
                routerFor(origin).note(2, "callback failed: " + e + " (the pool carries on)");
            }
        });
    }

    /** @param prepare sees the call's batch before its inputs are sent (null: nothing to prepare) */
    Batch submitAll(Serializable fn, ChunkTask.Kind kind, Iterable<?> items, int chunkSize, String label,
                    Consumer<Batch> prepare) {
        if (chunkSize < 0) throw new IllegalArgumentException("chunkSize must be 0 (automatic) or more, got " + chunkSize);
        Object[] all;
        if (items instanceof java.util.Collection<?> c) {
            all = c.toArray(); // one bulk copy; chunks are cut from the array (a subList copy walks an iterator)
        } else {
            all = InputReader.readAll(items.iterator(), label).toArray(); // fails early when they cannot fit
        }
        int chunk = chunkSize > 0 ? chunkSize : Math.max(1, (int) Math.ceil(all.length / (4.0 * (cluster != null ? cluster.cores() : processes))));
        Batch b = new Batch(CellScope.current(), label);
        b.reserve(all.length);
        // one state snapshot for the whole call: every chunk sees the same notebook variables
        Shipment first = null;
        ShippedFn.Prepared f = ShippedFn.prepare(fn);
        List<TaskRecord> tasks = new ArrayList<>();
        for (int from = 0; from < all.length; from += chunk) {
            int n = Math.min(all.length - from, chunk);
            ArrayList<Object> part = new ArrayList<>(Arrays.asList(Arrays.copyOfRange(all, from, from + n)));
            ChunkTask task = new ChunkTask(f.form(), kind, part);
            Shipment s = ship(task, f, first);
            if (first == null) first = s;
            tasks.add(new TaskRecord(b, b.add(n), part, s, f, kind));
        }
        if (prepare != null) prepare.accept(b);
        enqueue(tasks);
        b.seal(progressDisplays ? this : null);
        return b;
    }

    /**
     * A chunk ready to send, with the notebook state its function reads: {@code sameStateAs}'s (the chunks of one
     * call share a snapshot) or a fresh one. Compact form when the function was serialized once and the inputs are
     * plain values (no notebook classes in them, so the function alone decides which state is needed).
     */
    static Shipment ship(ChunkTask task, ShippedFn.Prepared f, Shipment sameStateAs) {
        byte[] compact = f.written() != null ? ChunkCodec.encodeTask(task) : null;
        if (compact != null) {
            Shipment s = sameStateAs != null ? new Shipment(compact, sameStateAs.state())
                    : StateCapture.prepare(compact, f.written(), true, "the task"); // kept: ShippedFn's cache
            return s.naming(((ShippedFn) f.form()).function());
        }
        if (sameStateAs == null) return StateCapture.prepare(task, "the task", f.written());
        try {
            Serial.Written w = Serial.writeDetached(task);
            return new Shipment(w.bytes(), sameStateAs.state(), w.arrays());
        } catch (IOException e) {
            throw new NotShippable("an input cannot be sent to a worker: " + Serial.explain(e));
        }
    }

    void enqueue(List<TaskRecord> tasks) {
        synchronized (this) {
            if (state != State.RUN)
                throw new IllegalStateException("Pool-" + number + " is " + (state == State.CLOSE ? "closed" : "terminated") + "; it takes no new tasks");
            if (cluster == null) {
                for (TaskRecord t : tasks) routerFor(t.batch.origin); // reserves the cell's display for late output
                pending.addAll(tasks);
                dispatch();
            }
        }
        if (cluster != null) { // jpool.cluster hook: the chunks run as Spark jobs
            cluster.submit(tasks);
            return;
        }
        flush();
    }

    // ---- scheduling (all under the pool's lock) ------------------------------------------------------------

    /**
     * Sends pending tasks to workers. A worker gets a few tasks ahead of the one it runs when tasks are short, so
     * it never waits a round trip for its next one (what bounded small-task throughput); long tasks go one at a
     * time, so none waits behind another in a busy worker while a different worker is free. Workers are topped up
     * level by level, so a short queue is spread over all of them.
     */
    private void dispatch() {
        int depth = queueDepth();
        for (int level = 1; level <= depth && !pending.isEmpty(); level++) {
            for (PoolWorker s : slots) {
                if (pending.isEmpty()) break;
                // not while the initializer runs: the worker would not read the task until it is done, so a large
                // task blocked this send, under the pool's lock, while the worker's output waited for that lock
                if (s.retiring || s.initializing || s.inFlight.size() >= level) continue;
                if (maxTasksPerChild > 0 && s.tasksRun + s.inFlight.size() >= maxTasksPerChild) continue;
                send(s, pending.poll());
            }
        }
        if (pending.isEmpty()) rebalance();
        retireIdleIfClosed();
    }

    /**
     * With nothing left to send, a free worker takes over a task still waiting in a busy worker: that worker is
     * asked to skip it ({@link WorkerHandle#cancel}) and its answer puts the task back in the queue. Without this a
     * worker could sit idle while tasks queued behind a long one elsewhere (queue depth is guessed from earlier,
     * perhaps shorter, tasks).
     */
    private void rebalance() {
        int idle = 0, reclaiming = 0;
        for (PoolWorker s : slots) if (s.inFlight.isEmpty() && !s.retiring && !s.initializing) idle++;
        if (idle == 0) return; // the usual case while tasks stream in: every worker busy, nothing to look at
        for (PoolWorker s : slots) for (TaskRecord t : s.inFlight) if (t.reclaimed) reclaiming++;
        while (reclaiming < idle) {
            TaskRecord victim = null;
            PoolWorker from = null;
            for (PoolWorker s : slots) {
                TaskRecord last = s.inFlight.peekLast();
                // never a worker's first task: it is running (or about to), so nothing would be gained
                if (last == null || last == s.inFlight.peekFirst() || last.started || last.cancelled || last.reclaimed) continue;
                if (from == null || s.inFlight.size() > from.inFlight.size()) {
                    from = s;
                    victim = last;
                }
            }
            if (victim == null) return;
            victim.reclaimed = true;
            long victimId = victim.id;
            from.post((h, more, after) -> h.cancel(victimId));
            reclaiming++;
        }
    }

    /**
     * How many tasks a worker may hold: enough queued work to cover about {@value #QUEUED_WORK_MS} ms, from the
     * recent average task time (unknown at first: one at a time).
     */
    private int queueDepth() {
        if (meanTaskMillis < 0) return 1;
        return 1 + (int) Math.min(MAX_QUEUED - 1, QUEUED_WORK_MS / Math.max(meanTaskMillis, 0.01));
    }

    private static final double QUEUED_WORK_MS = 20;
    private static final int MAX_QUEUED = 16;
    /** Moving average of how long a task ran in its worker (ms); -1 until one finished. */
    private double meanTaskMillis = -1;

    /** Gives {@code t} to worker {@code s}; the frame goes out at the next {@link #flush}. */
    private void send(PoolWorker s, TaskRecord t) {
        s.inFlight.add(t);
        t.attempts++;
        boolean queued = s.inFlight.size() > 1; // behind others: it may wait to go out with the next ones
        // several frames for one worker leave in one write (the chunks of a map); a lone task queued behind others
        // is written by the channel's flusher, so the thread handling a result does not wait for the write
        s.post((h, more, after) -> h.run(t.id, s.name, false, t.shipment,
                more ? Delivery.LATER : queued && !after ? Delivery.SOON : Delivery.NOW));
        if (!queued) began(s);
    }

    /**
     * Writes the frames the pool decided under its lock (tasks, take-backs, quits), outside it. Every path that
     * may have decided some calls this once it let go of the lock.
     */
    private void flush() {
        for (PoolWorker s : slotView) s.flush();
    }

    /**
     * The worker's first unanswered task is running now (or as soon as it arrives): a worker runs its tasks in the
     * order sent, so no message per task is needed to know it. Its timeout counts from here.
     */
    private void began(PoolWorker s) {
        TaskRecord t = s.inFlight.peekFirst();
        if (t == null || t.started) return;
        t.started = true;
        // a board shows each worker's last lines; those of an earlier call (an earlier cell) are not this one's
        if (s.lastBatch != t.batch) {
            s.lastBatch = t.batch;
            s.tail.clear();
        }
        if (t.cancelled) {
            // interrupted before it began: the worker skips it when our cancel arrives first; if no answer comes
            // soon, it began after all and runs on, and the interrupt stops it as it stops the running tasks
            if (terminateOnInterrupt) WATCHDOG.schedule(() -> {
                synchronized (this) {
                    if (!s.inFlight.contains(t)) return;
                }
                s.handle.kill();
            }, 200, TimeUnit.MILLISECONDS);
            return;
        }
        Duration limit = timeout;
        if (limit == null) return;
        t.progressNanos = System.nanoTime();
        watch(s, t, limit, t.attempts, limit.toNanos());
    }

    /**
     * Kills {@code s} when the input {@code t} is running has run longer than {@code limit}: the limit counts from
     * the task's start or its worker's last report of finished inputs, so each input of a chunk gets the whole limit.
     */
    private void watch(PoolWorker s, TaskRecord t, Duration limit, int attempt, long delayNanos) {
        WATCHDOG.schedule(() -> {
            long left;
            synchronized (this) {
                if (!s.inFlight.contains(t) || t.attempts != attempt) return;
                left = t.progressNanos + limit.toNanos() - System.nanoTime();
                if (left <= 0) t.timedOut = limit;
            }
            if (left > 0) watch(s, t, limit, attempt, left);
            else s.handle.kill();
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void retireIdleIfClosed() {
        if (state != State.CLOSE || !pending.isEmpty()) return;
        for (PoolWorker s : slots) {
            if (s.inFlight.isEmpty() && !s.retiring) {
                s.retiring = true;
                s.post((h, more, after) -> h.quit());
            }
        }
        checkAllExited();
    }

    private void checkAllExited() {
        if (state != State.RUN && slots.isEmpty() && starting == 0) allExited.complete(null);
    }

    private PoolWorker newSlot() {
        String name = "PoolWorker-" + WORKER_NUMBERS.incrementAndGet();
        PoolWorker s = new PoolWorker(this, name);
        s.handle = Workers.start(List.of(), s);
        if (initializer != null) {
            s.initializing = true;
            try {
                s.handle.run(-1, name, false, initializer);
            } catch (IOException e) {
                KernelLog.warn(name + " hung up before its initializer ran");
            }
        }
        return s;
    }

    /** Starts a worker to replace one that died or retired. */
    private void replace() {
        synchronized (this) {
            if (state == State.TERMINATE || (state == State.CLOSE && pending.isEmpty())) return;
            starting++;
        }
        CompletableFuture.supplyAsync(this::newSlot, STARTER).whenComplete((s, e) -> {
            List<TaskRecord> orphaned = List.of();
            synchronized (this) {
                starting--;
                if (e == null && state != State.TERMINATE) {
                    slots.add(s);
                    slotView = List.copyOf(slots);
                } else if (e == null) {
                    s.handle.kill();
                } else if (slots.isEmpty() && starting == 0) {
                    orphaned = new ArrayList<>(pending); // no worker left and none coming: fail, never hang
                    pending.clear();
                }
                dispatch();
                checkAllExited();
            }
            flush();
            Throwable cause = e instanceof java.util.concurrent.CompletionException ce ? ce.getCause() : e;
            for (TaskRecord t : orphaned)
                fail(t, null, new WorkerStartFailed("no worker could be started to run this task: " + (cause == null ? "" : cause.getMessage())));
        });
    }

    /**
     * An interrupt cancels the tasks of the cell that is running now. On an idle kernel there is none: tasks a
     * finished cell left running in the background (applyAsync, mapAsync) are not the interrupt's target.
     */
    private void cancelInterruptedCell() {
        Cell cell = CellScope.latest();
        if (cell == null || cell.finished()) return;
        List<TaskRecord> cancelled = new ArrayList<>();
        List<PoolWorker> kill = new ArrayList<>();
        synchronized (this) {
            pending.removeIf(t -> {
                if (t.batch.origin != cell) return false;
                cancelled.add(t);
                return true;
            });
            for (PoolWorker s : slots) {
                for (TaskRecord t : s.inFlight) {
                    if (t.batch.origin != cell || t.cancelled) continue;
                    t.cancelled = true;
                    cancelled.add(t);
                    if (!t.started) s.post((h, more, after) -> h.cancel(t.id)); // still queued in the worker: it skips it
                    else if (terminateOnInterrupt && !kill.contains(s)) kill.add(s);
                }
            }
        }
        flush();
        for (TaskRecord t : cancelled) fail(t, null, new CancellationException("cancelled: the kernel was interrupted"));
        for (PoolWorker s : kill) s.handle.kill();
    }

    // ---- worker reports ------------------------------------------------------------------------------------

    void onResult(PoolWorker s, long id, byte[] bytes, Object[] arrays) {
        if (id < 0) { // the initializer is done: the worker takes tasks now
            synchronized (this) {
                s.initializing = false;
                dispatch();
            }
            flush();
            return;
        }
        received(s, id, -1, bytes, arrays);
    }

    /** Results of a running task's first inputs, ahead of its end ({@link jpool.ipc.Frame#PARTIAL}). */
    void onPartial(PoolWorker s, long id, int from, byte[] bytes, Object[] arrays) {
        received(s, id, from, bytes, arrays);
    }

    /**
     * Results of task {@code id}'s inputs from the last reported one on: a report ahead of its end ({@code from} its
     * first input's place) or its final result ({@code from} -1), which covers every input left.
     */
    private void received(PoolWorker s, long id, int from, byte[] bytes, Object[] arrays) {
        boolean last = from < 0;
        // read before taking the pool's lock (which every worker's results and every submission need)
        ChunkTask.ChunkResult r;
        RuntimeException unreadable = null;
        RemoteError overLimit = null; // a value over a read limit fails its task (TaskFailed naming the limit)
        try {
            r = ChunkCodec.isResult(bytes) ? ChunkCodec.decodeResult(bytes, s.name, s.handle.pid())
                    : (ChunkTask.ChunkResult) Serial.read(bytes, arrays, KernelClasses.loader(), KernelClasses.FILTER);
        } catch (jpool.ipc.ValueRefused e) {
            r = null;
            overLimit = RemoteError.of(e.getClass().getName(), "the result could not be read in the kernel: "
                    + e.getMessage());
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            r = null;
            unreadable = new NotShippable("the result could not be read in the kernel: " + e);
        }
        int bad = 0, n = 0;
        if (r != null) {
            for (String[] e : r.errors()) if (e != null) bad++;
            n = r.values().length;
        }
        TaskRecord t;
        int at;
        boolean retire = false;
        synchronized (this) { // once per result: find the task, count it, free the worker, send it more
            t = s.find(id);
            if (t == null) return;
            at = t.delivered;
            if (r != null && (at + n > t.inputs.size() || (!last && from != at) || (last && at + n != t.inputs.size()))) {
                r = null;
                unreadable = new NotShippable("a worker reported results for inputs " + from + ".." + (from + n)
                        + " of a task of " + t.inputs.size() + " whose first " + at + " were reported");
            }
            if (r == null) {
                // the inputs of an unreadable report cannot be told apart: the task's remaining inputs fail with it
                // (as cancelled ones do, a later report of the task is dropped)
                n = t.inputs.size() - at;
                t.cancelled = !last || t.cancelled;
            } else if (!t.cancelled) {
                tasksDone += n - bad;
                tasksFailed += bad;
            }
            t.delivered = at + n;
            if (r != null && n > 0 && t.startedAt == 0) t.startedAt = r.starts()[0];
            t.progressNanos = System.nanoTime();
            if (last) {
                long ranMillis = r != null && n > 0 && !t.cancelled ? Math.max(0, r.ends()[n - 1] - t.startedAt) : 0;
                retire = finishLocked(s, t, ranMillis);
            }
        }
        // the worker is free before the caller hears: whoever looks at the pool after a result sees it idle
        flush();
        if (retire) replace();
        if (r == null) {
            if (!last || !t.cancelled) fail(t, s, at, at + n, overLimit == null ? unreadable : null, overLimit);
            return;
        }
        if (t.cancelled) return; // a cancelled task already failed as such; its late value is dropped
        RuntimeException[] errors = null;
        if (bad > 0) {
            errors = new RuntimeException[n];
            for (int i = 0; i < n; i++) {
                String[] e = r.errors()[i];
                if (e != null) errors[i] = t.taskFailed(at + i, new RemoteError(e[0], e[1], e[2]));
            }
        }
        t.batch.complete(new Batch.Ran(t.first + at, t.inputs.subList(at, at + n), r.worker(), r.pid(), r.starts(), r.ends()),
                r.values(), errors);
    }

    void onFailed(PoolWorker s, long id, RemoteError error) {
        TaskRecord t;
        synchronized (this) {
            if (id < 0) {
                routerFor(CellScope.latest()).note(2, "initializer failed in " + s.name + ":\n" + error.trace());
                s.initializing = false;
                dispatch();
            }
            t = id < 0 ? null : s.find(id);
        }
        if (t == null) {
            flush();
            return;
        }
        if (t.reclaimed && !t.cancelled && WorkerMain.CANCELLED.equals(error.className())) {
            synchronized (this) { // the worker skipped it as asked: another worker runs it
                s.inFlight.remove(t);
                t.started = false;
                began(s);
                t.reclaimed = false;
                t.attempts--;
                if (state != State.TERMINATE) {
                    pending.addFirst(t);
                    dispatch();
                }
            }
            flush();
            return;
        }
        finishedOn(s, t, 0); // the worker is free before the caller hears, as for a result
        if (!t.cancelled) fail(t, s, t.delivered, t.inputs.size(), null, error);
    }

    private void finishedOn(PoolWorker s, TaskRecord t, long ranMillis) {
        boolean retire;
        synchronized (this) {
            retire = finishLocked(s, t, ranMillis);
        }
        flush();
        if (retire) replace();
    }

    /**
     * Under the pool's lock: {@code t} left worker {@code s} (answered, or given back); the worker gets more work.
     * Returns whether the worker retires now (maxTasksPerChild), whose successor the caller starts.
     */
    private boolean finishLocked(PoolWorker s, TaskRecord t, long ranMillis) {
        if (s.inFlight.peekFirst() == t) s.inFlight.pollFirst(); // the usual case: answers come in order
        else s.inFlight.remove(t);
        began(s);
        if (t.started) {
            s.tasksRun++;
            meanTaskMillis = meanTaskMillis < 0 ? ranMillis : 0.8 * meanTaskMillis + 0.2 * ranMillis;
        }
        boolean retire = maxTasksPerChild > 0 && s.tasksRun >= maxTasksPerChild && s.inFlight.isEmpty() && !s.retiring;
        if (retire) {
            s.retiring = true;
            s.post((h, more, after) -> h.quit());
        }
        dispatch();
        return retire;
    }

    /**
     * A worker ended. The input it was running fails with {@link WorkerDied} (or runs again, with retries); inputs
     * it had finished were reported already, and those it had not begun (the rest of its chunk, the tasks queued
     * behind it) go back to the front of the queue, in order, for other workers.
     */
    void onExit(PoolWorker s, int code) {
        TaskRecord died = null;
        int diedAt = 0;
        boolean wasRetiring;
        synchronized (this) {
            slots.remove(s);
            slotView = List.copyOf(slots);
            List<TaskRecord> requeue = new ArrayList<>();
            for (TaskRecord t : s.inFlight) {
                if (t.cancelled) continue;
                int running = t.delivered;
                if (!t.started) {
                    t.attempts--;
                    t.reclaimed = false;
                    requeue.add(t);
                } else if (t.timedOut == null && t.attempts <= retries && state != State.TERMINATE) {
                    t.started = false;
                    requeue.add(running == 0 ? t : t.rest(running)); // run it again on another worker
                } else {
                    died = t;
                    diedAt = running;
                    if (running + 1 < t.inputs.size()) {
                        TaskRecord rest = t.rest(running + 1);
                        rest.attempts--; // those never ran: their next start is not a retry
                        requeue.add(rest);
                    }
                }
            }
            s.inFlight.clear();
            if (state != State.TERMINATE) for (int i = requeue.size() - 1; i >= 0; i--) pending.addFirst(requeue.get(i));
            wasRetiring = s.retiring;
            checkAllExited();
        }
        if (died != null) {
            boolean apply = "apply".equals(died.batch.label);
            String why = died.timedOut != null
                    ? s.name + " was killed because " + (apply ? "the task" : "input " + show(died.inputs.get(diedAt)))
                      + " ran longer than its timeout of " + died.timedOut.toMillis() / 1000.0 + " s"
                    : s.name + " (pid " + s.handle.pid() + ") died while running " + (apply ? "this task" : "input "
                      + show(died.inputs.get(diedAt))) + ": " + WorkerDied.describe(code);
            fail(died, s, diedAt, diedAt + 1, new WorkerDied(why, s.name, code), null);
        }
        if (!wasRetiring) replace(); // a retiring worker's successor was started when it retired
        synchronized (this) {
            dispatch(); // the tasks it had queued go to the other workers meanwhile
        }
        flush();
    }

    /** Fails every input of {@code t} not reported yet (cancelled, or the pool could not run it). */
    private void fail(TaskRecord t, PoolWorker s, RuntimeException error) {
        fail(t, s, t.delivered, t.inputs.size(), error, null);
    }

    /** Fails inputs {@code from .. to - 1} of {@code t} with {@code error}, or with {@code remote} as thrown there. */
    private void fail(TaskRecord t, PoolWorker s, int from, int to, RuntimeException error, RemoteError remote) {
        if (from >= to) return;
        RuntimeException[] errors = new RuntimeException[to - from];
        for (int i = 0; i < errors.length; i++) errors[i] = error != null ? error : t.taskFailed(from + i, remote);
        t.batch.complete(new Batch.Ran(t.first + from, t.inputs.subList(from, to), s == null ? null : s.name,
                s == null ? 0 : s.handle.pid(), null, null), null, errors);
        synchronized (this) {
            tasksFailed += errors.length;
        }
    }

    synchronized LogRouter routerFor(Cell cell) {
        return routers.forCell(cell, this::busyCells);
    }

    /** Whether tasks of {@code cell} are pending or running, or a worker is still starting (its output may come). */
    private synchronized boolean mayStillPrintFor(Cell cell) {
        if (starting > 0 || callbacksDue.get() > 0 || slots.stream().anyMatch(s -> s.initializing)) return true;
        return busyCells().contains(cell);
    }

    /** Cells with tasks pending or running (their log routers stay open). */
    private java.util.Set<Cell> busyCells() {
        java.util.Set<Cell> busy = new java.util.HashSet<>();
        for (TaskRecord t : pending) busy.add(t.batch.origin);
        for (PoolWorker s : slots) for (TaskRecord t : s.inFlight) busy.add(t.batch.origin);
        return busy;
    }

    /** The pool is done: release its log files. */
    private synchronized void closeRouters() {
        routers.closeAll();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
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
