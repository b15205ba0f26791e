package jpool.pool;

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
    private Progress progress;

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
        if (size == outcomes.length) outcomes = Arrays.copyOf(outcomes, size * 2);
        return size++;
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
     * No more inputs; completes at once when all are done already. With {@code showProgress}, a call still running
     * after {@value #PROGRESS_AFTER_MS} ms gets a progress display (quick calls stay uncluttered).
     */
    void seal(boolean showProgress) {
        synchronized (this) {
            sealed = true;
        }
        if (showProgress && origin != null) {
            CompletableFuture.delayedExecutor(PROGRESS_AFTER_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(this::showProgress);
        }
        maybeFinish();
    }

    private void showProgress() {
        synchronized (this) {
            if (all.isDone() || origin.finished() || progress != null) return;
            progress = new Progress(origin, label, size);
            progress.update(done, failed);
        }
    }

    void complete(Outcome<Object> o) {
        completeAll(List.of(o));
    }

    /** Records outcomes (an input already decided, e.g. cancelled by an interrupt, keeps its first outcome). */
    void completeAll(List<Outcome<Object>> results) {
        List<CompletableFuture<Outcome<Object>>> wake = new ArrayList<>();
        List<Outcome<Object>> woken = new ArrayList<>();
        Progress p;
        int d, fl;
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
            p = progress;
            d = done;
            fl = failed;
        }
        for (int i = 0; i < wake.size(); i++) wake.get(i).complete(woken.get(i));
        if (p != null) p.update(d, fl);
        maybeFinish();
    }

    private void maybeFinish() {
        List<Outcome<Object>> list;
        Progress p;
        int d, fl;
        synchronized (this) {
            if (!sealed || done < size || all.isDone()) return;
            list = new ArrayList<>(Arrays.asList(outcomes).subList(0, size));
            p = progress;
            d = done;
            fl = failed;
        }
        if (p != null) p.finish(d, fl);
        all.complete(list);
    }
}
