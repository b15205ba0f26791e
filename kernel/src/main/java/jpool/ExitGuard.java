package jpool;

import jpool.workers.Mp;
import jpool.workers.WorkerMain;

/**
 * Where {@code System.exit} calls in cell code go: the kernel rewrites them to {@link #exit(int)} when it loads a
 * cell's classes. In the kernel the call fails with a clear message instead of killing the kernel; in a worker
 * the exit status is announced to the kernel (so {@code System.exit(143)} is not mistaken for SIGTERM) and the
 * worker exits. This replaces a SecurityManager, which JDK 17 deprecates with a warning on every start.
 */
public final class ExitGuard {
    private ExitGuard() {
    }

    /** The replacement of {@code System.exit(status)} in notebook code. */
    public static void exit(int status) {
        if (Mp.inWorker()) {
            WorkerMain.announceExit(status);
            System.exit(status);
        }
        throw new SecurityException("System.exit(" + status + ") was blocked: it would end the kernel. "
                + "Use the notebook's 'Restart kernel' instead (in a worker process, System.exit ends only that worker).");
    }
}
