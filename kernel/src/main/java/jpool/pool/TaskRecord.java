package jpool.pool;

import jpool.ipc.ErrorReport;
import jpool.shipping.ChunkTask;
import jpool.shipping.Shipment;
import jpool.shipping.ShippedFn;

import java.time.Duration;
import java.util.ArrayList;
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
    /** How it was made, to send its inputs again as a smaller task ({@link #rest}). */
    private final ShippedFn.Prepared fn;
    private final ChunkTask.Kind kind;
    int attempts;
    /**
     * How many of its inputs, from the first, its worker has reported (results sent ahead of the task's end, see
     * {@code Frame.PARTIAL}). While it runs, input {@code delivered} is the one running.
     */
    volatile int delivered;
    /** When its first input began in the worker (ms since the epoch), from its first report; 0 before. */
    long startedAt;
    /** When it began or its worker last reported finished inputs (System.nanoTime); its timeout counts from there. */
    long progressNanos;
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

    TaskRecord(Batch batch, int first, List<Object> inputs, Shipment shipment, ShippedFn.Prepared fn, ChunkTask.Kind kind) {
        this.batch = batch;
        this.first = first;
        this.inputs = inputs;
        this.shipment = shipment;
        this.fn = fn;
        this.kind = kind;
    }

    /**
     * A task of its inputs from {@code from} on, to run on another worker (its worker died or stopped early);
     * with the same notebook state, and the attempts this one made.
     */
    TaskRecord rest(int from) {
        ArrayList<Object> part = new ArrayList<>(inputs.subList(from, inputs.size()));
        TaskRecord r = new TaskRecord(batch, first + from, part, Submission.ship(new ChunkTask(fn.form(), kind, part), fn, shipment), fn, kind);
        r.attempts = attempts;
        r.noInput = noInput;
        return r;
    }

    TaskFailed taskFailed(int i, ErrorReport error) {
        return noInput ? new TaskFailed(error) : new TaskFailed(inputs.get(i), error);
    }
}
