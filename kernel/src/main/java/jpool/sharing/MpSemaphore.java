package jpool.sharing;

/**
 * A counting semaphore across processes, like Python's {@code multiprocessing.Semaphore}: {@link #acquire()} takes
 * a permit, waiting while none is free; {@link #release()} returns one. If a worker dies while holding permits,
 * the kernel gives them back, so the others are not blocked forever.
 * <pre>{@code
 * MpSemaphore slots = new MpSemaphore(2);
 * try (var held = slots.hold()) { ... at most two processes here at a time ... }
 * }</pre>
 */
public class MpSemaphore extends SharedHandle {
    private static final long serialVersionUID = 1L;

    /** A semaphore with {@code permits} free permits; release() may raise the count above it. */
    public MpSemaphore(int permits) {
        this(permits, false);
    }

    MpSemaphore(int permits, boolean bounded) {
        this("semaphore", permits, bounded);
    }

    /** {@code kind} names the object in its id and displays ("lock-3" rather than "semaphore-3" for a lock). */
    MpSemaphore(String kind, int permits, boolean bounded) {
        super(kind, permits, bounded);
    }

    /** A semaphore whose release() fails when it would exceed {@code permits} (Python's BoundedSemaphore). */
    public static MpSemaphore bounded(int permits) {
        return new MpSemaphore(permits, true);
    }

    /** Takes a permit, waiting as long as it takes. */
    public void acquire() {
        call("acquire", Sharing.FOREVER);
    }

    /** Takes a permit, waiting at most {@code seconds}; false on timeout. */
    public boolean acquire(double seconds) {
        return (Boolean) call("acquire", Sharing.nanos(seconds));
    }

    /** Takes a permit if one is free now; false otherwise. */
    public boolean tryAcquire() {
        return (Boolean) call("acquire", 0L);
    }

    /** Returns a permit (any process may release). */
    public void release() {
        call("release");
    }

    /** Free permits now. */
    public int available() {
        return (Integer) call("available");
    }

    /** Acquires and returns a guard whose close() releases, for try-with-resources. */
    public Held hold() {
        acquire();
        return this::release;
    }

    /** A held permit or lock; {@link #close()} releases it. */
    @FunctionalInterface
    public interface Held extends AutoCloseable {
        /** Releases the permit or lock. */
        @Override
        void close();
    }
}
