package jpool.sharing;

import jpool.workers.KernelLink;

import java.time.Duration;
import java.util.concurrent.CancellationException;

/** How a handle reaches its kernel object: directly in the kernel, by a call over the worker's channel elsewhere. */
final class Sharing {
    /** "Wait as long as it takes" in the timeout argument of waiting operations. */
    static final long FOREVER = -1;

    private Sharing() {
    }

    static Object call(String id, String op, Object... args) {
        if (KernelLink.connected()) {
            byte[][] raw = new byte[args.length][];
            for (int i = 0; i < args.length; i++) raw[i] = Reply.encode(args[i]);
            return KernelLink.call(id, op, raw);
        }
        try {
            return Broker.get().local(id, op, args);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for " + id + " (" + op + ")");
        }
    }

    /**
     * Like {@link #call} for an operation that never waits and returns nothing, without waiting for the kernel in a
     * worker: a failure shows in the worker's output instead of as an exception. Later calls from the same thread
     * still happen after it.
     */
    static void cast(String id, String op, Object... args) {
        if (!KernelLink.connected()) {
            call(id, op, args);
            return;
        }
        byte[][] raw = new byte[args.length][];
        for (int i = 0; i < args.length; i++) raw[i] = Reply.encode(args[i]);
        KernelLink.cast(id, op, raw);
    }

    /** Creates a kernel object; returns its id (for "segment": the path of the shared-memory file). */
    static String create(String kind, Object... params) {
        Object[] args = new Object[params.length + 1];
        args[0] = kind;
        System.arraycopy(params, 0, args, 1, params.length);
        return (String) call("", "new", args);
    }

    /** Seconds as the nanoseconds of a timeout argument; negative counts as 0 (do not wait). */
    static long nanos(double seconds) {
        if (Double.isNaN(seconds)) throw new IllegalArgumentException("timeout is NaN");
        return seconds <= 0 ? 0 : seconds >= Long.MAX_VALUE / 1e9 ? FOREVER : (long) (seconds * 1e9);
    }

    static long nanos(Duration d) {
        return d.isNegative() ? 0 : d.toNanos();
    }
}
