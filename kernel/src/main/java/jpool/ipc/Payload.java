package jpool.ipc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Builds and reads frame payloads with DataOutput/DataInput; strings of any length are written as UTF-8 bytes. */
public final class Payload {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

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

    public Payload putBytes(byte[] b) {
        return io(() -> {
            out.writeInt(b.length);
            out.write(b);
        });
    }

    public byte[] toBytes() {
        return bytes.toByteArray();
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
        private final DataInputStream in;

        public Reader(byte[] payload) {
            in = new DataInputStream(new ByteArrayInputStream(payload));
        }

        public long getLong() throws IOException {
            return in.readLong();
        }

        public int getInt() throws IOException {
            return in.readInt();
        }

        public int getByte() throws IOException {
            return in.readByte();
        }

        public String getString() throws IOException {
            return new String(getBytes(), StandardCharsets.UTF_8);
        }

        public byte[] getBytes() throws IOException {
            int n = in.readInt();
            if (n < 0 || n > Frame.MAX_LENGTH) throw new IOException("bad length " + n);
            return in.readNBytes(n);
        }
    }
}
