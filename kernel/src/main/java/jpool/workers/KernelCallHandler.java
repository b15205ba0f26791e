package jpool.workers;

import java.util.List;

/**
 * Serves the {@link jpool.ipc.Frame#CALL} requests workers make to objects living in the kernel. Called on the
 * worker's reader thread, so it must not block: anything that waits completes later through
 * {@link WorkerHandle#reply} or {@link WorkerHandle#replyError}.
 */
public interface KernelCallHandler {
    /** A request from {@code from}; {@code requestId} 0 means the worker wants no reply. */
    void call(WorkerHandle from, long requestId, String objectId, String op, List<byte[]> args);
}
