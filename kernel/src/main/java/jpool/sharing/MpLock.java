package jpool.sharing;

/**
 * A lock across processes, like Python's {@code multiprocessing.Lock} (not reentrant: acquiring it twice in one
 * process blocks). If the worker holding it dies, for instance is killed, the kernel releases it, so the others
 * go on instead of deadlocking; what that worker was doing under the lock may be half done.
 * <pre>{@code
 * MpLock lock = new MpLock();
 * try (var held = lock.hold()) { counter.set(counter.get() + 1); }
 * }</pre>
 */
public class MpLock extends MpSemaphore {
    private static final long serialVersionUID = 1L;

    /** A new, unlocked lock. */
    public MpLock() {
        super("lock", 1, true);
    }

    /** Whether some process holds the lock now. */
    public boolean isLocked() {
        return available() == 0;
    }
}
