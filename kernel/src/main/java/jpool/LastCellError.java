package jpool;

/**
 * The exception of the last cell that failed, kept for the next cells (Python's {@code sys.last_value}): after
 * {@code pool.map(...)} threw {@code MapFailed}, its kept results are still at hand without running it again.
 * Read it with {@link jpool.workers.Mp#lastError()}.
 */
public final class LastCellError {
    private static volatile Throwable last;

    private LastCellError() {
    }

    /** Called by the kernel when a cell fails with a real exception (not a compile error). */
    public static void set(Throwable t) {
        last = t;
    }

    /** The last cell's exception, or null when no cell has failed with one yet. */
    public static Throwable get() {
        return last;
    }
}
