package jpool.pool;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The future value of an asynchronous pool call ({@link Pool#applyAsync}, {@link Pool#mapAsync}), like
 * {@code multiprocessing}'s AsyncResult: {@code get()}, {@code get(timeout)}, {@code ready()}, {@code successful()},
 * {@code waitFor(timeout)}.
 */
public final class AsyncResult<T> {
    private final CompletableFuture<T> future;
    private final Batch batch;
    /** Inputs a checkpoint gave at once (done without running; {@code restoredFailed} of them failures). */
    private final int restored, restoredFailed;

    AsyncResult(CompletableFuture<T> future) {
        this(future, null);
    }

    AsyncResult(CompletableFuture<T> future, Batch batch) {
        this(future, batch, 0, 0);
    }

    AsyncResult(CompletableFuture<T> future, Batch batch, int restored, int restoredFailed) {
        this.future = future;
        this.batch = batch;
        this.restored = restored;
        this.restoredFailed = restoredFailed;
    }

    /** The call's inputs as its task board counts them: per worker, and those cancelled (null for a single task). */
    Batch batch() {
        return batch;
    }

    /** How many of the call's inputs were cancelled (an interrupt, a terminate); {@link #failed()} counts them too. */
    public int cancelled() {
        return batch == null ? (future.isCancelled() ? 1 : 0) : batch.cancelledCount();
    }

    /** How many inputs of this call have finished (1 for a single task once it is done). */
    public int done() {
        return batch == null ? (future.isDone() ? 1 : 0) : restored + batch.doneCount();
    }

    /** How many inputs of this call failed so far. */
    public int failed() {
        return batch == null ? (future.isCompletedExceptionally() ? 1 : 0) : restoredFailed + batch.failedCount();
    }

    /** How many inputs the call has. */
    public int total() {
        return batch == null ? 1 : restored + batch.size();
    }

    /** How many inputs a checkpoint gave without running them (0 for a call without checkpoint). */
    public int fromCheckpoint() {
        return restored;
    }

    /** Waits for the value; throws the task's error ({@link TaskFailed}, {@link WorkerDied}, {@link MapFailed}). */
    public T get() {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for a pool result");
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /** Waits at most {@code timeout}; TimeoutException if the value is not there by then (the task goes on). */
    public T get(Duration timeout) throws TimeoutException {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for a pool result");
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /** Waits at most {@code seconds}. */
    public T get(double seconds) throws TimeoutException {
        return get(Duration.ofNanos((long) (seconds * 1e9)));
    }

    /** True once the call has finished (well or not). */
    public boolean ready() {
        return future.isDone();
    }

    /** Whether it finished without error; IllegalStateException while it is still running (as in Python). */
    public boolean successful() {
        if (!future.isDone()) throw new IllegalStateException("the result is not ready yet (check ready() first)");
        return !future.isCompletedExceptionally();
    }

    /** Waits at most {@code timeout} and tells whether the result is ready. */
    public boolean waitFor(Duration timeout) {
        try {
            future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return future.isDone();
        } catch (ExecutionException | CancellationException e) {
            return true;
        }
        return true;
    }

    /** Waits at most {@code seconds} and tells whether the result is ready (Python's {@code wait(timeout)}). */
    public boolean waitFor(double seconds) {
        return waitFor(Duration.ofNanos((long) (seconds * 1e9)));
    }

    /** The same call with its value changed by {@code f} (progress counts stay the call's). */
    <U> AsyncResult<U> map(Function<? super T, ? extends U> f) {
        return new AsyncResult<>(future.thenApply(f), batch);
    }

    static RuntimeException unwrap(ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException r) return r;
        if (c instanceof Error err) throw err;
        return new RuntimeException(c);
    }

    @Override
    public String toString() {
        return "<AsyncResult " + (!future.isDone() ? "pending" : future.isCompletedExceptionally() ? "failed" : "ready") + ">";
    }
}
