package jpool;

import jpool.log.KernelLog;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Kernel-wide events other parts subscribe to: an interrupt (pools cancel their pending work), the end of a
 * cell (spare workers a pool took are replaced) and shutdown (every worker process is stopped). Listeners run in
 * registration order; one failing does not stop the others.
 */
public final class KernelEvents {
    private static final List<Runnable> ON_INTERRUPT = new CopyOnWriteArrayList<>();
    private static final List<Runnable> ON_SHUTDOWN = new CopyOnWriteArrayList<>();
    private static final List<Runnable> ON_CELL_END = new CopyOnWriteArrayList<>();
    private static volatile boolean cellRunning;
    /** When the kernel last worked (a cell ended, JShell finished starting). */
    private static volatile long lastBusy = System.nanoTime();
    /** JShell has started: until then the kernel is busy starting. */
    private static volatile boolean started;

    private KernelEvents() {
    }

    /** Runs {@code r} whenever the user interrupts the kernel. */
    public static void onInterrupt(Runnable r) {
        ON_INTERRUPT.add(r);
    }

    /** Stops running {@code r} on interrupts. */
    public static void removeInterrupt(Runnable r) {
        ON_INTERRUPT.remove(r);
    }

    /** Runs {@code r} once when the kernel shuts down or restarts. */
    public static void onShutdown(Runnable r) {
        ON_SHUTDOWN.add(r);
    }

    /** Runs {@code r} on the kernel's thread each time a cell has finished (keep it short: the reply waits). */
    public static void onCellEnd(Runnable r) {
        ON_CELL_END.add(r);
    }

    /** Whether a cell's code is running now (background work of earlier cells aside). */
    public static boolean cellRunning() {
        return cellRunning;
    }

    /** Milliseconds since the kernel last ran a cell or finished starting JShell; 0 while either goes on. */
    public static long idleMillis() {
        return cellRunning || !started ? 0 : (System.nanoTime() - lastBusy) / 1_000_000;
    }

    /** JShell has started: the kernel's own start is over (work waiting for an idle kernel counts from now). */
    public static void started() {
        lastBusy = System.nanoTime();
        started = true;
    }

    static void fireCellStart() {
        cellRunning = true;
    }

    static void fireCellEnd() {
        lastBusy = System.nanoTime();
        cellRunning = false;
        run(ON_CELL_END, "cell end");
    }

    static void fireInterrupt() {
        run(ON_INTERRUPT, "interrupt");
    }

    static void fireShutdown() {
        run(ON_SHUTDOWN, "shutdown");
        ON_SHUTDOWN.clear();
    }

    private static void run(List<Runnable> listeners, String what) {
        for (Runnable r : listeners) {
            try {
                r.run();
            } catch (RuntimeException e) {
                KernelLog.warn(what + " listener failed", e);
            }
        }
    }
}
