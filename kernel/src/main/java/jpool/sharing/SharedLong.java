package jpool.sharing;

/**
 * A long in shared memory, like Python's {@code multiprocessing.Value('q', n)}: every process sees each change at
 * once, and {@link #addAndGet} and {@link #compareAndSet} are atomic across processes, so no lock is needed.
 * <pre>{@code
 * SharedLong counter = new SharedLong(0);
 * new Pool(4).map(i -> counter.addAndGet(1), range);   // counter.get() == range size
 * }</pre>
 */
public final class SharedLong extends SharedMemory {
    private static final long serialVersionUID = 1L;

    /** A shared long with value {@code initial}. */
    public SharedLong(long initial) {
        super(1, Long.BYTES);
        set(initial);
    }

    /** The current value. */
    public long get() {
        return (long) LONGS.getVolatile(buffer(), 0);
    }

    /** Sets the value. */
    public void set(long value) {
        LONGS.setVolatile(buffer(), 0, value);
    }

    /** Atomically adds {@code delta}; returns the new value. */
    public long addAndGet(long delta) {
        return (long) LONGS.getAndAdd(buffer(), 0, delta) + delta;
    }

    /** Atomically adds {@code delta}; returns the old value. */
    public long getAndAdd(long delta) {
        return (long) LONGS.getAndAdd(buffer(), 0, delta);
    }

    /** Atomically adds one; returns the new value. */
    public long incrementAndGet() {
        return addAndGet(1);
    }

    /** Sets {@code update} if the value is {@code expected}; true if it did. */
    public boolean compareAndSet(long expected, long update) {
        return LONGS.compareAndSet(buffer(), 0, expected, update);
    }

    /** The value, e.g. {@code SharedLong[42]}. */
    @Override
    public String toString() {
        return "SharedLong[" + get() + "]";
    }
}
