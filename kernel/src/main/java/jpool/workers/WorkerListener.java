package jpool.workers;

import jpool.ipc.ErrorReport;

/** Receives what one worker JVM reports. Called on that worker's reader thread, in the order the worker sent it. */
public interface WorkerListener {
    /** Output text from the worker (stream 1 = stdout, 2 = stderr), whole lines except at a flush. */
    void log(int stream, String text);

    /**
     * A task finished; {@code value} is its serialized result, {@code arrays} the big arrays that travelled beside
     * it (see {@link jpool.ipc.Serial#writeDetached}; null for none).
     */
    void result(long taskId, byte[] value, Object[] arrays);

    /**
     * Results of a running task's inputs {@code from ..}, sent before the task ends (see
     * {@link jpool.ipc.Frame#PARTIAL}); only pool chunks send them.
     */
    default void partial(long taskId, int from, byte[] value, Object[] arrays) {
    }

    /** A task threw. */
    void failed(long taskId, ErrorReport error);

    /** The worker process ended: 0 ok, n for System.exit(n), -N when killed by signal N. Always the last call. */
    void exited(int exitCode);
}
