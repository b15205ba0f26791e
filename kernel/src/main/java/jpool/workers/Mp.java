package jpool.workers;

import java.util.List;

/**
 * Process-level facts, as Python's {@code multiprocessing} module functions: {@code Mp.cpuCount()},
 * {@code Mp.activeChildren()}, {@code Mp.current()}.
 */
public final class Mp {
    private Mp() {
    }

    /** Number of CPUs available to this JVM. */
    public static int cpuCount() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Processes started from this kernel that are still running. */
    public static List<Proc> activeChildren() {
        return Proc.active();
    }

    /** The process this code runs in: a worker's {@link Proc} (its name), or the kernel ("MainProcess"). */
    public static Proc current() {
        return Proc.current();
    }

    /**
     * The exception of the last cell that failed (Python's {@code sys.last_value}), typed as the caller needs it:
     * {@code MapFailed f = Mp.lastError(); f.results()}. Null when none has, and always in a worker.
     */
    @SuppressWarnings("unchecked")
    public static <T extends Throwable> T lastError() {
        return (T) jpool.LastCellError.get();
    }

    /**
     * Prints process lifecycle events on stderr from now on, as Python's {@code multiprocessing.log_to_stderr()}
     * with {@code logger.setLevel(logging.INFO)}: {@code [INFO/Proc-1] child process calling self.run()}, {@code [INFO/Proc-1]
     * process exiting with exitcode 0}; DEBUG adds joins, terminations and pool steps. Levels: DEBUG, INFO, WARNING, OFF.
     */
    public static void logToStderr(String level) {
        MpLog.setLevel(level);
    }

    /** {@link #logToStderr(String)} at INFO. */
    public static void logToStderr() {
        logToStderr("INFO");
    }

    /** True inside a worker JVM, false in the kernel. */
    public static boolean inWorker() {
        return WorkerIdentity.isWorker();
    }
}
