package jpool.sharing;

import java.util.Arrays;

/**
 * A long array in shared memory, like Python's {@code multiprocessing.Array('q', n)}: each element change is
 * visible to every process at once; {@link #addAndGet} and {@link #compareAndSet} are atomic across processes.
 */
public final class SharedLongArray extends SharedMemory {
    private static final long serialVersionUID = 1L;

    /** {@code length} zeros. */
    public SharedLongArray(int length) {
        super(length, Long.BYTES);
    }

    /** A copy of {@code values}. */
    public SharedLongArray(long[] values) {
        this(values.length);
        for (int i = 0; i < values.length; i++) set(i, values[i]);
    }

    /** Element {@code i}. */
    public long get(int i) {
        return (long) LONGS.getVolatile(buffer(), offset(i));
    }

    /** Sets element {@code i}. */
    public void set(int i, long value) {
        LONGS.setVolatile(buffer(), offset(i), value);
    }

    /** Atomically adds {@code delta} to element {@code i}; returns the new value. */
    public long addAndGet(int i, long delta) {
        return (long) LONGS.getAndAdd(buffer(), offset(i), delta) + delta;
    }

    /** Sets element {@code i} to {@code update} if it is {@code expected}; true if it did. */
    public boolean compareAndSet(int i, long expected, long update) {
        return LONGS.compareAndSet(buffer(), offset(i), expected, update);
    }

    /** A copy of all elements (each read atomically; the whole is not one snapshot while others write). */
    public long[] toArray() {
        long[] a = new long[length()];
        for (int i = 0; i < a.length; i++) a[i] = get(i);
        return a;
    }

    /** The elements, e.g. {@code SharedLongArray[1, 2, 3]} (at most the first 100). */
    @Override
    public String toString() {
        return "SharedLongArray" + Preview.of(Arrays.toString(Arrays.copyOf(toArray(), Math.min(length(), 100))), length());
    }
}
