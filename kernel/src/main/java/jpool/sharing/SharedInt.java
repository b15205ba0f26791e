package jpool.sharing;

/**
 * An int in shared memory, like Python's {@code multiprocessing.Value('i', n)}: every process sees each change at
 * once, and {@link #addAndGet} and {@link #compareAndSet} are atomic across processes, so no lock is needed.
 * <pre>{@code
 * SharedInt counter = new SharedInt(0);
 * new Pool(4).map(i -> counter.addAndGet(1), range);   // counter.get() == range size
 * }</pre>
 */
public final class SharedInt extends SharedMemory {
    private static final long serialVersionUID = 1L;

    /** A shared int with value {@code initial}. */
    public SharedInt(int initial) {
        super(1, Integer.BYTES);
        set(initial);
    }

    /** The current value. */
    public int get() {
        return (int) INTS.getVolatile(buffer(), 0);
    }

    /** Sets the value. */
    public void set(int value) {
        INTS.setVolatile(buffer(), 0, value);
    }

    /** Atomically adds {@code delta}; returns the new value. */
    public int addAndGet(int delta) {
        return (int) INTS.getAndAdd(buffer(), 0, delta) + delta;
    }

    /** Atomically adds {@code delta}; returns the old value. */
    public int getAndAdd(int delta) {
        return (int) INTS.getAndAdd(buffer(), 0, delta);
    }

    /** Atomically adds one; returns the new value. */
    public int incrementAndGet() {
        return addAndGet(1);
    }

    /** Sets {@code update} if the value is {@code expected}; true if it did. */
    public boolean compareAndSet(int expected, int update) {
        return INTS.compareAndSet(buffer(), 0, expected, update);
    }

    /** The value, e.g. {@code SharedInt[42]}. */
    @Override
    public String toString() {
        return "SharedInt[" + get() + "]";
    }
}
