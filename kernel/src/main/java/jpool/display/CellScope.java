package jpool.display;

import jpool.protocol.Cell;

/**
 * Which cell output belongs to. A cell's thread, and every thread it starts, inherit that cell, so output from a
 * background thread lands under the cell that started it; threads with no cell fall back to the latest cell.
 */
public final class CellScope {
    private static final InheritableThreadLocal<Cell> CURRENT = new InheritableThreadLocal<>();
    private static volatile Cell latest;

    private CellScope() {
    }

    /** Makes {@code cell} the current cell of this thread (and of threads it starts from now on). */
    public static void enter(Cell cell) {
        CURRENT.set(cell);
        latest = cell;
    }

    /** Runs {@code r} on this thread with output going to {@code cell} (e.g. a pool callback), then restores. */
    public static void runAs(Cell cell, Runnable r) {
        Cell before = CURRENT.get();
        CURRENT.set(cell);
        try {
            r.run();
        } finally {
            CURRENT.set(before);
        }
    }

    /** The cell this thread writes to, or null before the first cell ran. */
    public static Cell current() {
        Cell c = CURRENT.get();
        return c != null ? c : latest;
    }

    /** The most recently started cell. */
    public static Cell latest() {
        return latest;
    }

    /**
     * Where output from this thread should go now: its own cell while that runs; once it finished, a late-output
     * display reserved in it, else the cell running now (as ipykernel does).
     */
    public static OutputTarget target() {
        return targetFor(current());
    }

    /** Where output that belongs to {@code own} should go now (see {@link #target()}); null without a cell. */
    public static OutputTarget targetFor(Cell own) {
        if (own == null) return null;
        if (!own.finished()) return OutputTarget.of(own);
        LateOutput late = LateOutput.of(own);
        if (late != null && late.shown()) return late;
        Cell now = latest;
        return OutputTarget.of(now != null && !now.finished() ? now : own);
    }
}
