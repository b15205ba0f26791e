package jpool.sharing;

import java.nio.ByteBuffer;

/** Atomic addition to a double stored as long bits: retry compare-and-set until no other process came between. */
final class DoubleCells {
    private DoubleCells() {
    }

    static double add(ByteBuffer b, int offset, double delta) {
        while (true) {
            long old = (long) SharedMemory.LONGS.getVolatile(b, offset);
            double sum = Double.longBitsToDouble(old) + delta;
            if (SharedMemory.LONGS.compareAndSet(b, offset, old, Double.doubleToRawLongBits(sum))) return sum;
        }
    }
}
