package jpool.pool;

import jpool.display.CellScope;
import jpool.ipc.Delivery;
import jpool.protocol.Cell;
import jpool.log.KernelLog;
import jpool.shipping.Shipment;
import jpool.workers.LogRouter;
import jpool.workers.WorkerStartFailed;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides which worker runs which task: the pool's queue, its workers and what each holds, dispatch, rebalancing,
 * timeouts, retiring and replacing workers, cancelling. Workers come from a {@link PoolExecutor}; what they report
 * is settled by {@link WorkerReports}.
 *
 * <p>Lock rules: every field below is guarded by this scheduler's monitor; frames decided under it are posted to
 * the worker's outbox and written by {@link #flush} after the lock is released (a write can wait for a busy
 * worker); batches are completed and workers killed outside it.
 */
final class Scheduler {
    private static final AtomicInteger WORKER_NUMBERS = new AtomicInteger();
    private static final ExecutorService STARTER = Executors.newCachedThreadPool(daemon("jpool-pool-starter"));
    private static final ScheduledExecutorService WATCHDOG =
            Executors.newSingleThreadScheduledExecutor(daemon("jpool-pool-timeouts"));
    private static final double QUEUED_WORK_MS = 20;
    private static final int MAX_QUEUED = 16;

    enum State { RUN, CLOSE, TERMINATE }

    final String poolName;
    private final PoolExecutor executor;
    private final Shipment initializer;
    private final int maxTasksPerChild;
    final WorkerReports reports = new WorkerReports(this);
    final List<PoolWorker> slots = new ArrayList<>();
    /** The slots as of their last change, read without the lock by {@link #flush}. */
    private volatile List<PoolWorker> slotView = List.of();
    final ArrayDeque<TaskRecord> pending = new ArrayDeque<>();
    private final CellRouters routers;
    final CompletableFuture<Void> allExited = new CompletableFuture<>();
    /** Callbacks of applyAsync calls that have not run yet (their output may still come). */
    final AtomicInteger callbacksDue = new AtomicInteger();
    volatile Duration timeout;
    volatile int retries;
    volatile boolean terminateOnInterrupt = true;
    State state = State.RUN;
    int tasksDone, tasksFailed;
    private int starting;
    /** Moving average of how long a task ran in its worker (ms); -1 until one finished. */
    private double meanTaskMillis = -1;

    /**
     * @param initializer sent to every new worker before its first task (null: none)
     * @param maxTasksPerChild a worker is replaced after this many tasks (0: never)
     */
    Scheduler(String poolName, PoolExecutor executor, Shipment initializer, int maxTasksPerChild) {
        this.poolName = poolName;
        this.executor = executor;
        this.initializer = initializer;
        this.maxTasksPerChild = maxTasksPerChild;
        this.routers = new CellRouters(poolName.toLowerCase(), this::mayStillPrintFor);
        allExited.whenComplete((v, e) -> closeRouters());
    }

    /** Starts {@code n} workers at once and waits for them; when one fails, the others are ended and it throws. */
    void startWorkers(int n) {
        List<CompletableFuture<PoolWorker>> started = new ArrayList<>();
        for (int i = 0; i < n; i++) started.add(CompletableFuture.supplyAsync(this::newSlot, STARTER));
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
    }

    /** Queues {@code tasks} and sends what the workers can take now. */
    void enqueue(List<TaskRecord> tasks) {
        synchronized (this) {
            if (state != State.RUN)
                throw new IllegalStateException(poolName + " is " + (state == State.CLOSE ? "closed" : "terminated") + "; it takes no new tasks");
            for (TaskRecord t : tasks) routerFor(t.batch.origin); // reserves the cell's display for late output
            pending.addAll(tasks);
            dispatch();
        }
        flush();
    }

    /**
     * Under the lock: sends pending tasks to workers. A worker gets a few tasks ahead of the one it runs when tasks
     * are short, so it never waits a round trip for its next one (what bounded small-task throughput); long tasks go
     * one at a time, so none waits behind another in a busy worker while a different worker is free. Workers are
     * topped up level by level, so a short queue is spread over all of them.
     */
    void dispatch() {
        int depth = queueDepth();
        for (int level = 1; level <= depth && !pending.isEmpty(); level++) {
            for (PoolWorker s : slots) {
                if (pending.isEmpty()) break;
                // not while the initializer runs: the worker would not read the task until it is done, so a large
                // task blocked this send, under the lock, while the worker's output waited for that lock
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
     * asked to skip it ({@link PoolExecutor.Worker#cancel}) and its answer puts the task back in the queue. Without
     * this a worker could sit idle while tasks queued behind a long one elsewhere (queue depth is guessed from
     * earlier, perhaps shorter, tasks).
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
            from.post((w, more, after) -> w.cancel(victimId));
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

    /** Gives {@code t} to worker {@code s}; the frame goes out at the next {@link #flush}. */
    private void send(PoolWorker s, TaskRecord t) {
        s.inFlight.add(t);
        t.attempts++;
        boolean queued = s.inFlight.size() > 1; // behind others: it may wait to go out with the next ones
        // several frames for one worker leave in one write (the chunks of a map); a lone task queued behind others
        // is written by the channel's flusher, so the thread handling a result does not wait for the write
        s.post((w, more, after) -> w.send(t.id, s.name, t.shipment,
                more ? Delivery.LATER : queued && !after ? Delivery.SOON : Delivery.NOW));
        if (!queued) began(s);
    }

    /**
     * Writes the frames decided under the lock (tasks, take-backs, quits), outside it. Every path that may have
     * decided some calls this once it let go of the lock.
     */
    void flush() {
        for (PoolWorker s : slotView) s.flush();
    }

    /**
     * Under the lock: the worker's first unanswered task is running now (or as soon as it arrives): a worker runs
     * its tasks in the order sent, so no message per task is needed to know it. Its timeout counts from here.
     */
    void began(PoolWorker s) {
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
                s.worker.kill();
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
            else s.worker.kill();
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Under the lock: {@code t} left worker {@code s} (answered, or given back); the worker gets more work. Returns
     * whether the worker retires now (maxTasksPerChild), whose successor the caller starts with {@link #replace}.
     */
    boolean finishLocked(PoolWorker s, TaskRecord t, long ranMillis) {
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
            s.post((w, more, after) -> w.quit());
        }
        dispatch();
        return retire;
    }

    /** Under the lock: worker {@code s} is gone; it leaves the slots. */
    void removeSlot(PoolWorker s) {
        slots.remove(s);
        slotView = List.copyOf(slots);
        checkAllExited();
    }

    private void retireIdleIfClosed() {
        if (state != State.CLOSE || !pending.isEmpty()) return;
        for (PoolWorker s : slots) {
            if (s.inFlight.isEmpty() && !s.retiring) {
                s.retiring = true;
                s.post((w, more, after) -> w.quit());
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
        s.worker = executor.start(name, s);
        if (initializer != null) {
            s.initializing = true;
            try {
                s.worker.send(-1, name, initializer, Delivery.NOW);
            } catch (IOException e) {
                KernelLog.warn(name + " hung up before its initializer ran");
            }
        }
        return s;
    }

    /** Starts a worker to replace one that died or retired. */
    void replace() {
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
                    s.worker.kill();
                } else if (slots.isEmpty() && starting == 0) {
                    orphaned = new ArrayList<>(pending); // no worker left and none coming: fail, never hang
                    pending.clear();
                }
                dispatch();
                checkAllExited();
            }
            flush();
            Throwable cause = e instanceof CompletionException ce ? ce.getCause() : e;
            for (TaskRecord t : orphaned)
                fail(t, null, new WorkerStartFailed("no worker could be started to run this task: " + (cause == null ? "" : cause.getMessage())));
        });
    }

    /** No more tasks: the queued ones still run, then the workers exit. */
    void close() {
        synchronized (this) {
            if (state == State.RUN) state = State.CLOSE;
            retireIdleIfClosed();
        }
        flush();
    }

    synchronized boolean accepting() {
        return state == State.RUN;
    }

    /** Stops now: pending tasks are cancelled, running ones killed with their workers. */
    void terminate() {
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
        for (TaskRecord t : cancelled) fail(t, null, new CancellationException("the pool was terminated before this task finished"));
        for (PoolWorker s : victims) s.worker.kill();
    }

    /**
     * Cancels the tasks of {@code cell}: queued ones at once, those waiting in a worker are asked back, running ones
     * are killed with their worker (unless the pool lets them finish, {@link Pool#terminateOnInterrupt}).
     */
    void cancelCell(Cell cell) {
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
                    if (!t.started) s.post((w, more, after) -> w.cancel(t.id)); // still queued in the worker: it skips it
                    else if (terminateOnInterrupt && !kill.contains(s)) {
                        kill.add(s);
                        s.killed = true; // before the tasks fail: the call's board shows it killed, not busy
                    }
                }
            }
        }
        flush();
        for (TaskRecord t : cancelled) fail(t, null, new CancellationException("cancelled: the kernel was interrupted"));
        for (PoolWorker s : kill) s.worker.kill();
    }

    /** Fails every input of {@code t} not reported yet (cancelled, or the pool could not run it). */
    void fail(TaskRecord t, PoolWorker s, RuntimeException error) {
        if (t.delivered >= t.inputs.size()) return;
        t.batch.complete(ran(t, s, t.delivered, t.inputs.size()), null, filled(t.inputs.size() - t.delivered, error));
        countFailed(t.inputs.size() - t.delivered);
    }

    static Batch.Ran ran(TaskRecord t, PoolWorker s, int from, int to) {
        return new Batch.Ran(t.first + from, t.inputs.subList(from, to), s == null ? null : s.name,
                s == null ? 0 : s.worker.pid(), null, null);
    }

    private static RuntimeException[] filled(int n, RuntimeException error) {
        RuntimeException[] errors = new RuntimeException[Math.max(0, n)];
        Arrays.fill(errors, error);
        return errors;
    }

    synchronized void countFailed(int n) {
        if (n > 0) tasksFailed += n;
    }

    /** The log router of {@code cell}'s worker output. */
    synchronized LogRouter routerFor(Cell cell) {
        return routers.forCell(cell, this::busyCells);
    }

    /** Whether tasks of {@code cell} are pending or running, or a worker is still starting (its output may come). */
    private synchronized boolean mayStillPrintFor(Cell cell) {
        if (starting > 0 || callbacksDue.get() > 0 || slots.stream().anyMatch(s -> s.initializing)) return true;
        return busyCells().contains(cell);
    }

    /** Cells with tasks pending or running (their log routers stay open). */
    private Set<Cell> busyCells() {
        Set<Cell> busy = new HashSet<>();
        for (TaskRecord t : pending) busy.add(t.batch.origin);
        for (PoolWorker s : slots) for (TaskRecord t : s.inFlight) busy.add(t.batch.origin);
        return busy;
    }

    /** The pool is done: release its log files. */
    private synchronized void closeRouters() {
        routers.closeAll();
    }

    /** The pool and its workers now. */
    synchronized PoolStatus status() {
        List<PoolStatus.Worker> workers = new ArrayList<>();
        long queued = 0;
        for (PoolWorker s : slots) {
            queued += s.inFlight.size();
            workers.add(new PoolStatus.Worker(s.name, s.worker.pid(), s.busy(), s.initializing, s.tasksRun, s.tail.get(), s.killed));
        }
        return new PoolStatus(poolName, state.name().toLowerCase(), tasksDone, pending.size() + queued, tasksFailed, workers);
    }

    /** Where worker output goes when no task of a cell is running: the latest cell. */
    Cell fallbackCell() {
        return CellScope.latest();
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
