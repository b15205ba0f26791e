package jpool.pool;

import jpool.monitor.TaskBoard;
import jpool.protocol.Cell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The inputs of one pool call and what became of each: values and errors by input index, a future per input for
 * those who read one at a time (apply, imap), a queue in completion order (imapUnordered), and a future for the
 * whole call. Inputs may be added while earlier ones already run (lazy {@code imap}); {@link #seal} says no more
 * will come. Per-input futures, the queue and {@link Outcome} objects are made only when asked for: a map over
 * 20,000 small items spent more time making an Outcome per item than the workers spent running them.
 */
final class Batch {
    static final long PROGRESS_AFTER_MS = 1000;
    /** Completes with this batch once every input is decided. */
    final CompletableFuture<Batch> all = new CompletableFuture<>();
    final Cell origin;
    final String label;
    private final LinkedBlockingQueue<Outcome<Object>> completed;
    // sized by add(): exactly one slot for an apply, the call's size for a map, doubling for imap's growth
    private Object[] values = new Object[0];
    /** Made at the first failure; null while every input decided so far succeeded. */
    private RuntimeException[] errors;
    /** Which chunk decided each input (null: not decided yet); the input's place in it is its index - first. */
    private Ran[] ranIn = new Ran[0];
    private CompletableFuture<Outcome<Object>>[] waiting;
    private int size, done, failed, cancelled;
    /** Inputs of this call each worker ran (answered or failed there; not cancelled ones), by worker name. */
    private final Map<String, Integer> ranBy = new HashMap<>();
    private boolean sealed;
    private TaskBoard board;
    /** A board is due if the call runs long enough (it was sealed with a pool to show). */
    private boolean boardDue;
    /** The place held in the cell's output for the board, once the call's tasks printed before it was shown. */
    private String boardPlace;
    private final long createdNanos = System.nanoTime();
    /** Told every outcome workers report, before the call's readers are (a checkpoint stores them); may be null. */
    volatile Sink sink;
    /** Added to the title of the call's task board (where a checkpoint's inputs came from); may be null. */
    volatile String boardNote;

    /** Receives outcomes as they are reported: {@code values[i]} or {@code errors[i]} is input {@code first + i}'s. */
    interface Sink {
        void reported(int first, int n, Object[] values, RuntimeException[] errors);
    }

    /**
     * A chunk's inputs and where and when each ran (worker null, times null: it never ran, e.g. cancelled).
     * @param first  the batch index of the chunk's first input (its inputs have consecutive indices)
     * @param inputs the chunk's inputs, in the order of its places
     */
    record Ran(int first, List<Object> inputs, String worker, long pid, long[] starts, long[] ends) {
    }

    Batch(Cell origin, String label) {
        this(origin, label, false);
    }

    /** @param unorderedReader keep a queue of outcomes in completion order */
    Batch(Cell origin, String label, boolean unorderedReader) {
        this.origin = origin;
        this.label = label;
        this.completed = unorderedReader ? new LinkedBlockingQueue<>() : null;
    }

    /** Registers the next input; returns its index. */
    synchronized int add() {
        return add(1);
    }

    /** Registers the next {@code n} inputs; returns the index of the first. */
    synchronized int add(int n) {
        if (size + n > values.length) reserve(Math.max(size + n, values.length * 2));
        int first = size;
        size += n;
        return first;
    }

    /** Makes room for {@code capacity} inputs in all (a map knows its size before adding its chunks). */
    synchronized void reserve(int capacity) {
        if (capacity <= values.length) return;
        values = Arrays.copyOf(values, capacity);
        ranIn = Arrays.copyOf(ranIn, capacity);
        if (errors != null) errors = Arrays.copyOf(errors, capacity);
    }

    synchronized int size() {
        return size;
    }

    synchronized int doneCount() {
        return done;
    }

    synchronized int failedCount() {
        return failed;
    }

    /** How many inputs were cancelled (an interrupt, a terminate); they count as failed too. */
    synchronized int cancelledCount() {
        return cancelled;
    }

    /** How many of this call's inputs {@code worker} ran so far. */
    synchronized int ranBy(String worker) {
        return ranBy.getOrDefault(worker, 0);
    }

    /** The outcome of input {@code index}, when it is there. */
    @SuppressWarnings("unchecked")
    synchronized CompletableFuture<Outcome<Object>> item(int index) {
        if (ranIn[index] != null) return CompletableFuture.completedFuture(outcome(index));
        if (waiting == null) waiting = new CompletableFuture[values.length];
        if (waiting.length < values.length) waiting = Arrays.copyOf(waiting, values.length);
        if (waiting[index] == null) waiting[index] = new CompletableFuture<>();
        return waiting[index];
    }

    /** Outcomes in completion order (only for batches made with {@code unorderedReader}). */
    LinkedBlockingQueue<Outcome<Object>> completed() {
        return completed;
    }

    /** Input {@code index}'s outcome (it is decided). Guarded by this batch's lock. */
    private Outcome<Object> outcome(int index) {
        Ran r = ranIn[index];
        int at = index - r.first();
        return new Outcome<>(index, r.inputs().get(at), values[index], errors == null ? null : errors[index], r.worker(),
                r.pid(), r.starts() == null ? 0 : r.starts()[at], r.ends() == null ? 0 : r.ends()[at]);
    }

    /** Every input's outcome, in input order (once all are decided). */
    synchronized List<Outcome<Object>> outcomes() {
        List<Outcome<Object>> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) list.add(outcome(i));
        return list;
    }

    /** Every input's value in input order (once all are decided); {@link MapFailed} when any input failed. */
    List<Object> valuesOrThrow() {
        synchronized (this) {
            // a copy of the array, not of a subList (which is copied through an iterator, an input at a time)
            if (failed == 0) return new ArrayList<>(Arrays.asList(size == values.length ? values : Arrays.copyOf(values, size)));
        }
        throw new MapFailed(outcomes());
    }

    /**
     * No more inputs; completes at once when all are done already. With a {@code boardOf} pool, a call still running
     * after {@value #PROGRESS_AFTER_MS} ms gets a live task board in its cell (progress, ETA, that pool's workers
     * and their last output, failures, CPU); quick calls stay uncluttered.
     */
    void seal(Pool boardOf) {
        synchronized (this) {
            sealed = true;
        }
        if (boardOf != null && origin != null) {
            synchronized (this) {
                boardDue = true;
            }
            CompletableFuture.delayedExecutor(PROGRESS_AFTER_MS, TimeUnit.MILLISECONDS)
                    .execute(() -> showBoard(boardOf));
        }
        maybeFinish();
    }

    private void showBoard(Pool pool) {
        TaskBoard b;
        synchronized (this) {
            if (all.isDone() || origin.finished() || board != null) return;
            String title = pool.name() + " " + label + " of " + size + (size == 1 ? " item" : " items")
                    + (boardNote == null ? "" : " " + boardNote);
            PoolBoard rows = new PoolBoard(pool, this);
            b = board = new TaskBoard(origin, title, () -> TaskBoard.State.of(doneCount(), failedCount(), cancelledCount(),
                    size(), rows.rows(), failureLines()), createdNanos);
            if (boardPlace != null) b.into(boardPlace);
            String ui = pool.clusterUi();
            if (ui != null) b.link("Spark UI", ui);
        }
        b.start(); // outside this batch's lock: the board's ticks read the batch under the board's lock
        if (all.isDone()) b.finish(); // the call ended while the board was being set up
    }

    /**
     * A task of this call is about to print: while its board is due but not shown yet, hold the board's place in
     * the cell above that output (a chatty call would otherwise bury the board under its first second of lines).
     */
    void beforeOutput() {
        synchronized (this) {
            if (!boardDue || board != null || boardPlace != null || all.isDone() || origin.finished()) return;
            boardPlace = TaskBoard.reserve(origin);
        }
    }

    /** One line per failed input so far ("#3 input: message"), for the board. */
    private synchronized List<String> failureLines() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < size && lines.size() < 20 && errors != null; i++) {
            if (errors[i] != null && !(errors[i] instanceof CancellationException))
                lines.add("#" + i + ": " + errors[i].getMessage());
        }
        if (failed - cancelled > lines.size()) lines.add("… " + (failed - cancelled - lines.size()) + " more");
        return lines;
    }

    /**
     * Records what a chunk's inputs came to: {@code values[i]} or {@code errors[i]} (null for none) for the chunk's
     * place i, which is input {@code ran.first() + i}. An input already decided (e.g. cancelled by an interrupt)
     * keeps its first outcome.
     */
    void complete(Ran ran, Object[] values, RuntimeException[] errors) {
        int first = ran.first(), n = ran.inputs().size();
        Sink s = sink;
        if (s != null) s.reported(first, n, values, errors);
        List<CompletableFuture<Outcome<Object>>> wake = null;
        List<Outcome<Object>> woken = null;
        synchronized (this) {
            boolean undecided = true;
            for (int i = first; i < first + n && undecided; i++) undecided = ranIn[i] == null;
            if (undecided && errors == null && waiting == null && completed == null) {
                // a map's chunk that went well, read by nobody one input at a time: copied in whole (per input
                // bookkeeping was a third of the kernel's time in a map of 20,000 tiny items)
                if (values != null) System.arraycopy(values, 0, this.values, first, n);
                Arrays.fill(ranIn, first, first + n, ran);
                done += n;
                if (ran.worker() != null) ranBy.merge(ran.worker(), n, Integer::sum);
            } else {
                for (int i = 0; i < n; i++) {
                    int index = first + i;
                    if (ranIn[index] != null) continue;
                    ranIn[index] = ran;
                    if (values != null) this.values[index] = values[i];
                    RuntimeException e = errors == null ? null : errors[i];
                    if (e != null) {
                        if (this.errors == null) this.errors = new RuntimeException[this.values.length];
                        this.errors[index] = e;
                        failed++;
                    }
                    if (e instanceof CancellationException) cancelled++;
                    else if (ran.worker() != null) ranBy.merge(ran.worker(), 1, Integer::sum);
                    done++;
                    boolean waited = waiting != null && index < waiting.length && waiting[index] != null;
                    if (waited || completed != null) {
                        Outcome<Object> o = outcome(index);
                        if (completed != null) completed.add(o);
                        if (waited) {
                            if (wake == null) {
                                wake = new ArrayList<>();
                                woken = new ArrayList<>();
                            }
                            wake.add(waiting[index]);
                            woken.add(o);
                        }
                    }
                }
            }
        }
        if (wake != null) for (int i = 0; i < wake.size(); i++) wake.get(i).complete(woken.get(i));
        maybeFinish();
    }

    private void maybeFinish() {
        TaskBoard b;
        synchronized (this) {
            if (!sealed || done < size || all.isDone()) return;
            b = board;
        }
        // the board settles first: the cell waiting for this call may end right after it, and the board's final
        // state must go out while that cell still runs (nbconvert keeps only the running cell's messages)
        if (b != null) b.finish();
        all.complete(this);
    }
}
