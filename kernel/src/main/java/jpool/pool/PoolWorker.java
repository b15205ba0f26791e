package jpool.pool;

import jpool.ipc.ErrorReport;
import jpool.workers.LogRouter;
import jpool.workers.RecentLines;
import jpool.workers.WorkerListener;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One worker of a {@link Pool} and what it is doing: the tasks sent to it in the order it runs them, how many it
 * ran, whether it is initializing or retiring. Its fields are guarded by the {@link Scheduler}'s lock; it hands
 * what its worker reports to the scheduler's {@link WorkerReports}.
 */
final class PoolWorker implements WorkerListener {
    private final Scheduler scheduler;
    final String name;
    volatile PoolExecutor.Worker worker;
    /** Tasks sent to this worker and not answered yet, in the order it runs them. */
    final ArrayDeque<TaskRecord> inFlight = new ArrayDeque<>();
    int tasksRun;
    /** An interrupt is killing it (its tasks are cancelled); the pool replaces it once it has exited. */
    volatile boolean killed;
    boolean retiring;
    /** Its initializer has not finished yet; no task is sent to it meanwhile. */
    volatile boolean initializing;
    private LogRouter lastRouter;
    final RecentLines tail = new RecentLines();
    /** The call whose task this worker began last. */
    Batch lastBatch;
    /**
     * Frames for this worker decided under the scheduler's lock and written after it is released, in the order decided:
     * a write can wait for a busy worker to read, and under the lock that wait stalled every other worker's results
     * (the readers of all workers queued for the lock while one of them wrote a big chunk).
     */
    private final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
    private final ReentrantLock sending = new ReentrantLock();

    /** A frame to write to the worker. */
    interface Outgoing {
        /**
         * @param more  another frame for this worker is written right after (this one may wait to go with it)
         * @param after frames before it were left in the send buffer for it to take along
         */
        void sendTo(PoolExecutor.Worker w, boolean more, boolean after) throws IOException;
    }

    /** Queues a frame (called under the scheduler's lock, so frames queue in the order the pool decided them). */
    void post(Outgoing o) {
        outbox.add(o);
    }

    /**
     * Writes what was posted, in order. Whoever finds the worker's writer busy leaves its frames to it: the writer
     * looks again after letting go, so nothing posted is left behind.
     */
    void flush() {
        while (!outbox.isEmpty() && sending.tryLock()) {
            try {
                Outgoing o = outbox.poll();
                boolean after = false;
                while (o != null) {
                    Outgoing next = outbox.poll();
                    try {
                        o.sendTo(worker, next != null, after);
                    } catch (IOException e) {
                        // the worker is going away; its exit settles its tasks
                    }
                    after = next != null;
                    o = next;
                }
            } finally {
                sending.unlock();
            }
        }
    }

    PoolWorker(Scheduler scheduler, String name) {
        this.scheduler = scheduler;
        this.name = name;
    }

    @Override
    public void log(int stream, String text) {
        LogRouter r;
        TaskRecord running;
        synchronized (scheduler) {
            running = current();
            if (running != null) lastRouter = scheduler.routerFor(running.batch.origin);
            r = lastRouter != null ? lastRouter : scheduler.routerFor(scheduler.fallbackCell());
        }
        if (running != null) running.batch.beforeOutput(); // outside the pool's lock: it may send a display
        tail.add(text);
        r.output(name, stream, text);
    }

    /** The task the worker is running now (its first unanswered one). */
    TaskRecord current() {
        TaskRecord t = inFlight.peekFirst();
        return t != null && t.started ? t : null;
    }

    boolean busy() {
        return !inFlight.isEmpty();
    }

    TaskRecord find(long id) {
        for (TaskRecord t : inFlight) if (t.id == id) return t;
        return null;
    }

    @Override
    public void result(long taskId, byte[] value, Object[] arrays) {
        scheduler.reports.onResult(this, taskId, value, arrays);
    }

    @Override
    public void partial(long taskId, int from, byte[] value, Object[] arrays) {
        scheduler.reports.onPartial(this, taskId, from, value, arrays);
    }

    @Override
    public void failed(long taskId, ErrorReport error) {
        scheduler.reports.onFailed(this, taskId, error);
    }

    @Override
    public void exited(int exitCode) {
        scheduler.reports.onExit(this, exitCode);
    }
}
