package jpool.shipping;

import jpool.ipc.Frame;
import jpool.ipc.Message;
import jpool.ipc.FrameChannel;
import jpool.ipc.Serial;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * Worker side: the results of a running task's first inputs, sent to the kernel before the task ends
 * ({@link Frame#PARTIAL}), so that a worker dying later (a signal, {@code System.exit} in another input, running out
 * of memory) costs only the input it was running. A pool chunk reports here; the worker's exit paths ask for what
 * is finished and not yet sent.
 */
public final class TaskProgress {
    /** What a running task has finished and not yet reported. */
    public interface Unsent {
        /**
         * Reports every finished input not reported yet (through {@link #deliver}); {@code exiting}: the worker is
         * about to exit (wait longer for a report under way).
         */
        void deliverFinished(boolean exiting);

        /** Called every {@link #WATCH_EVERY_MS} ms while the task runs, on the watcher thread. */
        void watch();
    }

    /** How often the watcher looks at a running task. */
    static final long WATCH_EVERY_MS = 2;
    /** The watcher sleeps for good (until the next task) after this many looks at no task. */
    private static final int IDLE_LOOKS = 50;
    private static volatile Thread watcher;
    private static volatile boolean watcherParked;

    private static volatile FrameChannel channel;
    private static volatile long taskId;
    private static volatile Unsent unsent;

    private TaskProgress() {
    }

    /** Reports go to {@code ch} from now on (a worker's warm-up installs its own channel first, then the kernel's). */
    public static synchronized void install(FrameChannel ch) {
        channel = ch;
        if (watcher != null) return;
        Thread t = new Thread(TaskProgress::watchLoop, "jpool-task-progress");
        t.setDaemon(true);
        watcher = t;
        t.start();
    }

    /**
     * Looks at the running task every few milliseconds, so that its finished inputs are reported soon even while a
     * long input follows tiny ones. Sleeps for good while no task runs (an idle spare costs no wake-ups).
     */
    private static void watchLoop() {
        int idle = 0;
        while (true) {
            Unsent u = unsent;
            if (u == null && ++idle > IDLE_LOOKS) {
                watcherParked = true;
                if (unsent == null) LockSupport.park();
                watcherParked = false;
                idle = 0;
                continue;
            }
            LockSupport.parkNanos(WATCH_EVERY_MS * 1_000_000);
            u = unsent;
            if (u != null) {
                idle = 0;
                try {
                    u.watch();
                } catch (RuntimeException | Error e) {
                    // a report that failed now is made with the task's result
                }
            }
        }
    }

    /** Whether results can be reported ahead of a task's end: in a worker, connected to its kernel. */
    public static boolean active() {
        return channel != null;
    }

    /** The task {@code id} starts running on this thread. */
    public static void begin(long id) {
        taskId = id;
        unsent = null;
    }

    /** The running task keeps finished results that {@code u} can still send (null: none). */
    public static void unsent(Unsent u) {
        unsent = u;
        if (u != null && watcherParked) LockSupport.unpark(watcher);
    }

    /**
     * Sends the results of the running task's inputs {@code from .. from + n - 1} now (written through, not buffered:
     * the point is that they reach the kernel even if this process dies right after).
     */
    public static void deliver(int from, Serial.Written results) throws IOException {
        channel.send(new Message.Partial(taskId, from, results.bytes(), results.arrays()));
    }

    /** The worker is exiting: what the running task finished goes to the kernel first. */
    public static void deliverFinished() {
        deliverFinished(true);
    }

    /**
     * A task's output is about to go to the kernel: the inputs it finished go first, so that whoever sees a line
     * printed by an input knows the results of the inputs before it are in the kernel.
     */
    public static void beforeOutput() {
        deliverFinished(false);
    }

    private static void deliverFinished(boolean exiting) {
        Unsent u = unsent;
        if (u == null) return;
        try {
            u.deliverFinished(exiting);
        } catch (RuntimeException | Error e) {
            // those inputs are reported with the task's result, or run again if the worker dies first
        }
    }
}
