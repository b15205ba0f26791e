package jpool;

import jpool.log.KernelLog;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

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
    private static volatile boolean shutDown;
    /** How long the kernel must have run no cell before {@link #whenIdle} work runs. */
    public static final long IDLE_MILLIS = 1000;
    private static final ScheduledExecutorService IDLE_TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jpool-when-idle");
        t.setDaemon(true);
        return t;
    });

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

    /** Milliseconds since the kernel last ran a cell or finished starting JShell; 0 while either goes on. */
    static long idleMillis() {
        return cellRunning || !started ? 0 : (System.nanoTime() - lastBusy) / 1_000_000;
    }

    /**
     * Runs {@code action} once the kernel has run no cell (and finished starting JShell) for {@link #IDLE_MILLIS}:
     * for background JVM work that would otherwise share the cores with a cell. It runs on the caller's thread when
     * the kernel idles already, else on a timer thread; it is dropped once {@code stillWanted} says so or the kernel
     * shuts down.
     */
    public static void whenIdle(Runnable action, BooleanSupplier stillWanted) {
        if (shutDown || !stillWanted.getAsBoolean()) return;
        long idle = idleMillis();
        if (idle >= IDLE_MILLIS) action.run();
        else IDLE_TIMER.schedule(() -> whenIdle(action, stillWanted), IDLE_MILLIS - idle, TimeUnit.MILLISECONDS);
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
        shutDown = true;
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
