package jpool.pool;

import jpool.ipc.RemoteError;
import jpool.ipc.Serial;
import jpool.workers.Mp;
import jpool.workers.WorkerTask;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Several inputs of one pool call, run one after the other in a worker. Each input gets its own result or error,
 * so one failing input never takes the others of its chunk down.
 */
record ChunkTask(Serializable fn, Kind kind, ArrayList<Object> inputs) implements WorkerTask {
    enum Kind { CALL, FN, FN2 }

    /** At most this many inputs between two clock reads (the stride grows while reads show the same millisecond). */
    static final int MAX_CLOCK_STRIDE = 16;

    /** Two arguments of a starmap input (Map.entry() itself is not Serializable). */
    record Pair(Object a, Object b) implements Serializable {
        @Override
        public String toString() {
            return "(" + a + ", " + b + ")";
        }
    }

    /**
     * All inputs of the chunk plus where they ran, as parallel arrays (one entry per input): cheaper to serialize
     * than an object per input, which matters for maps over many small items. {@code errors[i]} is null when
     * input i succeeded, else {class, message, trace}.
     */
    record ChunkResult(String worker, long pid, Object[] values, String[][] errors, long[] starts, long[] ends)
            implements Serializable {
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Object execute() {
        Object fn;
        try {
            fn = this.fn instanceof ShippedFn s ? s.resolve() : this.fn;
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("the task's function could not be read in the worker: " + e, e);
        }
        int n = inputs.size();
        Object[] values = new Object[n];
        String[][] errors = new String[n][];
        long[] starts = new long[n], ends = new long[n];
        // an input's times bound its run. The clock (~30 ns a read on a VM, as much as a tiny input's own work) is
        // read after every input while time moves, and after every 2nd, 4th, ... 16th input while it shows the same
        // millisecond: the inputs between two reads share them as start and end. For tiny inputs that is what a
        // read per input would say anyway; a slow input among tiny ones makes its whole group show its time
        long now = System.currentTimeMillis();
        int stride = 1, groupStart = 0;
        for (int i = 0; i < n; i++) {
            Object in = inputs.get(i);
            starts[i] = now;
            try {
                Object v = switch (kind) {
                    case CALL -> ((Call) fn).call();
                    case FN -> ((Fn) fn).apply(in);
                    case FN2 -> ((Fn2) fn).apply(((Pair) in).a(), ((Pair) in).b());
                };
                values[i] = v;
            } catch (Throwable t) {
                if (t instanceof OutOfMemoryError oom) throw oom;
                RemoteError e = RemoteError.of(t);
                errors[i] = new String[]{e.className(), e.message(), e.trace()};
            }
            if (i + 1 - groupStart >= stride || i == n - 1) {
                long t = System.currentTimeMillis();
                stride = t == now ? Math.min(2 * stride, MAX_CLOCK_STRIDE) : 1;
                java.util.Arrays.fill(ends, groupStart, i + 1, t);
                groupStart = i + 1;
                now = t;
            }
        }
        // numbers, strings, small arrays: a compact encoding (JDK value types need no allow-list check)
        byte[] compact = ChunkCodec.encodeResult(values, errors, starts, ends);
        if (compact != null) return new Serial.Written(compact, java.util.Set.of(), java.util.List.of());
        ChunkResult result = new ChunkResult(Mp.current().name(), ProcessHandle.current().pid(), values, errors, starts, ends);
        try {
            // the common case: serialized once, checked against the kernel's allow-list, sent as it is
            Serial.Written w = Serial.writeDetached(result); // big arrays travel beside it, uncopied
            if (admitted(w.classNames())) return w;
        } catch (IOException whole) {
            // some value cannot be serialized: find which below
        }
        unshippable(values, errors);
        return result;
    }

    /** A result that cannot be serialized or may not travel fails only its own input: each value is tried alone. */
    private static void unshippable(Object[] values, String[][] errors) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) continue;
            String why;
            try {
                why = admitted(Serial.classNames(values[i])) ? null
                        : "its type (or a type inside it) may not be sent between the kernel and a worker";
            } catch (java.io.IOException e) {
                why = Serial.explain(e);
            }
            if (why == null) continue;
            RemoteError e = RemoteError.of("jpool.ResultNotShippable", "the result (" + values[i].getClass().getName()
                    + ") cannot be sent back to the kernel: " + why);
            errors[i] = new String[]{e.className(), e.message(), e.trace()};
            values[i] = null;
        }
    }

    /** Whether the kernel's allow-list admits every class in a serialized value (checked here, where it fails alone). */
    private static boolean admitted(java.util.Set<String> classNames) {
        var filter = jpool.workers.WorkerMain.shipFilter();
        if (filter == null) return true; // not in a worker (unit tests)
        for (String name : classNames) {
            try {
                if (!filter.allows(jpool.workers.WorkerMain.shippedClass(name))) return false;
            } catch (ClassNotFoundException e) {
                return false;
            }
        }
        return true;
    }
}
