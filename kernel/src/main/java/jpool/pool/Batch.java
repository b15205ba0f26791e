package jpool.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The inputs of one pool call and what became of each: a future per input (for ordered reading), a queue of
 * outcomes in completion order (for unordered reading) and a future for the whole call. Inputs may be added
 * while earlier ones already run (lazy {@code imap}); {@link #seal()} says no more will come.
 */
final class Batch {
    private final List<CompletableFuture<Outcome<Object>>> items = new ArrayList<>();
    final LinkedBlockingQueue<Outcome<Object>> completed = new LinkedBlockingQueue<>();
    final CompletableFuture<List<Outcome<Object>>> all = new CompletableFuture<>();
    final jpool.protocol.Cell origin;
    final String label;
    static final long PROGRESS_AFTER_MS = 1000;
    private Progress progress;
    private int done, failed;
    private boolean sealed;

    Batch(jpool.protocol.Cell origin, String label) {
        this.origin = origin;
        this.label = label;
    }

    /** Registers the next input; returns its index. */
    synchronized int add() {
        items.add(new CompletableFuture<>());
        return items.size() - 1;
    }

    synchronized int doneCount() {
        return done;
    }

    synchronized int failedCount() {
        return failed;
    }

    synchronized int size() {
        return items.size();
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
            progress = new Progress(origin, label, items.size());
            progress.update(done, failed);
        }
    }

    synchronized CompletableFuture<Outcome<Object>> item(int index) {
        return items.get(index);
    }

    void complete(Outcome<Object> o) {
        CompletableFuture<Outcome<Object>> f;
        Progress p;
        int d, fl;
        synchronized (this) {
            f = items.get(o.index());
            if (f.isDone()) return; // e.g. cancelled by an interrupt before the worker answered
            done++;
            if (!o.ok()) failed++;
            p = progress;
            d = done;
            fl = failed;
        }
        f.complete(o);
        completed.add(o);
        if (p != null) p.update(d, fl);
        maybeFinish();
    }

    synchronized boolean isDone(int index) {
        return items.get(index).isDone();
    }

    private void maybeFinish() {
        List<Outcome<Object>> outcomes;
        Progress p;
        int d, fl;
        synchronized (this) {
            if (!sealed || done < items.size() || all.isDone()) return;
            outcomes = new ArrayList<>();
            for (CompletableFuture<Outcome<Object>> f : items) outcomes.add(f.join());
            p = progress;
            d = done;
            fl = failed;
        }
        if (p != null) p.finish(d, fl);
        all.complete(outcomes);
    }
}
