package jpool.pool;

import jpool.KernelEvents;
import jpool.display.CellScope;
import jpool.display.Html;
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
import jpool.workers.WorkerStartFailed;
import jpool.workers.WorkerTask;
import jpool.workers.Workers;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
    private static final AtomicLong TASK_IDS = new AtomicLong();
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
    private final List<Slot> slots = new ArrayList<>();
    private final ArrayDeque<TaskRecord> pending = new ArrayDeque<>();
    private final Map<Cell, LogRouter> routers = new LinkedHashMap<>();
    private final CompletableFuture<Void> allExited = new CompletableFuture<>();
    private final Runnable onInterrupt = this::cancelInterruptedCell;
    private volatile Duration timeout;
    private volatile int retries;
    private volatile boolean terminateOnInterrupt = true;
    private volatile boolean progressDisplays = true;
    private State state = State.RUN;
    private int tasksDone, tasksFailed, starting;

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
        this.maxTasksPerChild = maxTasksPerChild;
        this.initializer = initializer == null ? null : StateCapture.prepare(new InitTask(initializer), "the pool initializer");
        if (this.initializer != null) noteSkipped(this.initializer, CellScope.current(), "the pool initializer");
        List<CompletableFuture<Slot>> started = new ArrayList<>();
        for (int i = 0; i < processes; i++) started.add(CompletableFuture.supplyAsync(this::newSlot, STARTER));
        RuntimeException failure = null;
        for (CompletableFuture<Slot> f : started) {
            try {
                Slot s = f.join();
                synchronized (this) {
                    slots.add(s);
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

    /** Every pool of this kernel that has not been terminated or joined. */
    public static List<Pool> all() {
        return List.copyOf(LIVE);
    }

    // ---- configuration ------------------------------------------------------------------------------------

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
        Batch b = submitAll(fn, ChunkTask.Kind.FN, items, chunkSize, "map");
        return new AsyncResult<>(b.all.thenApply(Pool::valuesOrThrow), b);
    }

    /** Like map, but never throws for failed inputs: one {@link Outcome} per input, in input order. */
    public <A, R> List<Outcome<R>> mapResults(Fn<A, R> fn, Iterable<A> items) {
        Batch b = submitAll(fn, ChunkTask.Kind.FN, items, 0, "map");
        List<Outcome<Object>> all = new AsyncResult<>(b.all).get();
        @SuppressWarnings("unchecked") List<Outcome<R>> typed = (List<Outcome<R>>) (List<?>) all;
        return typed;
    }

    /** Starts a map whose value is one {@link Outcome} per input (never fails for failed inputs). */
    public <A, R> AsyncResult<List<Outcome<R>>> mapResultsAsync(Fn<A, R> fn, Iterable<A> items, int chunkSize) {
        Batch b = submitAll(fn, ChunkTask.Kind.FN, items, chunkSize, "map");
        @SuppressWarnings("unchecked")
        CompletableFuture<List<Outcome<R>>> typed = b.all.thenApply(l -> (List<Outcome<R>>) (List<?>) l);
        return new AsyncResult<>(typed, b);
    }

    /** {@code fn(a, b)} for every pair, results in input order (Python's starmap). */
    public <A, B, R> List<R> starmap(Fn2<A, B, R> fn, Iterable<? extends Map.Entry<A, B>> pairs) {
        List<Object> packed = new ArrayList<>();
        for (Map.Entry<A, B> e : pairs) packed.add(new ChunkTask.Pair(e.getKey(), e.getValue()));
        Batch b = submitAll(fn, ChunkTask.Kind.FN2, packed, 0, "starmap");
        return new AsyncResult<>(b.all.thenApply(Pool::<R>valuesOrThrow)).get();
    }

    /** Results in input order as they become available; reads the inputs lazily (a bounded window ahead). */
    public <A, R> Iterable<R> imap(Fn<A, R> fn, Iterable<A> items) {
        return () -> new LazyResults<>(fn, items.iterator(), true);
    }

    /** Results in completion order; reads the inputs lazily. */
    public <A, R> Iterable<R> imapUnordered(Fn<A, R> fn, Iterable<A> items) {
        return () -> new LazyResults<>(fn, items.iterator(), false);
    }

    // ---- lifecycle -----------------------------------------------------------------------------------------

    /**
     * No more tasks: the submitted ones still run, then the workers exit. Returns once they have, so that
     * try-with-resources never leaves work behind; {@link #join()} afterwards returns at once.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (state == State.RUN) state = State.CLOSE;
            retireIdleIfClosed();
        }
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
        List<TaskRecord> cancelled;
        List<Slot> victims;
        synchronized (this) {
            state = State.TERMINATE;
            cancelled = new ArrayList<>(pending);
            pending.clear();
            victims = new ArrayList<>(slots);
            for (Slot s : victims) if (s.running != null) cancelled.add(s.running);
            checkAllExited();
        }
        KernelEvents.removeInterrupt(onInterrupt);
        for (TaskRecord t : cancelled) fail(t, null, new CancellationException("the pool was terminated before this task finished"));
        for (Slot s : victims) s.handle.kill();
        LIVE.remove(this);
    }

    // ---- status --------------------------------------------------------------------------------------------

    /** One line: workers busy/idle, tasks done/pending/failed, state. */
    public synchronized String status() {
        long busy = slots.stream().filter(s -> s.running != null).count();
        return "Pool-" + number + " [" + state.name().toLowerCase() + "]: " + slots.size() + " workers (" + busy + " busy), tasks "
                + tasksDone + " done, " + (pending.size() + busy) + " pending, " + tasksFailed + " failed";
    }

    @Override
    public String toString() {
        return "<" + status() + ">";
    }

    @Override
    public synchronized Map<String, Object> mimeBundle() {
        StringBuilder html = new StringBuilder("<div><b>").append(Html.escape(status())).append("</b><table><tr><th>worker</th><th>pid</th><th>state</th><th>tasks run</th></tr>");
        StringBuilder text = new StringBuilder(status());
        for (Slot s : slots) {
            String st = s.running != null ? "busy" : s.initializing ? "initializing" : "idle";
            html.append("<tr><td>").append(s.name).append("</td><td>").append(s.handle.pid()).append("</td><td>").append(st)
                    .append("</td><td>").append(s.tasksRun).append("</td></tr>");
            text.append("\n  ").append(s.name).append(" pid ").append(s.handle.pid()).append(' ').append(st)
                    .append(", ").append(s.tasksRun).append(" tasks run");
        }
        html.append("</table></div>");
        return Map.of("text/plain", text.toString(), "text/html", html.toString());
    }

    /** What one worker is doing, for status displays. */
    public record WorkerState(String name, long pid, boolean busy, int tasksRun, List<String> recentLines) {
    }

    /** The pool's workers now, with the last few lines each printed. */
    public synchronized List<WorkerState> workers() {
        List<WorkerState> out = new ArrayList<>();
        for (Slot s : slots) out.add(new WorkerState(s.name, s.handle.pid(), s.running != null, s.tasksRun, s.tail.get()));
        return out;
    }

    /** Pool name as shown in status lines ("Pool-1"). */
    public String name() {
        return "Pool-" + number;
    }

    /** Whether long calls show their own progress display (on by default; task boards turn it off). */
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
        Shipment s = StateCapture.prepare(new ChunkTask(fn, kind, inputs), "the task");
        noteSkipped(s, b.origin, "the task");
        TaskRecord task = new TaskRecord(b, new int[]{index}, inputs, s);
        task.noInput = kind == ChunkTask.Kind.CALL;
        enqueue(List.of(task));
        b.seal(false);
        @SuppressWarnings("unchecked")
        CompletableFuture<R> value = b.item(index).thenApply(o -> {
            if (!o.ok()) throw o.error();
            return (R) o.value();
        });
        if (onResult != null || onError != null) {
            value.whenCompleteAsync((v, e) -> runCallback(b.origin, () -> {
                if (e == null) {
                    if (onResult != null) onResult.accept(v);
                } else if (onError != null) {
                    Throwable c = e instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null ? ce.getCause() : e;
                    onError.accept(c instanceof RuntimeException r ? r : new RuntimeException(c));
                }
            }), callbacks);
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

    private Batch submitAll(Serializable fn, ChunkTask.Kind kind, Iterable<?> items, int chunkSize, String label) {
        if (chunkSize < 0) throw new IllegalArgumentException("chunkSize must be 0 (automatic) or more, got " + chunkSize);
        List<Object> all = new ArrayList<>();
        for (Object o : items) all.add(o);
        int chunk = chunkSize > 0 ? chunkSize : Math.max(1, (int) Math.ceil(all.size() / (4.0 * processes)));
        Batch b = new Batch(CellScope.current(), label);
        // one state snapshot for the whole call: every chunk sees the same notebook variables
        Shipment first = null;
        List<TaskRecord> tasks = new ArrayList<>();
        for (int from = 0; from < all.size(); from += chunk) {
            ArrayList<Object> part = new ArrayList<>(all.subList(from, Math.min(all.size(), from + chunk)));
            int[] idx = new int[part.size()];
            for (int i = 0; i < idx.length; i++) idx[i] = b.add();
            ChunkTask task = new ChunkTask(fn, kind, part);
            Shipment s;
            if (first == null) {
                s = first = StateCapture.prepare(task, "the task");
                noteSkipped(s, b.origin, "the tasks");
            } else {
                s = reuseState(first, task);
            }
            tasks.add(new TaskRecord(b, idx, part, s));
        }
        enqueue(tasks);
        b.seal(progressDisplays);
        return b;
    }

    /** Names the notebook variables the workers will not see (not Serializable), as {@code Proc.start()} does. */
    private void noteSkipped(Shipment s, Cell origin, String who) {
        for (String skipped : s.state().skipped()) {
            synchronized (this) {
                if (!notedSkipped.add(origin + "\0" + skipped)) continue; // once per cell, not once per applyAsync
            }
            routerFor(origin).note(2, "note: " + who + " will not see notebook " + skipped + "; it is null/unset in the worker");
        }
    }

    private final java.util.Set<String> notedSkipped = new java.util.HashSet<>();

    private static Shipment reuseState(Shipment first, WorkerTask task) {
        try {
            return new Shipment(Serial.write(task).bytes(), first.state());
        } catch (IOException e) {
            throw new NotShippable("an input cannot be sent to a worker: " + Serial.explain(e));
        }
    }

    private void enqueue(List<TaskRecord> tasks) {
        synchronized (this) {
            if (state != State.RUN)
                throw new IllegalStateException("Pool-" + number + " is " + (state == State.CLOSE ? "closed" : "terminated") + "; it takes no new tasks");
            for (TaskRecord t : tasks) routerFor(t.batch.origin); // reserves the cell's display for late output
            pending.addAll(tasks);
            dispatch();
        }
    }

    @SuppressWarnings("unchecked")
    private static <R> List<R> valuesOrThrow(List<Outcome<Object>> outcomes) {
        if (outcomes.stream().anyMatch(o -> !o.ok())) throw new MapFailed(outcomes);
        List<R> out = new ArrayList<>(outcomes.size());
        for (Outcome<Object> o : outcomes) out.add((R) o.value());
        return out;
    }

    // ---- scheduling (all under the pool's lock) ------------------------------------------------------------

    private void dispatch() {
        for (Slot s : slots) {
            // not while the initializer runs: the worker would not read the task until it is done, so a large task
            // blocked this send, under the pool's lock, while the worker's output waited for that lock (deadlock);
            // and a task's timeout would have counted the initializer's time
            if (s.running != null || s.retiring || s.initializing || pending.isEmpty()) continue;
            TaskRecord t = pending.poll();
            send(s, t);
        }
        retireIdleIfClosed();
    }

    private void send(Slot s, TaskRecord t) {
        s.running = t;
        t.slot = s;
        t.attempts++;
        int attempt = t.attempts;
        try {
            s.handle.run(t.id, s.name, false, t.shipment);
        } catch (IOException e) {
            // the worker is going away; its exit puts the task back
            return;
        }
        Duration limit = timeout;
        if (limit != null) {
            WATCHDOG.schedule(() -> {
                synchronized (this) {
                    if (s.running != t || t.attempts != attempt) return;
                    t.timedOut = limit;
                }
                s.handle.kill();
            }, limit.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void retireIdleIfClosed() {
        if (state != State.CLOSE || !pending.isEmpty()) return;
        for (Slot s : slots) {
            if (s.running == null && !s.retiring) {
                s.retiring = true;
                s.handle.quit();
            }
        }
        checkAllExited();
    }

    private void checkAllExited() {
        if (state != State.RUN && slots.isEmpty() && starting == 0) allExited.complete(null);
    }

    private Slot newSlot() {
        String name = "PoolWorker-" + WORKER_NUMBERS.incrementAndGet();
        Slot s = new Slot(name);
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
                } else if (e == null) {
                    s.handle.kill();
                } else if (slots.isEmpty() && starting == 0) {
                    orphaned = new ArrayList<>(pending); // no worker left and none coming: fail, never hang
                    pending.clear();
                }
                dispatch();
                checkAllExited();
            }
            Throwable cause = e instanceof java.util.concurrent.CompletionException ce ? ce.getCause() : e;
            for (TaskRecord t : orphaned)
                fail(t, null, new WorkerStartFailed("no worker could be started to run this task: " + (cause == null ? "" : cause.getMessage())));
        });
    }

    private void cancelInterruptedCell() {
        Cell cell = CellScope.latest();
        List<TaskRecord> cancelled = new ArrayList<>();
        List<Slot> kill = new ArrayList<>();
        synchronized (this) {
            pending.removeIf(t -> {
                if (t.batch.origin != cell) return false;
                cancelled.add(t);
                return true;
            });
            for (Slot s : slots) {
                if (s.running != null && s.running.batch.origin == cell) {
                    cancelled.add(s.running);
                    s.running.cancelled = true;
                    if (terminateOnInterrupt) kill.add(s);
                }
            }
        }
        for (TaskRecord t : cancelled) fail(t, null, new CancellationException("cancelled: the kernel was interrupted"));
        for (Slot s : kill) s.handle.kill();
    }

    // ---- worker reports ------------------------------------------------------------------------------------

    private void onResult(Slot s, long id, byte[] bytes) {
        TaskRecord t;
        synchronized (this) {
            if (id < 0) { // the initializer is done: the worker takes tasks now
                s.initializing = false;
                dispatch();
                return;
            }
            t = s.running;
            if (t == null || t.id != id) return;
        }
        ChunkTask.ChunkResult r;
        ClassLoader loader = KernelClasses.loader();
        try {
            r = (ChunkTask.ChunkResult) Serial.read(bytes, loader, KernelClasses.FILTER);
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            r = null;
            fail(t, s, new NotShippable("the result could not be read in the kernel: " + e));
        }
        if (r != null) {
            int ok = 0, bad = 0;
            List<Outcome<Object>> outcomes = new ArrayList<>(t.indices.length);
            for (int i = 0; i < t.indices.length; i++) {
                String[] e = r.errors()[i];
                RuntimeException err = e == null ? null : t.taskFailed(i, new RemoteError(e[0], e[1], e[2]));
                outcomes.add(new Outcome<>(t.indices[i], t.inputs.get(i), r.values()[i], err, r.worker(), r.pid(), r.starts()[i], r.ends()[i]));
                if (err == null) ok++;
                else bad++;
            }
            t.batch.completeAll(outcomes);
            synchronized (this) {
                tasksDone += ok;
                tasksFailed += bad;
            }
        }
        finishedOn(s, t);
    }

    private void onFailed(Slot s, long id, RemoteError error) {
        TaskRecord t;
        synchronized (this) {
            if (id < 0) {
                routerFor(CellScope.latest()).note(2, "initializer failed in " + s.name + ":\n" + error.trace());
                s.initializing = false;
                dispatch();
                return;
            }
            t = s.running;
            if (t == null || t.id != id) return;
        }
        fail(t, s, null, error);
        finishedOn(s, t);
    }

    private void finishedOn(Slot s, TaskRecord t) {
        boolean retire;
        synchronized (this) {
            if (s.running == t) s.running = null;
            s.tasksRun++;
            retire = maxTasksPerChild > 0 && s.tasksRun >= maxTasksPerChild && !s.retiring;
            if (retire) {
                s.retiring = true;
                s.handle.quit();
            }
            dispatch();
        }
        if (retire) replace();
    }

    private void onExit(Slot s, int code) {
        TaskRecord t;
        boolean wasRetiring;
        synchronized (this) {
            slots.remove(s);
            t = s.running;
            s.running = null;
            wasRetiring = s.retiring;
            if (t != null && !t.cancelled && t.timedOut == null && t.attempts <= retries && state != State.TERMINATE) {
                pending.addFirst(t); // run it again on another worker
                t = null;
            }
            checkAllExited();
        }
        if (t != null && !t.cancelled) {
            String why = t.timedOut != null
                    ? s.name + " was killed because the task ran longer than its timeout of " + t.timedOut.toMillis() / 1000.0 + " s"
                    : s.name + " (pid " + s.handle.pid() + ") died while running this task: " + WorkerDied.describe(code);
            fail(t, s, new WorkerDied(why, s.name, code));
        }
        if (!wasRetiring) replace();
        else synchronized (this) {
            dispatch();
        }
    }

    private void fail(TaskRecord t, Slot s, RuntimeException error) {
        fail(t, s, error, null);
    }

    private void fail(TaskRecord t, Slot s, RuntimeException error, RemoteError remote) {
        List<Outcome<Object>> outcomes = new ArrayList<>(t.indices.length);
        for (int i = 0; i < t.indices.length; i++) {
            RuntimeException e = error != null ? error : t.taskFailed(i, remote);
            outcomes.add(new Outcome<>(t.indices[i], t.inputs.get(i), null, e, s == null ? null : s.name,
                    s == null ? 0 : s.handle.pid(), 0, 0));
        }
        t.batch.completeAll(outcomes);
        synchronized (this) {
            tasksFailed += t.indices.length;
        }
    }

    private synchronized LogRouter routerFor(Cell cell) {
        LogRouter r = routers.get(cell);
        if (r == null) {
            releaseIdleRouters();
            r = new LogRouter(cell, "pool-" + number + (cell == null ? "" : "-cell-" + cell.executionCount()));
            routers.put(cell, r);
        }
        return r;
    }

    /** The pool is done: release its log files (output that still arrives reopens them). */
    private synchronized void closeRouters() {
        routers.values().forEach(LogRouter::close);
    }

    /**
     * Closes and forgets the log routers of finished cells that have no task pending or running. Without this a
     * pool kept an open log file (and the cell) for every cell that ever used it, until the kernel ran out of
     * file descriptors. A late line for such a cell simply gets a fresh router.
     */
    private void releaseIdleRouters() {
        java.util.Set<Cell> busy = new java.util.HashSet<>();
        for (TaskRecord t : pending) busy.add(t.batch.origin);
        for (Slot s : slots) if (s.running != null) busy.add(s.running.batch.origin);
        routers.entrySet().removeIf(e -> {
            Cell c = e.getKey();
            if (c == null || !c.finished() || busy.contains(c)) return false;
            e.getValue().close();
            return true;
        });
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** One submitted chunk of inputs. */
    private static final class TaskRecord {
        final long id = TASK_IDS.incrementAndGet();
        final Batch batch;
        final int[] indices;
        final List<Object> inputs;
        final Shipment shipment;
        Slot slot;
        int attempts;
        volatile boolean cancelled;
        volatile Duration timedOut;

        /** An apply of a no-argument Call: its failure says "task failed", not "task failed for input null". */
        boolean noInput;

        TaskRecord(Batch batch, int[] indices, List<Object> inputs, Shipment shipment) {
            this.batch = batch;
            this.indices = indices;
            this.inputs = inputs;
            this.shipment = shipment;
        }

        TaskFailed taskFailed(int i, RemoteError error) {
            return noInput ? new TaskFailed(error) : new TaskFailed(inputs.get(i), error);
        }
    }

    /** One worker of the pool and what it is doing. */
    private final class Slot implements jpool.workers.WorkerListener {
        final String name;
        volatile WorkerHandle handle;
        TaskRecord running;
        int tasksRun;
        boolean retiring;
        /** Its initializer has not finished yet; no task is sent to it meanwhile. */
        volatile boolean initializing;
        private LogRouter lastRouter;
        final jpool.workers.RecentLines tail = new jpool.workers.RecentLines();

        Slot(String name) {
            this.name = name;
        }

        @Override
        public void log(int stream, String text) {
            LogRouter r;
            synchronized (Pool.this) {
                if (running != null) lastRouter = routerFor(running.batch.origin);
                r = lastRouter != null ? lastRouter : routerFor(CellScope.latest());
            }
            tail.add(text);
            r.output(name, stream, text);
        }

        @Override
        public void result(long taskId, byte[] value) {
            onResult(this, taskId, value);
        }

        @Override
        public void failed(long taskId, RemoteError error) {
            onFailed(this, taskId, error);
        }

        @Override
        public void exited(int exitCode) {
            onExit(this, exitCode);
        }
    }

    /** Runs the pool's initializer in a new worker. */
    private record InitTask(Job job) implements WorkerTask {
        @Override
        public Object execute() throws Exception {
            job.run();
            return null;
        }
    }

    /** Iterator behind imap/imapUnordered: keeps a bounded number of inputs in flight ahead of the reader. */
    private final class LazyResults<A, R> implements Iterator<R> {
        private final Fn<A, R> fn;
        private final Iterator<A> source;
        private final boolean ordered;
        private final Batch batch;
        private final int window = 2 * processes;
        private Shipment first;
        private int consumed;

        LazyResults(Fn<A, R> fn, Iterator<A> source, boolean ordered) {
            this.fn = fn;
            this.source = source;
            this.ordered = ordered;
            this.batch = new Batch(CellScope.current(), "imap", !ordered);
            fill();
        }

        private void fill() {
            while (batch.size() - consumed < window && source.hasNext()) {
                ArrayList<Object> one = new ArrayList<>();
                one.add(source.next());
                int idx = batch.add();
                ChunkTask task = new ChunkTask(fn, ChunkTask.Kind.FN, one);
                Shipment s;
                if (first == null) {
                    s = first = StateCapture.prepare(task, "the task");
                    noteSkipped(s, batch.origin, "the tasks");
                } else {
                    s = reuseState(first, task);
                }
                enqueue(List.of(new TaskRecord(batch, new int[]{idx}, one, s)));
            }
        }

        @Override
        public boolean hasNext() {
            return consumed < batch.size() || source.hasNext();
        }

        @Override
        @SuppressWarnings("unchecked")
        public R next() {
            if (!hasNext()) throw new NoSuchElementException();
            Outcome<Object> o;
            try {
                o = ordered ? batch.item(consumed).get() : batch.completed().take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while waiting for a pool result");
            } catch (ExecutionException e) {
                throw AsyncResult.unwrap(e);
            }
            consumed++;
            fill();
            if (!o.ok()) throw o.error();
            return (R) o.value();
        }
    }
}
