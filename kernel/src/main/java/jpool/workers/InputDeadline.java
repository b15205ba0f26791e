package jpool.workers;

import jpool.shipping.ChunkTask;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A pool's timeout inside a Spark executor, where jpool cannot kill the JVM at once as it kills a local worker: each
 * input of a chunk runs on a worker thread watched by a deadline of the whole limit. An input that runs over fails
 * with {@link InputTimedOut} and its thread is interrupted; the inputs after it run on a fresh thread, so none is
 * lost. A thread still alive a short grace after its interrupt is a runaway ({@link #close()} says so): the kernel
 * then has Spark replace the executor, so that nothing keeps burning a core.
 */
final class InputDeadline implements ChunkTask.InputRunner, AutoCloseable {
    /** How long an interrupted input may take to end before its thread counts as a runaway. */
    static final long GRACE_MILLIS = 1500;
    private final long limitNanos;
    private final Runnable onThreadStart;
    private final String threadName;
    /** The thread the next input runs on (made on first use, and afresh after an overrun). */
    private ExecutorService thread;
    /** The thread {@link #thread} runs on: set by its factory, which runs on the caller's thread. */
    private Thread current;
    /** Threads of inputs that ran over, with when their grace ends (System.nanoTime). */
    private final List<Object[]> overrun = new ArrayList<>();

    /**
     * @param onThreadStart run first on every worker thread (the task's output routing, its class loader)
     */
    InputDeadline(long limitNanos, Runnable onThreadStart, String threadName) {
        if (limitNanos <= 0) throw new IllegalArgumentException("the timeout must be positive, got " + limitNanos + " ns");
        this.limitNanos = limitNanos;
        this.onThreadStart = onThreadStart;
        this.threadName = threadName;
    }

    @Override
    public Object run(Callable<Object> input) throws Throwable {
        if (Thread.currentThread().isInterrupted()) throw new InterruptedException("cancelled before this input began");
        if (thread == null) thread = Executors.newSingleThreadExecutor(this::newThread);
        Future<Object> f = thread.submit(input);
        try {
            return f.get(limitNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException e) {
            if (!f.cancel(true)) return finished(f); // it ended just now after all
            abandon();
            throw new InputTimedOut(limitNanos);
        } catch (InterruptedException e) { // Spark is cancelling the task: the input stops with it
            f.cancel(true);
            abandon();
            Thread.currentThread().interrupt(); // still cancelled: the inputs after this one fail at once
            throw e;
        }
    }

    private static Object finished(Future<Object> f) throws Throwable {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    /** The input's thread was interrupted: it gets no more work, and its grace starts now. */
    private void abandon() {
        thread.shutdown();
        overrun.add(new Object[]{current, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS)});
        thread = null;
    }

    private Thread newThread(Runnable r) {
        Thread t = new Thread(() -> {
            onThreadStart.run();
            r.run();
        }, threadName);
        t.setDaemon(true); // a runaway never keeps the executor's JVM from exiting
        current = t;
        return t;
    }

    /** Whether an input that ran over is still running after its grace (waits for the grace to end, at most). */
    boolean runaway() {
        boolean interrupted = false;
        try {
            for (Object[] o : overrun) {
                Thread t = (Thread) o[0];
                long left = (Long) o[1] - System.nanoTime();
                if (left > 0 && !interrupted) {
                    try {
                        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    } catch (InterruptedException e) {
                        interrupted = true; // cancelled: look, wait no more
                    }
                }
                if (t.isAlive()) return true;
            }
            return false;
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** The worker thread ends once its input has (it takes no more). */
    @Override
    public void close() {
        if (thread != null) thread.shutdown();
        thread = null;
    }
}
