package jpool;

import jpool.workers.Mp;
import jpool.workers.WorkerMain;

import java.util.Objects;

/**
 * Where {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} calls in cell code go: the kernel
 * rewrites them to {@link #exit(int)}, {@link #exit(Runtime, int)} and {@link #halt(Runtime, int)} when it loads a
 * cell's classes. In the kernel the call fails with a clear message instead of killing the kernel; in a worker
 * an exit's status is announced to the kernel (so {@code System.exit(143)} is not mistaken for SIGTERM) and the
 * worker exits, and a halt halts the worker at once, as it would have without the rewrite. This replaces a
 * SecurityManager, which JDK 17 deprecates with a warning on every start.
 */
public final class ExitGuard {
    private ExitGuard() {
    }

    /** The replacement of {@code System.exit(status)} in notebook code. */
    public static void exit(int status) {
        exitAs("System.exit", status);
    }

    /** The replacement of {@code runtime.exit(status)} in notebook code: the same as {@code System.exit}. */
    public static void exit(Runtime runtime, int status) {
        Objects.requireNonNull(runtime);
        exitAs("Runtime.exit", status);
    }

    /** In a worker: tell the kernel the status, then exit; in the kernel: refuse, naming {@code call}. */
    private static void exitAs(String call, int status) {
        if (Mp.inWorker()) {
            WorkerMain.announceExit(status);
            System.exit(status);
        }
        throw blocked(call, status);
    }

    /**
     * The replacement of {@code runtime.halt(status)} in notebook code. In a worker it halts the worker (no exit
     * announcement, no shutdown hooks: the kernel sees the worker die); in the kernel it is refused.
     */
    public static void halt(Runtime runtime, int status) {
        Objects.requireNonNull(runtime);
        if (Mp.inWorker()) runtime.halt(status);
        throw blocked("Runtime.halt", status);
    }

    private static SecurityException blocked(String call, int status) {
        return new SecurityException(call + "(" + status + ") was blocked: it would end the kernel. "
                + "Use the notebook's 'Restart kernel' instead (in a worker process, " + call + " ends only that worker).");
    }
}
