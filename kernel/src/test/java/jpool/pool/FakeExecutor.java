package jpool.pool;

import jpool.shipping.ChunkCodec;
import jpool.ipc.Delivery;
import jpool.ipc.ErrorReport;
import jpool.shipping.Shipment;
import jpool.workers.WorkerListener;
import jpool.workers.WorkerMain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Workers that run nothing: each records what the scheduler sends it, and the test answers for it (a result, a
 * failure, a take-back, an exit), on the test's own thread, as a worker's reader thread would.
 */
final class FakeExecutor implements PoolExecutor {
    /** How long a test waits for something the scheduler does on another thread (a start, a kill). */
    static final long WAIT_SECONDS = 60;
    private final AtomicLong pids = new AtomicLong(1000);
    final BlockingQueue<FakeWorker> started = new LinkedBlockingQueue<>();

    @Override
    public Worker start(String name, WorkerListener events) {
        FakeWorker w = new FakeWorker(name, pids.incrementAndGet(), events);
        started.add(w);
        return w;
    }

    /** The next worker started (waits for a replacement, which starts on another thread). */
    FakeWorker nextStarted() throws InterruptedException {
        FakeWorker w = started.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (w == null) throw new AssertionError("no worker was started");
        return w;
    }

    /** One fake worker. */
    static final class FakeWorker implements PoolExecutor.Worker {
        final String name;
        private final long pid;
        private final WorkerListener events;
        /** Task ids in the order sent (-1: the initializer), taken by {@link #nextSent}. */
        private final BlockingQueue<Long> sent = new LinkedBlockingQueue<>();
        final List<Long> cancelled = Collections.synchronizedList(new ArrayList<>());
        volatile boolean quit;
        final CompletableFuture<Void> killed = new CompletableFuture<>();

        FakeWorker(String name, long pid, WorkerListener events) {
            this.name = name;
            this.pid = pid;
            this.events = events;
        }

        /** The next task id sent to this worker (waits: a replacement is sent its tasks on another thread). */
        long nextSent() throws InterruptedException {
            Long id = sent.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (id == null) throw new AssertionError(name + " was sent no task");
            return id;
        }

        /** Whether a task was sent that no {@link #nextSent} took yet. */
        boolean hasUnread() {
            return !sent.isEmpty();
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public void send(long taskId, String name, Shipment task, Delivery delivery) {
            sent.add(taskId);
        }

        @Override
        public void cancel(long taskId) {
            cancelled.add(taskId);
        }

        @Override
        public void quit() {
            quit = true;
        }

        @Override
        public void kill() {
            killed.complete(null);
        }

        /** Reports task {@code id} done with one value per input, each taking {@code millis} ms. */
        void answer(long id, long millis, Object... values) {
            events.result(id, encode(millis, values), null);
        }

        /** Reports the first inputs of task {@code id}, from its input {@code from}, before the task ends. */
        void partial(long id, int from, long millis, Object... values) {
            events.partial(id, from, encode(millis, values), null);
        }

        private static byte[] encode(long millis, Object... values) {
            long[] starts = new long[values.length], ends = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                starts[i] = 1_000 + i * millis;
                ends[i] = starts[i] + millis;
            }
            return ChunkCodec.encodeResult(values, new ErrorReport[values.length], starts, ends);
        }

        /** Reports task {@code id} thrown. */
        void fail(long id, String className, String message) {
            events.failed(id, ErrorReport.of(className, message));
        }

        /** Reports task {@code id} skipped, as asked by a cancel. */
        void skipped(long id) {
            events.failed(id, ErrorReport.of(WorkerMain.CANCELLED, "taken back before it started"));
        }

        /** The process ended with {@code code}. */
        void exit(int code) {
            events.exited(code);
        }

        /** Waits until the scheduler killed this worker. */
        void awaitKilled() throws Exception {
            killed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }
}
