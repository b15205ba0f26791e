package jpool.pool;

import jpool.api.JpoolException;

/**
 * The worker running a task ended before the task did (System.exit, out of memory, killed by a signal, or
 * killed by jpool because the task ran past its timeout). Only that task fails; the pool starts a replacement.
 */
public class WorkerDied extends JpoolException {
    private final String worker;
    private final int exitCode;

    public WorkerDied(String message, String worker, int exitCode) {
        super(message, null, false);
        this.worker = worker;
        this.exitCode = exitCode;
    }

    /** Name of the worker that died, e.g. PoolWorker-3. */
    public String worker() {
        return worker;
    }

    /** Its exit code: n for System.exit(n), 3 for out of memory, -N for signal N. */
    public int exitCode() {
        return exitCode;
    }

    static String describe(int exitCode) {
        if (exitCode < 0) return "killed by signal " + (-exitCode) + (exitCode == -9 ? " (SIGKILL)" : exitCode == -15 ? " (SIGTERM)" : "");
        if (exitCode == 3) return "exit code 3 (the JVM ran out of memory, or System.exit(3))";
        return "exit code " + exitCode;
    }
}
