package jpool.sharing;

import java.util.Arrays;

/**
 * A double array in shared memory, like Python's {@code multiprocessing.Array('d', n)}: each element change is
 * visible to every process at once; {@link #addAndGet} is atomic across processes (compare-and-set on the bits).
 */
public final class SharedDoubleArray extends SharedMemory {
    private static final long serialVersionUID = 1L;

    /** {@code length} zeros. */
    public SharedDoubleArray(int length) {
        super(length, Double.BYTES);
    }

    /** A copy of {@code values}. */
    public SharedDoubleArray(double[] values) {
        this(values.length);
        for (int i = 0; i < values.length; i++) set(i, values[i]);
    }

    /** Element {@code i}. */
    public double get(int i) {
        return Double.longBitsToDouble((long) LONGS.getVolatile(buffer(), offset(i)));
    }

    /** Sets element {@code i}. */
    public void set(int i, double value) {
        LONGS.setVolatile(buffer(), offset(i), Double.doubleToRawLongBits(value));
    }

    /** Atomically adds {@code delta} to element {@code i}; returns the new value. */
    public double addAndGet(int i, double delta) {
        return DoubleCells.add(buffer(), offset(i), delta);
    }

    /** Sets element {@code i} to {@code update} if it is bit-for-bit {@code expected}; true if it did. */
    public boolean compareAndSet(int i, double expected, double update) {
        return LONGS.compareAndSet(buffer(), offset(i), Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(update));
    }

    /** A copy of all elements (each read atomically; the whole is not one snapshot while others write). */
    public double[] toArray() {
        double[] a = new double[length()];
        for (int i = 0; i < a.length; i++) a[i] = get(i);
        return a;
    }

    /** The elements, e.g. {@code SharedDoubleArray[1.0, 2.5]} (at most the first 100). */
    @Override
    public String toString() {
        return "SharedDoubleArray" + Preview.of(Arrays.toString(Arrays.copyOf(toArray(), Math.min(length(), 100))), length());
    }
}
