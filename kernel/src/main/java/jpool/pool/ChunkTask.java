package jpool.pool;

import jpool.ipc.RemoteError;
import jpool.workers.Mp;
import jpool.workers.WorkerTask;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Several inputs of one pool call, run one after the other in a worker. Each input gets its own result or error,
 * so one failing input never takes the others of its chunk down.
 */
record ChunkTask(Serializable fn, Kind kind, ArrayList<Object> inputs) implements WorkerTask {
    enum Kind { CALL, FN, FN2 }

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
        int n = inputs.size();
        Object[] values = new Object[n];
        String[][] errors = new String[n][];
        long[] starts = new long[n], ends = new long[n];
        for (int i = 0; i < n; i++) {
            Object in = inputs.get(i);
            long start = System.currentTimeMillis();
            starts[i] = start;
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
            ends[i] = System.currentTimeMillis();
        }
        return new ChunkResult(Mp.current().name(), ProcessHandle.current().pid(), values, errors, starts, ends);
    }
}
