package jpool.workers;

import jpool.ipc.Frame;
import jpool.ipc.FrameChannel;
import jpool.ipc.Delivery;
import jpool.ipc.Message;
import jpool.ipc.ErrorReport;
import jpool.ipc.Serial;
import jpool.ipc.ShipFilter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

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
    private static final Map<Long, CompletableFuture<Message.Reply>> WAITING = new ConcurrentHashMap<>();

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
        return decode(callRaw(objectId, op, args));
    }

    /** Like {@link #call}, returning the reply's value as the kernel sent it (bytes, not read). */
    public static byte[] callRaw(String objectId, String op, byte[]... args) {
        Message.Reply r = send(objectId, op, args);
        if (r.ok()) return r.value();
        throw rebuild(r.errorClass(), r.errorMessage());
    }

    /**
     * Sends a call and returns at once: {@code then} runs with the reply's value (or with null and the failure)
     * on the worker's reader thread, in the order of the frames the kernel sent, so it must not block. Only for
     * operations that answer without waiting in the kernel.
     */
    public static void callAsync(String objectId, String op, BiConsumer<byte[], RuntimeException> then, byte[]... args) {
        FrameChannel ch = channel;
        if (ch == null) throw new IllegalStateException("not in a worker: kernel objects are called directly here");
        long id = IDS.incrementAndGet();
        CompletableFuture<Message.Reply> reply = new CompletableFuture<>();
        reply.thenAccept(r -> {
            WAITING.remove(id);
            if (r.ok()) then.accept(r.value(), null);
            else then.accept(null, rebuild(r.errorClass(), r.errorMessage()));
        });
        WAITING.put(id, reply);
        try {
            ch.send(new Message.Call(id, objectId, op, List.of(args)));
        } catch (IOException e) {
            WAITING.remove(id);
            throw new UncheckedIOException("the kernel is gone: " + e.getMessage(), e);
        }
    }

    /** Reads a value the kernel sent, resolving notebook classes as every value this worker receives. */
    public static Object decode(byte[] value) {
        try {
            return Serial.read(value, loader, filter);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable value from the kernel: " + e.getMessage(), e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the kernel sent a value of a class this worker does not know: " + e.getMessage(), e);
        }
    }

    /**
     * What holds kernel objects' contents in this worker ahead of use (the items a queue consumer prefetched), so
     * they can be given back: when the kernel asks ({@link Frame#RECALL}) and when a task ends.
     */
    public interface Holder {
        /** On the reader thread: give back what is held of {@code objectId} (answer even when nothing is). */
        void recall(String objectId);

        /** Give back everything held, and wait until it is on its way. */
        void giveBackAll();
    }

    private static volatile Holder holder;

    /** Installs the holder (once, by the first queue consumer in this worker). */
    public static void holder(Holder h) {
        holder = h;
    }

    /** A task ended or the worker exits: what it held goes back to the kernel before its result or exit. */
    static void giveBackHeld() {
        Holder h = holder;
        if (h == null || channel == null) return;
        try {
            h.giveBackAll();
        } catch (RuntimeException e) {
            // the kernel is gone: nobody to give anything back to
        }
    }

    /** Called on the worker's reader thread when the kernel recalls the items of {@code objectId}. */
    static void recalled(String objectId) {
        Holder h = holder;
        if (h != null) h.recall(objectId);
        else cast(objectId, "giveBack", new byte[0][]); // nothing held here; the kernel only waits for the answer
    }

    /** Sends whatever {@link #cast} left in the channel's buffer now. */
    public static void flush() {
        try {
            channel.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the kernel is gone: " + e.getMessage(), e);
        }
    }

    /**
     * Sends a call without waiting for its outcome (request id 0), nor for the socket write (a flusher thread sends
     * it at once, batched with other such calls). Only for operations that cannot block and whose failure the
     * kernel can report otherwise; the channel keeps the order of all frames, so the call reaches the kernel before
     * anything this thread sends afterwards.
     */
    public static void cast(String objectId, String op, byte[]... args) {
        try {
            channel.send(new Message.Call(0, objectId, op, List.of(args)), Delivery.SOON);
        } catch (IOException e) {
            throw new UncheckedIOException("the kernel is gone: " + e.getMessage(), e);
        }
    }

    /**
     * {@link #cast} of an operation whose one argument is an item among many ({@code op} takes any number of them):
     * items cast while the previous ones still wait for the socket travel in one frame.
     */
    public static void castJoining(String objectId, String op, byte[] item) {
        try {
            channel.sendSoonJoining(objectId, op, item);
        } catch (IOException e) {
            throw new UncheckedIOException("the kernel is gone: " + e.getMessage(), e);
        }
    }

    private static Message.Reply send(String objectId, String op, byte[][] args) {
        FrameChannel ch = channel;
        if (ch == null) throw new IllegalStateException("not in a worker: kernel objects are called directly here");
        long id = IDS.incrementAndGet();
        CompletableFuture<Message.Reply> reply = new CompletableFuture<>();
        WAITING.put(id, reply);
        boolean interrupted = false;
        try {
            ch.send(new Message.Call(id, objectId, op, List.of(args)));
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

    /** Called on the worker's reader thread with a reply to a call. */
    static void replied(Message.Reply reply) {
        CompletableFuture<Message.Reply> f = WAITING.get(reply.requestId());
        if (f != null) f.complete(reply);
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
        return new RemoteFailure(className + ": " + message, ErrorReport.of(className, message));
    }
}
