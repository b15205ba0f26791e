package jpool.sharing;

import java.util.Arrays;

/**
 * An int array in shared memory, like Python's {@code multiprocessing.Array('i', n)}: each element change is
 * visible to every process at once; {@link #addAndGet} and {@link #compareAndSet} are atomic across processes.
 */
public final class SharedIntArray extends SharedMemory {
    private static final long serialVersionUID = 1L;

    /** {@code length} zeros. */
    public SharedIntArray(int length) {
        super(length, Integer.BYTES);
    }

    /** A copy of {@code values}. */
    public SharedIntArray(int[] values) {
        this(values.length);
        for (int i = 0; i < values.length; i++) set(i, values[i]);
    }

    /** Element {@code i}. */
    public int get(int i) {
        return (int) INTS.getVolatile(buffer(), offset(i));
    }

    /** Sets element {@code i}. */
    public void set(int i, int value) {
        INTS.setVolatile(buffer(), offset(i), value);
    }

    /** Atomically adds {@code delta} to element {@code i}; returns the new value. */
    public int addAndGet(int i, int delta) {
        return (int) INTS.getAndAdd(buffer(), offset(i), delta) + delta;
    }

    /** Sets element {@code i} to {@code update} if it is {@code expected}; true if it did. */
    public boolean compareAndSet(int i, int expected, int update) {
        return INTS.compareAndSet(buffer(), offset(i), expected, update);
    }

    /** A copy of all elements (each read atomically; the whole is not one snapshot while others write). */
    public int[] toArray() {
        int[] a = new int[length()];
        for (int i = 0; i < a.length; i++) a[i] = get(i);
        return a;
    }

    /** The elements, e.g. {@code SharedIntArray[1, 2, 3]} (at most the first 100). */
    @Override
    public String toString() {
        return "SharedIntArray" + Preview.of(Arrays.toString(Arrays.copyOf(toArray(), Math.min(length(), 100))), length());
    }
}
