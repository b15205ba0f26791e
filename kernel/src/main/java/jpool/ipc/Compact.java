package jpool.ipc;

import java.io.StreamCorruptedException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;

/**
 * A small binary encoding for the values most tasks take and return: null, boxed primitives, strings, small
 * {@code byte[]/int[]/long[]/double[]} arrays and {@code ArrayList}s of these. Java serialization spends most of a
 * small message on class descriptors (written and resolved afresh in every stream); this writes a tag byte and the
 * bits. Only exact classes are encoded, so a value reads back as the same type; anything else (a record, a
 * {@code List.of}, a notebook class) is refused by {@link Out#value} and goes through {@link Serial} as before.
 */
public final class Compact {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** Arrays this large or larger take Serial's bulk path (written once, straight from the array, as a frame part). */
    static final int MAX_ARRAY_BYTES = 64 << 10;
    /** Deeper nesting is refused (it also stops a list that contains itself). */
    private static final int MAX_DEPTH = 16;

    private static final byte NULL = 0, TRUE = 1, FALSE = 2, INT_ = 3, LONG_ = 4, DOUBLE = 5, FLOAT = 6, SHORT = 7,
            BYTE = 8, CHAR = 9, STRING = 10, BYTES = 11, INTS = 12, LONGS = 13, DOUBLES = 14, LIST = 15;

    private Compact() {
    }

    /** First byte of a value {@link Serial} wrote in this form (Java serialization starts with 0xAC). */
    static final byte MAGIC = 'Q';

    /** {@code v} in compact form after {@link #MAGIC}, or null when it is not a compact value. */
    static byte[] encode(Object v) {
        Out out = new Out(32);
        out.putByte(MAGIC);
        return out.value(v) ? out.toBytes() : null;
    }

    /** Reads what {@link #encode} wrote. */
    static Object decode(byte[] bytes) throws StreamCorruptedException {
        In in = new In(bytes, 1);
        Object v = in.value();
        if (in.at != bytes.length) throw new StreamCorruptedException("trailing bytes after a compact value");
        return v;
    }

    /** Writes into a growing array. */
    public static final class Out {
        private byte[] buf;
        private int size;
        /**
         * Lists written so far (by every {@link #value} call on this output: the inputs of one chunk too): one met
         * twice is refused, since Java serialization keeps such sharing and this form could not.
         */
        private IdentityHashMap<Object, Boolean> nested;

        public Out(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void room(int n) {
            if (size + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }

        public Out putByte(int v) {
            room(1);
            buf[size++] = (byte) v;
            return this;
        }

        public Out putInt(int v) {
            room(4);
            INT.set(buf, size, v);
            size += 4;
            return this;
        }

        public Out putLong(long v) {
            room(8);
            LONG.set(buf, size, v);
            size += 8;
            return this;
        }

        /** A signed number in 1 byte when small (zigzag varint: 7 bits a byte, the sign in the lowest bit). */
        public Out putVarLong(long v) {
            long z = (v << 1) ^ (v >> 63);
            room(10);
            while ((z & ~0x7FL) != 0) {
                buf[size++] = (byte) ((z & 0x7F) | 0x80);
                z >>>= 7;
            }
            buf[size++] = (byte) z;
            return this;
        }

        public Out putBytes(byte[] b) {
            putInt(b.length);
            room(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
            return this;
        }

        public Out putString(String s) {
            return putBytes(s.getBytes(StandardCharsets.UTF_8));
        }

        /** Writes {@code v}; false (and the output is then unusable) when it is not a compact value. */
        public boolean value(Object v) {
            return value(v, 0);
        }

        private boolean value(Object v, int depth) {
            if (v == null) return putByte(NULL) != null;
            Class<?> c = v.getClass();
            if (c == Integer.class) tagged(INT_, (Integer) v);
            else if (c == Long.class) tagged(LONG_, (long) (Long) v);
            else if (c == Double.class) tagged(DOUBLE, Double.doubleToRawLongBits((Double) v));
            else if (c == String.class) {
                String str = (String) v;
                // UTF-8 cannot carry a lone surrogate (it would come back as '?'): Java serialization can
                if (hasLoneSurrogate(str)) return false;
                putByte(STRING).putBytes(str.getBytes(StandardCharsets.UTF_8));
            }
            else if (c == Boolean.class) putByte((Boolean) v ? TRUE : FALSE);
            else if (c == Float.class) tagged(FLOAT, Float.floatToRawIntBits((Float) v));
            else if (c == Short.class) tagged(SHORT, (Short) v);
            else if (c == Byte.class) putByte(BYTE).putByte((Byte) v);
            else if (c == Character.class) tagged(CHAR, (Character) v);
            else if (c == byte[].class) {
                byte[] a = (byte[]) v;
                if (a.length >= MAX_ARRAY_BYTES) return false;
                putByte(BYTES).putBytes(a);
            } else if (c == int[].class) {
                int[] a = (int[]) v;
                if (a.length * 4L >= MAX_ARRAY_BYTES) return false;
                putByte(INTS).putInt(a.length);
                for (int x : a) putInt(x);
            } else if (c == long[].class || c == double[].class) {
                boolean longs = c == long[].class;
                int n = longs ? ((long[]) v).length : ((double[]) v).length;
                if (n * 8L >= MAX_ARRAY_BYTES) return false;
                putByte(longs ? LONGS : DOUBLES).putInt(n);
                if (longs) for (long x : (long[]) v) putLong(x);
                else for (double x : (double[]) v) putLong(Double.doubleToRawLongBits(x));
            } else if (c == ArrayList.class) {
                if (depth >= MAX_DEPTH) return false;
                if (nested == null) nested = new IdentityHashMap<>();
                if (nested.put(v, Boolean.TRUE) != null) return false;
                ArrayList<?> list = (ArrayList<?>) v;
                int n = list.size();
                putByte(LIST).putInt(n);
                for (int i = 0; i < n; i++) if (!value(list.get(i), depth + 1)) return false;
            } else {
                return false;
            }
            return true;
        }

        /**
         * A tag and a 4-byte number with one bounds check: boxed numbers are most of what a pool chunk carries, and
         * a check per byte written was a visible part of encoding 20,000 of them.
         */
        private void tagged(byte tag, int v) {
            room(5);
            buf[size] = tag;
            INT.set(buf, size + 1, v);
            size += 5;
        }

        /** A tag and an 8-byte number with one bounds check. */
        private void tagged(byte tag, long v) {
            room(9);
            buf[size] = tag;
            LONG.set(buf, size + 1, v);
            size += 9;
        }

        private static boolean hasLoneSurrogate(String s) {
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
                else if (Character.isSurrogate(ch)) return true;
            }
            return false;
        }

        public int size() {
            return size;
        }

        /** The bytes written, in an array of exactly that size. */
        public byte[] toBytes() {
            return size == buf.length ? buf : Arrays.copyOf(buf, size);
        }
    }

    /** Reads what {@link Out} wrote, in the same order; malformed input gives StreamCorruptedException. */
    public static final class In {
        private final byte[] buf;
        private int at;

        public In(byte[] buf, int offset) {
            this.buf = buf;
            this.at = offset;
        }

        private void need(long n) throws StreamCorruptedException {
            if (n < 0 || at + n > buf.length) throw new StreamCorruptedException("truncated compact value");
        }

        public int getByte() throws StreamCorruptedException {
            need(1);
            return buf[at++];
        }

        public int getInt() throws StreamCorruptedException {
            need(4);
            int v = (int) INT.get(buf, at);
            at += 4;
            return v;
        }

        public long getLong() throws StreamCorruptedException {
            need(8);
            long v = (long) LONG.get(buf, at);
            at += 8;
            return v;
        }

        /** Reads what {@link Out#putVarLong} wrote. */
        public long getVarLong() throws StreamCorruptedException {
            long z = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = getByte();
                z |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) return (z >>> 1) ^ -(z & 1);
            }
            throw new StreamCorruptedException("varint longer than 10 bytes");
        }

        /** A length that the rest of the input can hold ({@code unit} bytes per element). */
        private int length(int unit) throws StreamCorruptedException {
            int n = getInt();
            need((long) n * unit);
            return n;
        }

        public byte[] getBytes() throws StreamCorruptedException {
            int n = length(1);
            byte[] b = Arrays.copyOfRange(buf, at, at + n);
            at += n;
            return b;
        }

        public String getString() throws StreamCorruptedException {
            int n = length(1);
            String s = new String(buf, at, n, StandardCharsets.UTF_8);
            at += n;
            return s;
        }

        public Object value() throws StreamCorruptedException {
            return value(0);
        }

        private Object value(int depth) throws StreamCorruptedException {
            int tag = getByte();
            switch (tag) {
                case NULL: return null;
                case TRUE: return Boolean.TRUE;
                case FALSE: return Boolean.FALSE;
                case INT_: return getInt();
                case LONG_: return getLong();
                case DOUBLE: return Double.longBitsToDouble(getLong());
                case FLOAT: return Float.intBitsToFloat(getInt());
                case SHORT: return (short) getInt();
                case BYTE: return (byte) getByte();
                case CHAR: return (char) getInt();
                case STRING: return getString();
                case BYTES: return getBytes();
                case INTS: {
                    int[] a = new int[length(4)];
                    for (int i = 0; i < a.length; i++) a[i] = getInt();
                    return a;
                }
                case LONGS: {
                    long[] a = new long[length(8)];
                    for (int i = 0; i < a.length; i++) a[i] = getLong();
                    return a;
                }
                case DOUBLES: {
                    double[] a = new double[length(8)];
                    for (int i = 0; i < a.length; i++) a[i] = Double.longBitsToDouble(getLong());
                    return a;
                }
                case LIST: {
                    if (depth >= MAX_DEPTH) throw new StreamCorruptedException("compact list nested too deeply");
                    int n = length(1); // every element takes at least its tag byte
                    ArrayList<Object> list = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) list.add(value(depth + 1));
                    return list;
                }
                default: throw new StreamCorruptedException("bad compact tag " + tag);
            }
        }
    }
}
