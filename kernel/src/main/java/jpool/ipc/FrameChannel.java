package jpool.ipc;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A connected socket carrying {@link Frame}s. Sending is thread-safe (a whole frame is written under a lock);
 * receiving is meant for one reader thread.
 *
 * <p>Both directions go through a direct buffer of this channel's own, a chunk at a time. The socket is used
 * directly, not through Channels.newInputStream/newOutputStream: on JDK 17 those share the channel's blocking lock,
 * so a thread blocked reading would stop every other thread from writing. Nor with heap buffers: for those the JDK
 * copies the whole remaining buffer into a temporary direct buffer as large as the transfer, on every call.
 */
public final class FrameChannel implements Closeable {
    private static final int CHUNK = 256 << 10;
    private final SocketChannel socket;
    private final Object sendLock = new Object();
    /** Guarded by sendLock; kept in write mode (filled from position 0 up, written out when full). */
    private final ByteBuffer out = ByteBuffer.allocateDirect(CHUNK);
    /** Used by the one receiving thread; kept in read mode (bytes between position and limit are unread). */
    private final ByteBuffer in = ByteBuffer.allocateDirect(CHUNK).flip();
    /** Frames written by {@link #sendSoon} and not written out yet (guarded by sendLock). */
    private boolean unflushed;
    /** Why the flusher could not write, reported by the next send (guarded by sendLock). */
    private IOException flushFailure;
    private Thread flusher;

    public FrameChannel(SocketChannel socket) {
        this.socket = socket;
    }

    /** Sends one frame and flushes it (with any frames {@link #sendSoon} left in the buffer before it). */
    public void send(byte type, byte[] payload) throws IOException {
        synchronized (sendLock) {
            put(type, payload);
            writeOut();
        }
    }

    /**
     * Sends one frame without waiting for the socket write: the frame goes into the send buffer and a flusher thread
     * writes it out as soon as it runs, together with whatever else was buffered meanwhile (like the feeder thread
     * of Python's {@code multiprocessing.Queue}). Order with every other frame sent on this channel is kept; a
     * failure of the background write is thrown by a later send.
     */
    public void sendSoon(byte type, byte[] payload) throws IOException {
        synchronized (sendLock) {
            put(type, payload);
            if (!unflushed) {
                unflushed = true;
                if (flusher == null) {
                    flusher = new Thread(this::flushLoop, "jpool-channel-flusher");
                    flusher.setDaemon(true);
                    flusher.start();
                }
                sendLock.notify();
            }
        }
    }

    /** Writes out what {@link #sendSoon} buffered (a no-op when nothing is). */
    public void flush() throws IOException {
        synchronized (sendLock) {
            if (flushFailure != null) throw flushFailure;
            if (unflushed) writeOut();
        }
    }

    private void put(byte type, byte[] payload) throws IOException {
        if (flushFailure != null) throw flushFailure;
        room(5);
        out.putInt(payload.length + 1).put(type);
        put(payload);
    }

    private void flushLoop() {
        synchronized (sendLock) {
            while (true) {
                try {
                    while (!unflushed) sendLock.wait();
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    writeOut();
                } catch (IOException e) {
                    flushFailure = e;
                    return;
                }
            }
        }
    }

    /**
     * Sends one frame with {@code parts}: big byte arrays written as they are (no copy into one payload) and read by
     * the receiver each into an array of exactly its size ({@link Frame#parts()}); {@code head} is the frame's
     * {@link Frame#payload()}. Wire form: {@code [int length][byte type|0x80][int head length][int part count]
     * [int part length]... [head][parts...]}.
     */
    public void send(byte type, byte[] head, byte[]... parts) throws IOException {
        long length = 1 + 4 + 4 + 4L * parts.length + head.length;
        for (byte[] p : parts) length += p.length;
        if (length > Frame.MAX_LENGTH) throw new IOException("frame too large to send: " + length + " bytes");
        synchronized (sendLock) {
            if (flushFailure != null) throw flushFailure;
            room(13);
            out.putInt((int) length).put((byte) (type | Frame.PARTS_FLAG)).putInt(head.length).putInt(parts.length);
            for (byte[] p : parts) {
                room(4);
                out.putInt(p.length);
            }
            put(head);
            for (byte[] p : parts) put(p);
            writeOut();
        }
    }

    /** Makes room for {@code n} more bytes in the output buffer. */
    private void room(int n) throws IOException {
        if (out.remaining() < n) writeOut();
    }

    private void put(byte[] b) throws IOException {
        int at = 0;
        while (at < b.length) {
            if (!out.hasRemaining()) writeOut();
            int n = Math.min(out.remaining(), b.length - at);
            out.put(b, at, n);
            at += n;
        }
    }

    /** Writes the output buffer to the socket (whatever {@link #sendSoon} left there is then sent too). */
    private void writeOut() throws IOException {
        unflushed = false;
        out.flip();
        try {
            while (out.hasRemaining()) socket.write(out);
        } finally {
            out.clear(); // after a failed write the channel is broken anyway; never resend half a frame
        }
    }

    /** Blocks for the next frame; EOFException when the peer closed the connection. */
    public Frame receive() throws IOException {
        if (!in.hasRemaining() && !fill()) throw new EOFException("connection closed");
        int length = readInt();
        if (length < 1 || length > Frame.MAX_LENGTH) throw new StreamCorruptedException("bad frame length " + length);
        byte type = readByte();
        if ((type & Frame.PARTS_FLAG) == 0) {
            byte[] payload = new byte[length - 1];
            readFully(payload);
            return new Frame(type, payload);
        }
        int headLength = readInt(), count = readInt();
        long rest = length - 9L;
        if (count < 0 || 4L * count > rest) throw new StreamCorruptedException("bad part count " + count);
        int[] sizes = new int[count];
        rest -= 4L * count;
        for (int i = 0; i < count; i++) {
            sizes[i] = readInt();
            rest -= sizes[i];
            if (sizes[i] < 0) throw new StreamCorruptedException("bad part length " + sizes[i]);
        }
        if (headLength < 0 || rest != headLength) throw new StreamCorruptedException("bad frame layout");
        byte[] head = new byte[headLength];
        readFully(head);
        byte[][] parts = new byte[count][];
        for (int i = 0; i < count; i++) readFully(parts[i] = new byte[sizes[i]]);
        return new Frame((byte) (type & ~Frame.PARTS_FLAG), head, parts);
    }

    /** Reads more from the socket into the (empty) input buffer; false at end of stream. */
    private boolean fill() throws IOException {
        in.compact();
        try {
            int n;
            do {
                n = socket.read(in);
            } while (n == 0);
            return n > 0;
        } finally {
            in.flip();
        }
    }

    private void need(int n) throws IOException {
        while (in.remaining() < n) if (!fill()) throw new EOFException("connection closed in the middle of a frame");
    }

    private int readInt() throws IOException {
        need(4);
        return in.getInt();
    }

    private byte readByte() throws IOException {
        need(1);
        return in.get();
    }

    private void readFully(byte[] b) throws IOException {
        int at = 0;
        while (at < b.length) {
            if (!in.hasRemaining() && !fill()) throw new EOFException("connection closed in the middle of a frame");
            int n = Math.min(in.remaining(), b.length - at);
            in.get(b, at, n);
            at += n;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a broken socket has nothing left to report
        }
    }
}
