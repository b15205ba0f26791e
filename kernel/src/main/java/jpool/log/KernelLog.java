package jpool.log;

import java.io.PrintStream;
import java.time.LocalTime;

/**
 * The kernel's own diagnostics. They go to the process's original stderr (the Jupyter server's log), never to a
 * notebook cell, since System.out/err are redirected to cells.
 */
public final class KernelLog {
    private static final PrintStream ERR = System.err;
    private static volatile boolean debug = System.getenv("JPOOL_DEBUG") != null;

    private KernelLog() {
    }

    public static void info(String msg) {
        if (debug) ERR.println(LocalTime.now() + " [jpool] " + msg);
    }

    public static void warn(String msg) {
        ERR.println(LocalTime.now() + " [jpool] WARNING " + msg);
    }

    public static void warn(String msg, Throwable t) {
        warn(msg + ": " + t);
        if (debug) t.printStackTrace(ERR);
    }
}
