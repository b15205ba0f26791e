package jpool.ipc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds and reads frame payloads in DataOutput/DataInput layout (big-endian); strings of any length are written as
 * UTF-8 bytes. A large byte array is not copied when it is added, only once into the finished payload, so building
 * a frame around a big serialized value costs one copy.
 */
public final class Payload {
    /** Arrays at least this large are kept by reference until {@link #toBytes}. */
    private static final int BIG = 64 << 10;
    /** The small writes since the last big array, in {@link Compact}'s growing buffer (same big-endian layout). */
    private Compact.Out small = new Compact.Out(64);
    /** Finished pieces in order: the small writes between big arrays, and the big arrays themselves. */
    private List<byte[]> pieces;
    private long size;

    public Payload putLong(long v) {
        small.putLong(v);
        return this;
    }

    public Payload putInt(int v) {
        small.putInt(v);
        return this;
    }

    public Payload putByte(int v) {
        small.putByte(v);
        return this;
    }

    /** A string of any length (DataOutput.writeUTF stops at 64 KB). */
    public Payload putString(String s) {
        return putBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Length and bytes. A big array is read only by {@link #toBytes}: it must not change before that. */
    public Payload putBytes(byte[] b) {
        if (b.length < BIG) {
            small.putBytes(b);
            return this;
        }
        small.putInt(b.length);
        cut();
        pieces.add(b);
        size += b.length;
        return this;
    }

    private void cut() {
        if (pieces == null) pieces = new ArrayList<>();
        if (small.size() == 0) return;
        pieces.add(small.toBytes());
        size += small.size();
        small = new Compact.Out(64);
    }

    public byte[] toBytes() {
        if (pieces == null) return small.toBytes();
        cut();
        if (size > Integer.MAX_VALUE - 16) throw new IllegalStateException("payload too large: " + size + " bytes");
        byte[] all = new byte[(int) size];
        int at = 0;
        for (byte[] p : pieces) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** Reads what a Payload wrote, in the same order. */
    public static final class Reader {
        private final ByteBuffer in;

        public Reader(byte[] payload) {
            in = ByteBuffer.wrap(payload);
        }

        public long getLong() throws IOException {
            try {
                return in.getLong();
            } catch (BufferUnderflowException e) {
                throw new EOFException();
            }
        }

        public int getInt() throws IOException {
            try {
                return in.getInt();
            } catch (BufferUnderflowException e) {
                throw new EOFException();
            }
        }

        public int getByte() throws IOException {
            try {
                return in.get();
            } catch (BufferUnderflowException e) {
                throw new EOFException();
            }
        }

        public String getString() throws IOException {
            return new String(getBytes(), StandardCharsets.UTF_8);
        }

        public byte[] getBytes() throws IOException {
            int n = getInt();
            if (n < 0 || n > Frame.MAX_LENGTH) throw new IOException("bad length " + n);
            if (n > in.remaining()) throw new EOFException();
            byte[] b = new byte[n];
            in.get(b);
            return b;
        }
    }
}
