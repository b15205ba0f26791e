package jpool.pool;

import jpool.ipc.RemoteError;
import jpool.workers.Shipment;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One submitted chunk of a pool call's inputs and where it stands: sent how often, started in its worker,
 * cancelled, timed out. The pool's scheduling fields are read and written under the pool's lock.
 */
final class TaskRecord {
    private static final AtomicLong IDS = new AtomicLong();
    final long id = IDS.incrementAndGet();
    final Batch batch;
    /** The batch index of its first input; its inputs have consecutive indices. */
    final int first;
    final List<Object> inputs;
    final Shipment shipment;
    int attempts;
    /**
     * It is (or is about to be) running: first of its worker's unanswered tasks. A worker runs its tasks in the
     * order they were sent, so the pool knows this without a message per task.
     */
    volatile boolean started;
    volatile boolean cancelled;
    /** Asked back from its worker (not started there) to run on a free one; see {@code Pool.rebalance}. */
    boolean reclaimed;
    volatile Duration timedOut;

    /** An apply of a no-argument Call: its failure says "task failed", not "task failed for input null". */
    boolean noInput;

    TaskRecord(Batch batch, int first, List<Object> inputs, Shipment shipment) {
        this.batch = batch;
        this.first = first;
        this.inputs = inputs;
        this.shipment = shipment;
    }

    TaskFailed taskFailed(int i, RemoteError error) {
        return noInput ? new TaskFailed(error) : new TaskFailed(inputs.get(i), error);
    }
}
