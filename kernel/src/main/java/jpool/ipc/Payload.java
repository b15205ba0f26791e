package jpool.ipc;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds and reads frame payloads in DataOutput/DataInput format (big-endian); strings of any length are written as
 * UTF-8 bytes. A large byte array is not copied when it is added, only once into the finished payload, so building
 * a frame around a big serialized value costs one copy (a ByteArrayOutputStream cost three or more).
 */
public final class Payload {
    /** Arrays at least this large are kept by reference until {@link #toBytes}. */
    private static final int BIG = 64 << 10;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);
    /** Finished pieces in order: the small writes between big arrays, and the big arrays themselves. */
    private final List<byte[]> pieces = new ArrayList<>();
    private long size;

    public Payload putLong(long v) {
        return io(() -> out.writeLong(v));
    }

    public Payload putInt(int v) {
        return io(() -> out.writeInt(v));
    }

    public Payload putByte(int v) {
        return io(() -> out.writeByte(v));
    }

    /** A string of any length (DataOutput.writeUTF stops at 64 KB). */
    public Payload putString(String s) {
        return putBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Length and bytes. A big array is read only by {@link #toBytes}: it must not change before that. */
    public Payload putBytes(byte[] b) {
        io(() -> out.writeInt(b.length));
        if (b.length < BIG) return io(() -> out.write(b));
        cut();
        pieces.add(b);
        size += b.length;
        return this;
    }

    private void cut() {
        if (bytes.size() == 0) return;
        pieces.add(bytes.toByteArray());
        size += bytes.size();
        bytes.reset();
    }

    public byte[] toBytes() {
        if (pieces.isEmpty()) return bytes.toByteArray();
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

    private interface IoAction {
        void run() throws IOException;
    }

    private Payload io(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream never fails
        }
        return this;
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
