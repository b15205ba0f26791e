package jpool.ipc;

import java.lang.reflect.Array;
import java.nio.ByteBuffer;

/**
 * The eight primitive array types as kinds (an index), and bulk copies between them and a little-endian buffer
 * (one memory copy on x86, no per-element conversion).
 */
final class PrimitiveArrays {
    static final String KINDS = "BCSIJFDZ";
    static final int[] SIZES = {1, 2, 2, 4, 8, 4, 8, 1};
    static final Class<?>[] CLASSES = {byte[].class, char[].class, short[].class, int[].class,
            long[].class, float[].class, double[].class, boolean[].class};

    private PrimitiveArrays() {
    }

    /** The kind of a primitive array, or -1 for anything else. */
    static int kind(Object a) {
        if (a == null) return -1;
        Class<?> c = a.getClass();
        for (int k = 0; k < CLASSES.length; k++) if (CLASSES[k] == c) return k;
        return -1;
    }

    /** Bytes of the elements of the primitive arrays {@code arrays} (null: none). */
    static long bytes(Object[] arrays) {
        long n = 0;
        if (arrays != null) for (Object a : arrays) n += (long) Array.getLength(a) * SIZES[kind(a)];
        return n;
    }

    static Object allocate(int kind, int n) {
        return switch (kind) {
            case 0 -> new byte[n];
            case 1 -> new char[n];
            case 2 -> new short[n];
            case 3 -> new int[n];
            case 4 -> new long[n];
            case 5 -> new float[n];
            case 6 -> new double[n];
            default -> new boolean[n];
        };
    }

    /** Copies {@code count} elements from {@code from} into {@code dst} at its position (which then moves past them). */
    static void put(ByteBuffer dst, Object a, int from, int count) {
        int pos = dst.position();
        switch (kind(a)) {
            case 0 -> dst.put((byte[]) a, from, count);
            case 1 -> dst.asCharBuffer().put((char[]) a, from, count);
            case 2 -> dst.asShortBuffer().put((short[]) a, from, count);
            case 3 -> dst.asIntBuffer().put((int[]) a, from, count);
            case 4 -> dst.asLongBuffer().put((long[]) a, from, count);
            case 5 -> dst.asFloatBuffer().put((float[]) a, from, count);
            case 6 -> dst.asDoubleBuffer().put((double[]) a, from, count);
            default -> {
                boolean[] b = (boolean[]) a;
                for (int i = from; i < from + count; i++) dst.put((byte) (b[i] ? 1 : 0));
            }
        }
        dst.position(pos + count * SIZES[kind(a)]);
    }

    /** Copies {@code count} elements from {@code src} at its position into {@code a} from {@code from}. */
    static void get(ByteBuffer src, Object a, int from, int count) {
        int pos = src.position();
        switch (kind(a)) {
            case 0 -> src.get((byte[]) a, from, count);
            case 1 -> src.asCharBuffer().get((char[]) a, from, count);
            case 2 -> src.asShortBuffer().get((short[]) a, from, count);
            case 3 -> src.asIntBuffer().get((int[]) a, from, count);
            case 4 -> src.asLongBuffer().get((long[]) a, from, count);
            case 5 -> src.asFloatBuffer().get((float[]) a, from, count);
            case 6 -> src.asDoubleBuffer().get((double[]) a, from, count);
            default -> {
                boolean[] b = (boolean[]) a;
                for (int i = from; i < from + count; i++) b[i] = src.get() != 0;
            }
        }
        src.position(pos + count * SIZES[kind(a)]);
    }
}
