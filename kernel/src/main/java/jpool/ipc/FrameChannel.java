package jpool.ipc;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A connected socket carrying {@link Frame}s. Sending is thread-safe (a whole frame is written under a lock);
 * receiving is meant for one reader thread.
 */
public final class FrameChannel implements Closeable {
    private final SocketChannel socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Object sendLock = new Object();
    /** Frames written by {@link #sendSoon} and not flushed yet (guarded by sendLock). */
    private boolean unflushed;
    /** Why the flusher could not write, reported by the next send (guarded by sendLock). */
    private IOException flushFailure;
    private Thread flusher;

    public FrameChannel(SocketChannel socket) {
        this.socket = socket;
        // Not Channels.newInputStream/newOutputStream: on JDK 17 those share the channel's blocking lock, so a
        // thread blocked reading would stop every other thread from writing.
        this.in = new DataInputStream(new BufferedInputStream(new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : socket.read(ByteBuffer.wrap(b, off, len));
            }
        }, 1 << 16));
        this.out = new DataOutputStream(new BufferedOutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) socket.write(buf);
            }
        }, 1 << 16));
    }

    /** Sends one frame and flushes it (with any frames {@link #sendSoon} left in the buffer before it). */
    public void send(byte type, byte[] payload) throws IOException {
        synchronized (sendLock) {
            write(type, payload);
            out.flush();
            unflushed = false;
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
            write(type, payload);
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
            if (unflushed) out.flush();
            unflushed = false;
        }
    }

    private void write(byte type, byte[] payload) throws IOException {
        if (flushFailure != null) throw flushFailure;
        out.writeInt(payload.length + 1);
        out.writeByte(type);
        out.write(payload);
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
                    out.flush();
                } catch (IOException e) {
                    flushFailure = e;
                    return;
                } finally {
                    unflushed = false;
                }
            }
        }
    }

    /** Blocks for the next frame; EOFException when the peer closed the connection. */
    public Frame receive() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            throw new EOFException("connection closed");
        }
        if (length < 1 || length > Frame.MAX_LENGTH) throw new StreamCorruptedException("bad frame length " + length);
        byte type = in.readByte();
        byte[] payload = new byte[length - 1];
        in.readFully(payload);
        return new Frame(type, payload);
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
