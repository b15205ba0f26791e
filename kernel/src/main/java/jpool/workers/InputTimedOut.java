package jpool.workers;

/**
 * An input ran longer than its pool's timeout on a Spark executor ({@link InputDeadline}); the kernel reports it as
 * it reports a local worker killed at its timeout (a {@code WorkerDied} naming the input and the limit).
 */
final class InputTimedOut extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InputTimedOut(long limitNanos) {
        // the limit in seconds as a local worker's timeout names it; the kernel puts the input before it
        super("ran longer than its timeout of " + limitNanos / 1_000_000 / 1000.0 + " s", null, false, false);
    }
}
