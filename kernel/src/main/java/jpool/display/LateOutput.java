package jpool.display;

import jpool.protocol.Cell;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.BooleanSupplier;

/**
 * Output that arrives after its cell finished (worker logs, async callbacks). Frontends drop stream messages for a
 * finished cell, but they do apply update_display_data to any display by id. So a cell that starts background work
 * reserves a display: when the cell's code ends with that work still going (a process alive, pool tasks of the
 * cell pending), an empty display goes out below what the cell printed (so the saved output reads in order); work
 * that ended with its cell leaves no empty output behind. Later text updates that display at most
 * {@value Throttle#UPDATES_PER_SECOND} times a second, keeping the last {@value #MAX_LINES} lines so the saved
 * notebook keeps them.
 */
public final class LateOutput implements OutputTarget {
    static final int MAX_LINES = 500;
    private static final Map<Cell, LateOutput> RESERVED = new WeakHashMap<>();

    private final Cell cell;
    private final String displayId;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final StringBuilder partial = new StringBuilder();
    private long dropped;
    private boolean dirty, shown;
    /**
     * Whether the work that reserved this display may still print: asked when the cell's code ends (and each may
     * first send what it held back, while the cell still runs).
     */
    private final List<BooleanSupplier> expecting = new ArrayList<>();
    /** The cell whose code has ended (its reserved display is out); one reserving now shows its display at once. */
    private static Cell ended;
    private final Throttle throttle = new Throttle(this::publish);

    private LateOutput(Cell cell) {
        this.cell = cell;
        this.displayId = "jpool-late-" + cell.requestId();
    }

    /**
     * Reserves the late-output display of a running cell for work that may print after the cell ended, for as
     * long as {@code stillRunning} says so (asked when the cell's code ends). Call before starting the work.
     */
    public static synchronized LateOutput reserve(Cell cell, BooleanSupplier stillRunning) {
        if (cell == null) return null;
        LateOutput late = RESERVED.get(cell);
        if (late == null && !cell.finished()) {
            late = new LateOutput(cell);
            RESERVED.put(cell, late);
        }
        if (late != null) {
            synchronized (late) {
                late.expecting.add(stillRunning);
            }
            if (cell == ended) late.show();
        }
        return late;
    }

    /**
     * The code of {@code cell} has ended and its reply is about to go out: its reserved display (if any) is shown
     * now, below the output the cell printed while it ran.
     */
    public static void cellEnded(Cell cell) {
        LateOutput late;
        synchronized (LateOutput.class) {
            ended = cell;
            late = RESERVED.get(cell);
        }
        if (late != null && late.expectsMore()) late.show();
    }

    private boolean expectsMore() {
        List<BooleanSupplier> all;
        synchronized (this) {
            all = List.copyOf(expecting);
        }
        boolean more = false;
        for (var e : all) more |= e.getAsBoolean(); // every one is asked: each may send what it held back
        return more;
    }

    /** Whether the display went out (late text can update it); else late text goes where other output goes. */
    public synchronized boolean shown() {
        return shown;
    }

    private void show() {
        synchronized (this) {
            if (shown) return;
            shown = true;
        }
        cell.display(Map.of("text/plain", ""), Map.of(), displayId);
    }

    /** The reserved display of a cell, or null when it has none. */
    public static synchronized LateOutput of(Cell cell) {
        return RESERVED.get(cell);
    }

    @Override
    public synchronized void write(String stream, String text) {
        partial.append(text);
        int nl;
        while ((nl = partial.indexOf("\n")) >= 0) {
            lines.addLast(partial.substring(0, nl + 1));
            partial.delete(0, nl + 1);
            if (lines.size() > MAX_LINES) {
                lines.removeFirst();
                dropped++;
            }
        }
        dirty = true;
        throttle.request();
    }

    private void publish() {
        String text;
        synchronized (this) {
            if (!dirty) return;
            dirty = false;
            StringBuilder sb = new StringBuilder();
            if (dropped > 0) sb.append("… ").append(dropped).append(" earlier lines not shown\n");
            lines.forEach(sb::append);
            sb.append(partial);
            text = sb.toString();
        }
        // Frontends (JupyterLab, Notebook) apply update_display_data by display id whatever its parent, but nbclient
        // (nbconvert, papermill) reads only the messages of the cell executing now: once the cell that started the
        // work finished, the update goes out under the running cell, as TaskBoard does, so the saved notebook keeps it.
        Cell target = cell;
        if (cell.finished()) {
            Cell now = CellScope.latest();
            if (now != null && !now.finished()) target = now;
        }
        target.updateDisplay(Map.of("text/plain", text), Map.of(), displayId);
    }

    /** Sends pending text now (at the end of every cell, so a join's last lines reach it, and before shutdown). */
    public static void flushAll() {
        LateOutput[] all;
        synchronized (LateOutput.class) {
            all = RESERVED.values().toArray(new LateOutput[0]);
        }
        for (LateOutput l : all) l.publish();
    }
}
