package jpool.pool;

import jpool.monitor.TaskBoard;
import jpool.protocol.Cell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The inputs of one pool call and what became of each: outcomes by input index, a future per input for those who
 * read one at a time (apply, imap), a queue in completion order (imapUnordered), and a future for the whole call.
 * Inputs may be added while earlier ones already run (lazy {@code imap}); {@link #seal} says no more will come.
 * Per-input futures and the queue are created only when asked for, so a map over many small items stays cheap.
 */
final class Batch {
    static final long PROGRESS_AFTER_MS = 1000;
    final CompletableFuture<List<Outcome<Object>>> all = new CompletableFuture<>();
    final Cell origin;
    final String label;
    private final boolean unorderedReader;
    private final LinkedBlockingQueue<Outcome<Object>> completed;
    @SuppressWarnings("unchecked")
    private Outcome<Object>[] outcomes = new Outcome[16];
    private CompletableFuture<Outcome<Object>>[] waiting;
    private int size, done, failed;
    private boolean sealed;
    private TaskBoard board;
    private final long createdNanos = System.nanoTime();

    Batch(Cell origin, String label) {
        this(origin, label, false);
    }

    /** @param unorderedReader keep a queue of outcomes in completion order */
    Batch(Cell origin, String label, boolean unorderedReader) {
        this.origin = origin;
        this.label = label;
        this.unorderedReader = unorderedReader;
        this.completed = unorderedReader ? new LinkedBlockingQueue<>() : null;
    }

    /** Registers the next input; returns its index. */
    synchronized int add() {
        return add(1);
    }

    /** Registers the next {@code n} inputs; returns the index of the first. */
    synchronized int add(int n) {
        if (size + n > outcomes.length) outcomes = Arrays.copyOf(outcomes, Math.max(size + n, outcomes.length * 2));
        int first = size;
        size += n;
        return first;
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

    /** The outcome of input {@code index}, when it is there. */
    @SuppressWarnings("unchecked")
    synchronized CompletableFuture<Outcome<Object>> item(int index) {
        if (outcomes[index] != null) return CompletableFuture.completedFuture(outcomes[index]);
        if (waiting == null) waiting = new CompletableFuture[Math.max(16, outcomes.length)];
        if (waiting.length < outcomes.length) waiting = Arrays.copyOf(waiting, outcomes.length);
        if (waiting[index] == null) waiting[index] = new CompletableFuture<>();
        return waiting[index];
    }

    /** Outcomes in completion order (only for batches made with {@code unorderedReader}). */
    LinkedBlockingQueue<Outcome<Object>> completed() {
        return completed;
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
            CompletableFuture.delayedExecutor(PROGRESS_AFTER_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(() -> showBoard(boardOf));
        }
        maybeFinish();
    }

    private void showBoard(Pool pool) {
        TaskBoard b;
        synchronized (this) {
            if (all.isDone() || origin.finished() || board != null) return;
            String title = pool.name() + " " + label + " of " + size + (size == 1 ? " item" : " items");
            b = board = new TaskBoard(origin, title, () -> new TaskBoard.State(doneCount(), failedCount(), size(),
                    PoolBoard.rows(pool), failureLines()), createdNanos);
        }
        b.start(); // outside this batch's lock: the board's ticks read the batch under the board's lock
        if (all.isDone()) b.finish(); // the call ended while the board was being set up
    }

    /** One line per failed input so far ("#3 input: message"), for the board. */
    private synchronized List<String> failureLines() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < size && lines.size() < 20; i++) {
            Outcome<Object> o = outcomes[i];
            if (o != null && !o.ok()) lines.add("#" + i + ": " + o.error().getMessage());
        }
        if (failed > lines.size()) lines.add("… " + (failed - lines.size()) + " more");
        return lines;
    }

    void complete(Outcome<Object> o) {
        completeAll(List.of(o));
    }

    /** Records outcomes (an input already decided, e.g. cancelled by an interrupt, keeps its first outcome). */
    void completeAll(List<Outcome<Object>> results) {
        List<CompletableFuture<Outcome<Object>>> wake = new ArrayList<>();
        List<Outcome<Object>> woken = new ArrayList<>();
        synchronized (this) {
            for (Outcome<Object> o : results) {
                if (outcomes[o.index()] != null) continue;
                outcomes[o.index()] = o;
                done++;
                if (!o.ok()) failed++;
                if (waiting != null && o.index() < waiting.length && waiting[o.index()] != null) {
                    wake.add(waiting[o.index()]);
                    woken.add(o);
                }
                if (completed != null) completed.add(o);
            }
        }
        for (int i = 0; i < wake.size(); i++) wake.get(i).complete(woken.get(i));
        maybeFinish();
    }

    private void maybeFinish() {
        List<Outcome<Object>> list;
        TaskBoard b;
        synchronized (this) {
            if (!sealed || done < size || all.isDone()) return;
            list = new ArrayList<>(Arrays.asList(outcomes).subList(0, size));
            b = board;
        }
        // the board settles first: the cell waiting for this call may end right after it, and the board's final
        // state must go out while that cell still runs (nbconvert keeps only the running cell's messages)
        if (b != null) b.finish();
        all.complete(list);
    }
}
