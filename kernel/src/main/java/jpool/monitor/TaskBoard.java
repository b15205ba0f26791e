package jpool.monitor;

import jpool.display.CellScope;
import jpool.display.Html;
import jpool.display.Throttle;
import jpool.protocol.Cell;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The live display of a {@code %%pool} or {@code %%process} cell, or of a long pool call made from code: progress, each worker's state, CPU and memory and
 * the tail of its log, failures, and a per-CPU utilisation panel with a timeline of the run. It is one display,
 * updated in place at most {@value Throttle#UPDATES_PER_SECOND} times a second; {@link #finish()} leaves a static final
 * summary (HTML with inline SVG and a plain-text fallback) that reads well in a saved notebook.
 */
public final class TaskBoard {
    /**
     * A worker-table cell that does not wrap: the classic Notebook's CSS sets white-space:normal on every td (so a
     * table-wide style does not reach them) and squeezed "PoolWorker-1" and "46 MB" onto two lines each.
     */
    private static final String NOWRAP = "<td style=\"white-space:nowrap\">";

    /**
     * One worker line of the board. Its CPU and memory come from {@code usage} when given (a Spark executor reads
     * its own), else from the process {@code pid} on this machine.
     */
    public record Row(String name, long pid, String state, String detail, List<String> tail, Usage usage) {
        /** A row whose CPU and memory are read from process {@code pid}. */
        public Row(String name, long pid, String state, String detail, List<String> tail) {
            this(name, pid, state, detail, tail, null);
        }
    }

    /**
     * What the board shows at one moment: {@code done} inputs finished (ok or failed), {@code failed} of them failed,
     * {@code cancelled} inputs that never finished (an interrupt), out of {@code total}.
     */
    public record State(int done, int failed, int cancelled, int total, List<Row> rows, List<String> failures) {
        /** A state without cancellations. */
        public State(int done, int failed, int total, List<Row> rows, List<String> failures) {
            this(done, failed, 0, total, rows, failures);
        }

        /** From counts where cancelled inputs are also counted as done and failed (as a pool call counts them). */
        public static State of(int decided, int failedOrCancelled, int cancelled, int total, List<Row> rows, List<String> failures) {
            return new State(decided - cancelled, failedOrCancelled - cancelled, cancelled, total, rows, failures);
        }
    }

    private final Cell cell;
    private volatile String title;
    private final Supplier<State> source;
    private String displayId = newDisplayId();
    private boolean reserved;
    private final CpuTimeline cpu = CpuSampler.available() ? new CpuTimeline() : null;
    private final long start;
    /** Per worker (its process, or its own readings' source): the first reading the board saw, for its CPU% over the run. */
    private final Map<String, Usage> firstCpu = new HashMap<>();
    private volatile String linkLabel, linkUrl;
    private ScheduledFuture<?> ticking;
    private boolean finished;
    private Map<String, Object> finalBundle;
    private boolean finalDelivered;

    public TaskBoard(Cell cell, String title, Supplier<State> source) {
        this(cell, title, source, System.nanoTime());
    }

    /** A board for work that began at {@code startNanos} ({@link System#nanoTime()}), before the board was shown. */
    public TaskBoard(Cell cell, String title, Supplier<State> source, long startNanos) {
        this.cell = cell;
        this.title = title;
        this.source = source;
        this.start = startNanos;
    }

    /** Changes the title (what the run turned out to be, once submitted); shown from the next update. */
    public TaskBoard title(String title) {
        this.title = title;
        return this;
    }

    /**
     * Adds a link under the title (the Spark UI of a cluster pool's run): an {@code <a href>} in the HTML, the
     * address itself in the plain text, so that a terminal or a saved notebook read as text still shows it.
     */
    public TaskBoard link(String label, String url) {
        this.linkLabel = label;
        this.linkUrl = url;
        return this;
    }

    private static String newDisplayId() {
        return "jpool-board-" + UUID.randomUUID();
    }

    /**
     * Holds a board's place in {@code cell}'s output before the board is due (an empty display), so that a board
     * shown later in {@link #into} that place appears above the output printed meanwhile. Returns the place's id.
     */
    public static String reserve(Cell cell) {
        String id = newDisplayId();
        cell.display(Map.of("text/plain", ""), Map.of(), id);
        return id;
    }

    /** Shows this board in the place {@link #reserve} held (before {@link #start()}). */
    public synchronized TaskBoard into(String reservedDisplayId) {
        displayId = reservedDisplayId;
        reserved = true;
        return this;
    }

    /** Shows the board and keeps it updated until {@link #finish()}. */
    public synchronized TaskBoard start() {
        if (cell != null && reserved) publish(render(false));
        else if (cell != null) cell.display(render(false), Map.of(), displayId);
        // fixed delay, not fixed rate: the ticker thread is shared by every board, and after a stall (GC, a loaded
        // machine) a fixed-rate schedule fires the missed ticks back to back, breaking the at-most-4-a-second promise
        ticking = Throttle.timer().scheduleWithFixedDelay(this::tick, Throttle.PERIOD_MS, Throttle.PERIOD_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    private void tick() {
        // rendering and publishing happen under the lock, as in finish(): published outside it, a tick that rendered
        // just before finish() could send its "running" frame after the final one, leaving the saved board running
        synchronized (this) {
            if (finished) return;
            Map<String, Object> bundle;
            try {
                bundle = render(false);
            } catch (RuntimeException e) {
                return; // a state read that raced with shutdown; the next tick tries again
            }
            publish(bundle);
        }
    }

    /** Stops updating and publishes the final summary (the last message for this display id). */
    public synchronized void finish() {
        if (finished) return;
        finished = true;
        if (ticking != null) ticking.cancel(false);
        finalBundle = render(true);
        publish(finalBundle);
    }

    /**
     * Sends the final summary again if it went out while no cell was running (a %%process that ended between
     * cells): nbconvert/nbclient only apply display updates that arrive for the cell executing at the time, so
     * %join calls this to get the final board into the saved notebook.
     */
    public synchronized void redeliverFinal() {
        if (finalBundle != null && !finalDelivered) publish(finalBundle);
    }

    /**
     * Publishes an update of the board. While the board's own cell runs it is the parent; once that cell finished
     * (a %%process running in the background) the update goes out under the cell running now, as ipykernel does
     * for background threads: frontends apply update_display_data by display id, but nbclient (nbconvert, papermill)
     * only reads messages of the executing cell, and dropped every update of a finished cell, so a background
     * process's board stayed "running" forever in the saved notebook.
     */
    private void publish(Map<String, Object> bundle) {
        if (cell == null) return;
        Cell target = cell;
        if (cell.finished()) {
            Cell now = CellScope.latest();
            if (now != null && !now.finished()) target = now;
        }
        target.updateDisplay(bundle, Map.of(), displayId);
        if (finished) finalDelivered = !target.finished();
    }

    /** The display id (tests and the notebook can refer to it). */
    public String displayId() {
        return displayId;
    }

    private Map<String, Object> render(boolean last) {
        State s = source.get();
        double elapsed = (System.nanoTime() - start) / 1e9;
        double[] busy = cpu == null ? null : cpu.sample();
        // the remaining time, guessed from the rate so far (shown while running, once something finished)
        String eta = last || s.done() == 0 || s.done() + s.cancelled() >= s.total() ? ""
                : String.format(Locale.ROOT, " · ETA %.0f s", elapsed / s.done() * (s.total() - s.done()));
        boolean cancelled = s.cancelled() > 0;
        String head = String.format(Locale.ROOT, "%s: %d/%d done%s%s · %.1f s%s%s", title, s.done(), s.total(),
                s.failed() > 0 ? " · " + s.failed() + " failed" : "", cancelled ? " · " + s.cancelled() + " cancelled" : "",
                elapsed, eta, !last ? " · running" : cancelled ? " · cancelled" : " · finished");
        StringBuilder text = new StringBuilder(head);
        // "cancelled": an interrupt stopped the run (its summary is final too, but not a finished run)
        StringBuilder html = new StringBuilder("<div class=\"jpool-board\" data-state=\"").append(!last ? "running" : cancelled ? "cancelled" : "final")
                .append("\" style=\"font-family:monospace;font-size:12px\"><div><b>").append(Html.escape(head)).append("</b></div>");
        int pct = s.total() == 0 ? 100 : (int) Math.round(100.0 * s.done() / s.total()); // cancelled ones never ran
        html.append("<div style=\"width:300px;height:10px;background:#eee;margin:4px 0\"><div style=\"width:").append(pct)
                .append("%;height:10px;background:").append(s.failed() > 0 ? "#d9534f" : "#5cb85c").append("\"></div></div>");
        String url = linkUrl;
        if (url != null) {
            html.append("<div>").append(Html.escape(linkLabel)).append(": <a href=\"").append(Html.escape(url))
                    .append("\" target=\"_blank\">").append(Html.escape(url)).append("</a></div>");
            text.append('\n').append(linkLabel).append(": ").append(url);
        }
        // memory: resident memory, or an executor's heap in use where its system does not say
        html.append("<table class=\"jpool-workers\"><tr><th>worker</th><th>pid</th><th>state</th><th>CPU</th><th>memory</th>"
                + "<th>detail</th><th>last output</th></tr>");
        for (Row r : s.rows()) {
            Usage now = r.usage() != null ? r.usage() : local(r.pid());
            String cpuPct = "", rss = "";
            if (now != null) {
                // averaged over the run so far (since the board first saw the worker): a last-instant reading
                // showed an idle worker at 39% or 71% depending on when the tick fell
                String key = r.usage() != null ? "own " + r.name() + " " + now.pid() : "pid " + r.pid();
                Usage first = firstCpu.computeIfAbsent(key, k -> now);
                if (now.atSeconds() - first.atSeconds() >= 0.05) cpuPct = String.format(Locale.ROOT, "%.0f%%", now.cpuPercentSince(first));
                rss = now.memory();
            }
            String tail = String.join(" ⏎ ", r.tail());
            html.append("<tr>").append(NOWRAP).append(Html.escape(r.name())).append("</td>").append(NOWRAP).append(r.pid())
                    .append("</td>").append(NOWRAP).append(Html.escape(r.state())).append("</td>").append(NOWRAP).append(cpuPct)
                    .append("</td>").append(NOWRAP).append(rss).append("</td>").append(NOWRAP).append(Html.escape(r.detail()))
                    .append("</td><td style=\"text-align:left\">").append(Html.escape(tail)).append("</td></tr>");
            text.append(String.format(Locale.ROOT, "%n  %-14s pid %-7d %-8s %5s %8s %s%s", r.name(), r.pid(), r.state(), cpuPct, rss,
                    r.detail(), tail.isEmpty() ? "" : " | " + tail));
        }
        html.append("</table>");
        if (!s.failures().isEmpty()) {
            html.append("<div style=\"color:#b52b27\"><b>failures</b><ul>");
            text.append("\nfailures:");
            s.failures().stream().limit(10).forEach(f -> {
                html.append("<li>").append(Html.escape(f)).append("</li>");
                text.append("\n  ").append(f);
            });
            if (s.failures().size() > 10) html.append("<li>… ").append(s.failures().size() - 10).append(" more</li>");
            html.append("</ul></div>");
        }
        if (cpu != null) {
            String title = last && cpu.average() == null ? "per-CPU utilisation: the run was too short to measure"
                    : last ? String.format(Locale.ROOT, "per-CPU utilisation over the run (average %s)", averages(cpu.average()))
                    : "per-CPU utilisation now and over the run";
            double[] bars = last ? cpu.average() : busy;
            html.append(CpuChart.svg(cpu.samples(), cpu.cpus(), title, bars));
            text.append("\n").append(bars == null ? "per-CPU utilisation: measuring" : CpuChart.text(bars));
        } else {
            html.append("<div>per-CPU utilisation: not available on this system (needs Linux /proc/stat)</div>");
            text.append("\nper-CPU utilisation: not available on this system");
        }
        html.append("</div>");
        return Map.of("text/plain", text.toString(), "text/html", html.toString());
    }

    /** A process of this machine now, from /proc (null when it is gone or there is no /proc). */
    private static Usage local(long pid) {
        double[] st = pid <= 0 ? null : ProcessStats.read(pid);
        return st == null ? null : new Usage(pid, st[0], System.nanoTime() / 1e9, (long) st[1], -1, -1);
    }

    private static String averages(double[] avg) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < avg.length; i++) sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "cpu%d %.0f%%", i, avg[i] * 100));
        return sb.toString();
    }
}
