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

    /** Two arguments of a starmap input (Map.entry() itself is not Serializable). */
    record Pair(Object a, Object b) implements Serializable {
        @Override
        public String toString() {
            return "(" + a + ", " + b + ")";
        }
    }

    /**
     * One input's fate in the worker. The value is serialized on its own: one result that cannot travel (not
     * Serializable here, or refused by the kernel) fails only its own input, not every input of the chunk.
     */
    record ItemResult(byte[] value, String errorClass, String errorMessage, String errorTrace, long start, long end)
            implements Serializable {
    }

    /** All inputs of the chunk plus where they ran. */
    record ChunkResult(String worker, long pid, ArrayList<ItemResult> items) implements Serializable {
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Object execute() {
        ArrayList<ItemResult> out = new ArrayList<>(inputs.size());
        for (Object in : inputs) {
            long start = System.currentTimeMillis();
            try {
                Object v = switch (kind) {
                    case CALL -> ((Call) fn).call();
                    case FN -> ((Fn) fn).apply(in);
                    case FN2 -> ((Fn2) fn).apply(((Pair) in).a(), ((Pair) in).b());
                };
                long end = System.currentTimeMillis();
                byte[] bytes;
                try {
                    bytes = Serial.write(v).bytes();
                } catch (IOException e) {
                    RemoteError why = RemoteError.of("jpool.ResultNotShippable", "the result (" + v.getClass().getName()
                            + ") cannot be sent back to the kernel: " + Serial.explain(e));
                    out.add(new ItemResult(null, why.className(), why.message(), why.trace(), start, end));
                    continue;
                }
                out.add(new ItemResult(bytes, null, null, null, start, end));
            } catch (Throwable t) {
                if (t instanceof OutOfMemoryError oom) throw oom;
                RemoteError e = RemoteError.of(t);
                out.add(new ItemResult(null, e.className(), e.message(), e.trace(), start, System.currentTimeMillis()));
            }
        }
        return new ChunkResult(Mp.current().name(), ProcessHandle.current().pid(), out);
    }
}
