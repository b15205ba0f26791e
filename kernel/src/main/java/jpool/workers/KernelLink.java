package jpool.workers;

import jpool.ipc.Frame;
import jpool.ipc.FrameChannel;
import jpool.ipc.Payload;
import jpool.ipc.RemoteError;
import jpool.ipc.Serial;
import jpool.ipc.ShipFilter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In a worker JVM, the caller's side of requests to objects that live in the kernel (see {@code jpool.sharing}):
 * sends a {@link Frame#CALL} over the worker's channel and waits for the matching {@link Frame#REPLY}, which the
 * worker's reader thread hands over by request id. Any number of threads may call at once.
 */
public final class KernelLink {
    private static volatile FrameChannel channel;
    private static volatile ShippedClassLoader loader;
    private static volatile ShipFilter filter;
    private static final AtomicLong IDS = new AtomicLong();
    private static final Map<Long, CompletableFuture<Payload.Reader>> WAITING = new ConcurrentHashMap<>();

    private KernelLink() {
    }

    static void install(FrameChannel ch, ShippedClassLoader l, ShipFilter f) {
        loader = l;
        filter = f;
        channel = ch;
    }

    /** True in a worker JVM (connected to its kernel), false in the kernel itself. */
    public static boolean connected() {
        return channel != null;
    }

    /**
     * Calls {@code op} on the kernel object {@code objectId} with already serialized arguments and returns the
     * deserialized value. An exception the kernel reports is rethrown as the same type when it is a JDK or jpool
     * runtime exception with a message constructor, otherwise as a {@link RemoteFailure}.
     */
    public static Object call(String objectId, String op, byte[]... args) {
        Payload.Reader r = send(objectId, op, args);
        try {
            if (r.getByte() == 0) return Serial.read(r.getBytes(), loader, filter);
            throw rebuild(r.getString(), r.getString());
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable reply from the kernel for " + op + ": " + e.getMessage(), e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the kernel sent a value of a class this worker does not know: " + e.getMessage(), e);
        }
    }

    /**
     * Sends a call without waiting for its outcome (request id 0). Only for operations that cannot block and whose
     * failure the kernel can report otherwise; the channel keeps the order of calls from one thread.
     */
    public static void cast(String objectId, String op, byte[]... args) {
        try {
            channel.send(Frame.CALL, frame(0, objectId, op, args));
        } catch (IOException e) {
            throw new UncheckedIOException("the kernel is gone: " + e.getMessage(), e);
        }
    }

    private static Payload.Reader send(String objectId, String op, byte[][] args) {
        FrameChannel ch = channel;
        if (ch == null) throw new IllegalStateException("not in a worker: kernel objects are called directly here");
        long id = IDS.incrementAndGet();
        CompletableFuture<Payload.Reader> reply = new CompletableFuture<>();
        WAITING.put(id, reply);
        boolean interrupted = false;
        try {
            ch.send(Frame.CALL, frame(id, objectId, op, args));
            while (true) {
                try {
                    // Uninterruptible on purpose: the kernel already acts on the request, and walking away would
                    // leave its answer (a queue item, a lock) with nobody to receive it.
                    return reply.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the kernel is gone: " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            WAITING.remove(id);
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static byte[] frame(long id, String objectId, String op, byte[][] args) {
        Payload p = new Payload().putLong(id).putString(objectId).putString(op).putInt(args.length);
        for (byte[] a : args) p.putBytes(a);
        return p.toBytes();
    }

    /** Called on the worker's reader thread with a REPLY payload. */
    static void replied(byte[] payload) throws IOException {
        Payload.Reader r = new Payload.Reader(payload);
        CompletableFuture<Payload.Reader> f = WAITING.get(r.getLong());
        if (f != null) f.complete(r);
    }

    private static RuntimeException rebuild(String className, String message) {
        if (className.startsWith("java.") || className.startsWith("jpool.")) {
            try {
                Class<?> c = Class.forName(className, false, KernelLink.class.getClassLoader());
                if (RuntimeException.class.isAssignableFrom(c)) {
                    Constructor<?> k = c.getConstructor(String.class);
                    return (RuntimeException) k.newInstance(message);
                }
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall through to the generic form
            }
        }
        return new RemoteFailure(className + ": " + message, RemoteError.of(className, message));
    }
}
