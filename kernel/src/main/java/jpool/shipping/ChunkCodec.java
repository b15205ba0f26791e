package jpool.shipping;

import jpool.ipc.Compact;
import jpool.ipc.ErrorReport;

import java.io.StreamCorruptedException;
import java.util.ArrayList;

/**
 * The compact wire form of a {@link ChunkTask} and of its {@link ChunkTask.ChunkResult}, used when every input (or
 * every value) is a {@link Compact} value and the function is a {@link ShippedFn}: the common case of a pool over
 * numbers, strings and small arrays. Anything else travels in Java serialization as before; the first byte tells
 * the forms apart (Java serialization starts with 0xAC).
 */
public final class ChunkCodec {
    private static final byte TASK = 'C', RESULT = 'R';

    private ChunkCodec() {
    }

    /** The task's compact bytes, or null when its function or an input needs Java serialization. */
    public static byte[] encodeTask(ChunkTask task) {
        if (!(task.fn() instanceof ShippedFn fn)) return null;
        Compact.Out out = new Compact.Out(16 + 8 * task.inputs().size());
        // the function by id only: a worker is sent each function once (Frame.FUNCTION), not with every task
        out.putByte(TASK).putByte(task.kind().ordinal()).putLong(fn.id()).putInt(task.inputs().size());
        for (Object in : task.inputs()) if (!out.value(in)) return null;
        return out.toBytes();
    }

    /** Worker side: keeps a function sent ahead of the tasks that name it ({@link jpool.ipc.Frame#FUNCTION}). */
    public static void learnFunction(long id, byte[] bytes) {
        ShippedFn.learn(id, bytes);
    }

    /** Whether task bytes are in the compact form (else they are a Java-serialized WorkerTask). */
    public static boolean isTask(byte[] bytes) {
        return bytes.length > 0 && bytes[0] == TASK;
    }

    /** Worker side: the task the compact bytes stand for. */
    public static WorkerTask decodeTask(byte[] bytes) throws StreamCorruptedException {
        Compact.In in = new Compact.In(bytes, 1);
        int kind = in.getByte();
        if (kind < 0 || kind >= ChunkTask.Kind.values().length) throw new StreamCorruptedException("bad task kind " + kind);
        long fnId = in.getLong();
        int n = in.getInt();
        if (n < 0 || n > bytes.length) throw new StreamCorruptedException("bad input count " + n);
        ArrayList<Object> inputs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) inputs.add(in.value());
        return new ChunkTask(ShippedFn.known(fnId), ChunkTask.Kind.values()[kind], inputs);
    }

    /** A chunk's results in compact form, or null when a value needs Java serialization. */
    public static byte[] encodeResult(Object[] values, ErrorReport[] errors, long[] starts, long[] ends) {
        int n = values.length;
        Compact.Out out = new Compact.Out(32 + 24 * n);
        out.putByte(RESULT).putInt(n);
        for (Object v : values) if (!out.value(v)) return null;
        int failed = 0;
        for (ErrorReport e : errors) if (e != null) failed++;
        out.putInt(failed);
        for (int i = 0; i < n; i++) {
            ErrorReport e = errors[i];
            if (e == null) continue;
            out.putInt(i);
            out.value(e.className());
            out.value(e.message());
            out.value(e.trace());
        }
        // times as differences (an item of a map usually starts when the one before ended, within a millisecond):
        // ~2 bytes an item instead of 16, which was more than the values of a map over numbers
        long last = n > 0 ? starts[0] : 0;
        out.putLong(last);
        for (int i = 0; i < n; i++) {
            out.putVarLong(starts[i] - last).putVarLong(ends[i] - starts[i]);
            last = ends[i];
        }
        return out.toBytes();
    }

    public static boolean isResult(byte[] bytes) {
        return bytes.length > 0 && bytes[0] == RESULT;
    }

    /** Kernel side: the results of a chunk that ran in {@code worker} (pid {@code pid}). */
    public static ChunkTask.ChunkResult decodeResult(byte[] bytes, String worker, long pid) throws StreamCorruptedException {
        Compact.In in = new Compact.In(bytes, 1);
        int n = in.getInt();
        if (n < 0 || n > bytes.length) throw new StreamCorruptedException("bad result count " + n);
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) values[i] = in.value();
        ErrorReport[] errors = new ErrorReport[n];
        int failed = in.getInt();
        for (int k = 0; k < failed; k++) {
            int i = in.getInt();
            if (i < 0 || i >= n) throw new StreamCorruptedException("bad failed index " + i);
            errors[i] = new ErrorReport(string(in.value()), string(in.value()), string(in.value()));
        }
        long[] starts = new long[n], ends = new long[n];
        long last = in.getLong();
        for (int i = 0; i < n; i++) {
            starts[i] = last + in.getVarLong();
            last = ends[i] = starts[i] + in.getVarLong();
        }
        return new ChunkTask.ChunkResult(worker, pid, values, errors, starts, ends);
    }

    private static String string(Object v) throws StreamCorruptedException {
        if (v == null || v instanceof String) return (String) v;
        throw new StreamCorruptedException("expected a string, found " + v.getClass().getName());
    }
}
