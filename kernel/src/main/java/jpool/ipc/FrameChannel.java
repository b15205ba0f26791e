package jpool.ipc;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;

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
    /** Shared-memory path for big arrays, each way; made on first use (null where /dev/shm is missing). */
    private final BulkLane.Out laneOut = BulkLane.available() ? new BulkLane.Out() : null;
    private final BulkLane.In laneIn = new BulkLane.In();
    private volatile BooleanSupplier peerAlive;
    /**
     * Guarded by sendLock: where the last frame in the send buffer begins when it is a call that later items may
     * join ({@link #sendSoonJoining}), else -1; where its argument count is, and whose call it is.
     */
    private int joinableAt = -1;
    private int joinableCountAt;
    private String joinableObject;
    private String joinableOp;

    public FrameChannel(SocketChannel socket) {
        this.socket = socket;
        this.peerAlive = socket::isOpen;
    }

    /** How to tell the peer died (a wait for its shared-memory data then ends); default: the socket is open. */
    public void peerAlive(BooleanSupplier alive) {
        this.peerAlive = () -> socket.isOpen() && alive.getAsBoolean();
    }

    /** Sends {@code m} and flushes it (with any frames {@link #sendSoon} left in the buffer before it). */
    public void send(Message m) throws IOException {
        send(m, Delivery.NOW);
    }

    /** Sends {@code m}, leaving as {@code delivery} says ({@link #send}, {@link #sendSoon} or {@link #sendLater}). */
    public void send(Message m, Delivery delivery) throws IOException {
        Frame f = m.toFrame();
        if (f.parts() == null && delivery != Delivery.LATER) {
            if (delivery == Delivery.NOW) send(f.type(), f.payload());
            else sendSoon(f.type(), f.payload());
            return;
        }
        byte[][] parts = f.parts() == null ? Message.NO_PARTS : f.parts();
        switch (delivery) {
            case NOW -> send(f.type(), f.payload(), parts, f.arrays());
            case SOON -> sendSoon(f.type(), f.payload(), parts, f.arrays());
            case LATER -> sendLater(f.type(), f.payload(), parts, f.arrays());
        }
    }

    /** Receives the next message (see {@link #receive()}). */
    public Message receiveMessage() throws IOException {
        return Message.decode(receive());
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
            wakeFlusher();
        }
    }

    /**
     * {@link #sendSoon(byte, byte[])} for a frame with parts. For frames sent to a peer that is busy anyway (a task
     * queued behind others, the result of a task with more waiting): many go out in one write instead of a system
     * call each. A frame too large to sit in the send buffer is written out at once.
     */
    public void sendSoon(byte type, byte[] head, byte[]... parts) throws IOException {
        sendSoon(type, head, parts, null);
    }

    /** {@link #sendSoon(byte, byte[], byte[]...)} with primitive arrays (a frame with big ones is sent at once). */
    public void sendSoon(byte type, byte[] head, byte[][] parts, Object[] arrays) throws IOException {
        buffer(type, head, parts, arrays, true);
    }

    /**
     * Puts a frame with parts into the send buffer only: the caller sends another frame right after (whose
     * {@link #send} or {@link #sendSoon} takes this one along), so several frames for one worker (the chunks of a
     * map, a function and its first task) leave in one write, without waking the flusher for each. A frame too
     * large for the buffer is written out at once.
     */
    public void sendLater(byte type, byte[] head, byte[][] parts, Object[] arrays) throws IOException {
        buffer(type, head, parts, arrays, false);
    }

    /** Puts a frame into the send buffer (waking the flusher if asked), or writes it at once when it is large. */
    private void buffer(byte type, byte[] head, byte[][] parts, Object[] arrays, boolean wake) throws IOException {
        long length = 13L + head.length;
        for (byte[] p : parts) length += 4 + p.length;
        if (arrays != null) length += 5L * arrays.length + PrimitiveArrays.bytes(arrays);
        if (length > CHUNK / 4) {
            send(type, head, parts, arrays);
            return;
        }
        synchronized (sendLock) {
            putFrame(type, head, parts, arrays);
            if (wake) wakeFlusher();
        }
    }

    /** Guarded by sendLock: the buffer holds frames to write; the flusher writes them out when it runs. */
    private void wakeFlusher() {
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

    /** Runs {@code body} holding the send lock, so the flusher writes nothing meanwhile (for tests of the send buffer). */
    void withSendLock(Runnable body) {
        synchronized (sendLock) {
            body.run();
        }
    }

    /** Writes out what {@link #sendSoon} buffered (a no-op when nothing is). */
    public void flush() throws IOException {
        synchronized (sendLock) {
            if (flushFailure != null) throw flushFailure;
            if (unflushed) writeOut();
        }
    }

    /**
     * Sends a {@link Message.Call} of {@code op} on {@code objectId} with one argument, {@code item}, as
     * {@link #sendSoon} does; but while the frame last put into the send buffer is such a call of the same op on the
     * same object and is not written yet, the item joins that frame as one more argument. So a producer that puts
     * faster than the socket is written sends one frame of many items (like the batches of Python's feeder thread),
     * and the receiver decodes and dispatches one call for them. Order is kept: an item only ever joins the
     * frame right before it.
     */
    public void sendSoonJoining(String objectId, String op, byte[] item) throws IOException {
        synchronized (sendLock) {
            if (flushFailure != null) throw flushFailure;
            if (joinableAt >= 0 && objectId.equals(joinableObject) && op.equals(joinableOp) && out.remaining() >= 4 + item.length) {
                out.putInt(item.length).put(item);
                out.putInt(joinableAt, out.getInt(joinableAt) + 4 + item.length);
                out.putInt(joinableCountAt, out.getInt(joinableCountAt) + 1);
                wakeFlusher();
                return;
            }
            byte[] payload = new Message.Call(0, objectId, op, List.of(item)).toFrame().payload();
            if (5 + payload.length > CHUNK / 4) {
                put(Frame.CALL, payload);
                wakeFlusher();
                return;
            }
            room(5 + payload.length); // the whole frame in the buffer at once, so that later items can join it
            int at = out.position();
            put(Frame.CALL, payload);
            joinableAt = at;
            joinableCountAt = at + 5 + payload.length - item.length - 8; // the count precedes the item's length
            joinableObject = objectId;
            joinableOp = op;
            wakeFlusher();
        }
    }

    private void put(byte type, byte[] payload) throws IOException {
        if (flushFailure != null) throw flushFailure;
        joinableAt = -1;
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
        send(type, head, parts, null);
    }

    /**
     * Sends a frame with parts and primitive {@code arrays} (those of {@link Serial#writeDetached}; null for none),
     * which the receiver gets as arrays of the same types in {@link Frame#arrays()}. Arrays of a megabyte or more
     * in all go through shared memory ({@link BulkLane}), the rest in the frame; either way each is copied once
     * on each side, straight from and into the arrays.
     * Wire form after the part lengths: {@code [int array count][byte kind, int length]... [byte 1 = lane,
     * 0 = inline]}, for a lane {@code [long seq][int path length][path]}; then head, parts, inline arrays.
     */
    public void send(byte type, byte[] head, byte[][] parts, Object[] arrays) throws IOException {
        synchronized (sendLock) {
            boolean lane = putFrame(type, head, parts, arrays);
            writeOut();
            if (lane) laneOut.write(arrays);
        }
    }

    /** Puts a frame into the send buffer; true when its arrays are to follow through the lane. */
    private boolean putFrame(byte type, byte[] head, byte[][] parts, Object[] arrays) throws IOException {
        if (flushFailure != null) throw flushFailure;
        joinableAt = -1;
        long length = 1 + 4 + 4 + 4L * parts.length + head.length;
        for (byte[] p : parts) length += p.length;
        long arrayBytes = PrimitiveArrays.bytes(arrays);
        boolean lane = arrays != null && laneOut != null && arrayBytes >= BulkLane.MIN_BYTES;
        byte[] path = null;
        if (lane) {
            try {
                path = laneOut.prepare(arrayBytes, arrays.length, peerAlive).getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                if (!socket.isOpen()) throw e;
                lane = false; // no shared memory to be had (full /dev/shm): inline
            }
        }
        if (arrays != null) length += 4 + 5L * arrays.length + 1 + (lane ? 12 + path.length : arrayBytes);
        if (length > Frame.MAX_LENGTH) throw new IOException("frame too large to send: " + length + " bytes");
        room(13);
        int flags = Frame.PARTS_FLAG | (arrays != null ? Frame.ARRAYS_FLAG : 0);
        out.putInt((int) length).put((byte) (type | flags)).putInt(head.length).putInt(parts.length);
        for (byte[] p : parts) {
            room(4);
            out.putInt(p.length);
        }
        if (arrays != null) {
            room(4);
            out.putInt(arrays.length);
            for (Object a : arrays) {
                room(5);
                out.put((byte) PrimitiveArrays.kind(a)).putInt(Array.getLength(a));
            }
            room(1);
            out.put((byte) (lane ? 1 : 0));
            if (lane) {
                room(12);
                out.putLong(laneOut.seq()).putInt(path.length);
                put(path);
            }
        }
        put(head);
        for (byte[] p : parts) put(p);
        if (arrays != null && !lane) for (Object a : arrays) putArray(a);
        return lane;
    }

    /** An array's elements into the send buffer (little-endian), writing out whenever it fills. */
    private void putArray(Object a) throws IOException {
        int size = PrimitiveArrays.SIZES[PrimitiveArrays.kind(a)], n = Array.getLength(a);
        for (int from = 0; from < n; ) {
            if (out.remaining() < size) writeOut();
            int count = Math.min(n - from, out.remaining() / size);
            out.order(ByteOrder.LITTLE_ENDIAN);
            PrimitiveArrays.put(out, a, from, count);
            out.order(ByteOrder.BIG_ENDIAN);
            from += count;
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
        joinableAt = -1;
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
        int[] kinds = null, lengths = null;
        boolean lane = false;
        long seq = 0;
        String path = null;
        if ((type & Frame.ARRAYS_FLAG) != 0) {
            int n = readInt();
            rest -= 4;
            if (n < 0 || 5L * n > rest) throw new StreamCorruptedException("bad array count " + n);
            kinds = new int[n];
            lengths = new int[n];
            for (int i = 0; i < n; i++) {
                kinds[i] = readByte();
                lengths[i] = readInt();
                if (kinds[i] < 0 || kinds[i] >= PrimitiveArrays.SIZES.length || lengths[i] < 0)
                    throw new StreamCorruptedException("bad array " + i);
            }
            rest -= 5L * n + 1;
            lane = readByte() == 1;
            if (lane) {
                seq = readLong();
                int pathLength = readInt();
                if (pathLength < 0 || pathLength > 4096) throw new StreamCorruptedException("bad lane path");
                byte[] p = new byte[pathLength];
                readFully(p);
                path = new String(p, StandardCharsets.UTF_8);
                rest -= 12 + pathLength;
            } else {
                for (int i = 0; i < n; i++) rest -= (long) lengths[i] * PrimitiveArrays.SIZES[kinds[i]];
            }
        }
        if (headLength < 0 || rest != headLength) throw new StreamCorruptedException("bad frame layout");
        byte[] head = new byte[headLength];
        readFully(head);
        byte[][] parts = new byte[count][];
        for (int i = 0; i < count; i++) readFully(parts[i] = new byte[sizes[i]]);
        Object[] arrays = null;
        if (kinds != null) {
            if (lane) {
                arrays = laneIn.read(seq, path, kinds, lengths, peerAlive);
            } else {
                arrays = new Object[kinds.length];
                for (int i = 0; i < kinds.length; i++) readArray(arrays[i] = PrimitiveArrays.allocate(kinds[i], lengths[i]));
            }
        }
        return new Frame((byte) (type & ~(Frame.PARTS_FLAG | Frame.ARRAYS_FLAG)), head, parts, arrays);
    }

    /** Reads an array's elements (little-endian) straight from the input buffer. */
    private void readArray(Object a) throws IOException {
        int size = PrimitiveArrays.SIZES[PrimitiveArrays.kind(a)], n = Array.getLength(a);
        for (int from = 0; from < n; ) {
            need(size);
            int count = Math.min(n - from, in.remaining() / size);
            in.order(ByteOrder.LITTLE_ENDIAN);
            PrimitiveArrays.get(in, a, from, count);
            in.order(ByteOrder.BIG_ENDIAN);
            from += count;
        }
    }

    private long readLong() throws IOException {
        need(8);
        return in.getLong();
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
            socket.close(); // first: a sender blocked in a write (holding the send lock) fails and lets go
        } catch (IOException ignored) {
            // closing a broken socket has nothing left to report
        }
        synchronized (sendLock) {
            if (laneOut != null) laneOut.close();
        }
    }
}
