package jpool.display;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action at most {@value #UPDATES_PER_SECOND} times a second, coalescing the requests made in between:
 * how every live display (late output, progress lines, task boards) keeps the frontend from being flooded.
 * All of them share one daemon timer thread.
 */
public final class Throttle {
    /** Display updates a second, at most (the bound, and what a frontend renders smoothly). */
    public static final int UPDATES_PER_SECOND = 4;
    public static final long PERIOD_MS = 1000 / UPDATES_PER_SECOND;
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jpool-display-timer");
        t.setDaemon(true);
        return t;
    });

    private final Runnable action;
    private boolean scheduled;

    public Throttle(Runnable action) {
        this.action = action;
    }

    /** Runs the action once, {@link #PERIOD_MS} ms from now, unless a run is already due (then that one serves). */
    public synchronized void request() {
        if (scheduled) return;
        scheduled = true;
        TIMER.schedule(this::fire, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    private void fire() {
        synchronized (this) {
            scheduled = false;
        }
        action.run();
    }

    /** The shared timer, for displays that refresh on their own (a task board samples CPU between changes). */
    public static ScheduledExecutorService timer() {
        return TIMER;
    }
}
