package jpool.pool;

import jpool.display.Html;
import jpool.display.Throttle;
import jpool.protocol.Cell;

import java.util.Map;
import java.util.UUID;

/**
 * A progress line for a pool call (done/total, failures, elapsed, ETA), shown as one display in the calling cell
 * and updated in place at most {@value Throttle#UPDATES_PER_SECOND} times a second; its last state stays in the notebook.
 */
final class Progress {
    private final Cell cell;
    private final String label;
    private final int total;
    private final String displayId = "jpool-progress-" + UUID.randomUUID();
    private final long startNanos = System.nanoTime();
    private int done, failed;
    private boolean finished;
    private final Throttle throttle = new Throttle(this::publish);

    Progress(Cell cell, String label, int total) {
        this.cell = cell;
        this.label = label;
        this.total = total;
        cell.display(bundle(), Map.of(), displayId);
    }

    synchronized void update(int done, int failed) {
        this.done = done;
        this.failed = failed;
        if (!finished) throttle.request();
    }

    /** Publishes the final state now. */
    void finish(int done, int failed) {
        synchronized (this) {
            this.done = done;
            this.failed = failed;
            finished = true;
        }
        cell.updateDisplay(bundle(), Map.of(), displayId);
    }

    private void publish() {
        synchronized (this) {
            if (finished) return;
        }
        cell.updateDisplay(bundle(), Map.of(), displayId);
    }

    private synchronized Map<String, Object> bundle() {
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        String eta = done == 0 || done >= total ? "" : String.format(" · ETA %.0f s", elapsed / done * (total - done));
        String text = String.format("%s: %d/%d done%s · %.1f s elapsed%s", label, done, total,
                failed > 0 ? " · " + failed + " failed" : "", elapsed, finished ? "" : eta);
        int pct = total == 0 ? 100 : (int) Math.round(100.0 * done / total);
        String color = failed > 0 ? "#d9534f" : "#5cb85c";
        String html = "<div style=\"font-family:monospace\"><div style=\"display:inline-block;width:200px;height:10px;"
                + "background:#eee;margin-right:8px\"><div style=\"width:" + pct + "%;height:10px;background:" + color
                + "\"></div></div>" + Html.escape(text) + "</div>";
        return Map.of("text/plain", text, "text/html", html);
    }
}
