package jpool.sharing;

/**
 * A double in shared memory, like Python's {@code multiprocessing.Value('d', x)}: every process sees each change at
 * once. The bits are stored as a long; {@link #addAndGet} is a compare-and-set loop on them, so concurrent
 * additions from many processes are never lost.
 * <pre>{@code
 * SharedDouble balance = new SharedDouble(10.0);
 * new Proc(() -> balance.addAndGet(0.78)).start();   // the kernel then sees 10.78
 * }</pre>
 */
public final class SharedDouble extends SharedMemory {
    private static final long serialVersionUID = 1L;

    /** A shared double with value {@code initial}. */
    public SharedDouble(double initial) {
        super(1, Double.BYTES);
        set(initial);
    }

    /** The current value. */
    public double get() {
        return Double.longBitsToDouble((long) LONGS.getVolatile(buffer(), 0));
    }

    /** Sets the value. */
    public void set(double value) {
        LONGS.setVolatile(buffer(), 0, Double.doubleToRawLongBits(value));
    }

    /** Atomically adds {@code delta}; returns the new value. */
    public double addAndGet(double delta) {
        return DoubleCells.add(buffer(), 0, delta);
    }

    /** Sets {@code update} if the value is bit-for-bit {@code expected}; true if it did. */
    public boolean compareAndSet(double expected, double update) {
        return LONGS.compareAndSet(buffer(), 0, Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(update));
    }

    /** The value, e.g. {@code SharedDouble[10.78]}. */
    @Override
    public String toString() {
        return "SharedDouble[" + get() + "]";
    }
}
