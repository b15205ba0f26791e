package jpool.workers;

import java.util.Locale;

/**
 * Lifecycle logging as Python's {@code multiprocessing.log_to_stderr()} prints it: lines such as
 * {@code [INFO/Proc-1] child process calling self.run()} and {@code [INFO/Proc-1] process exiting with exitcode 0},
 * tagged with the level and the process. Turned on with {@link Mp#logToStderr(String)}; off by default. The kernel
 * writes a worker's lines on its behalf, in that worker's output stream, so they appear among what it printed.
 */
public final class MpLog {
    /** Python's logging levels that make sense here, most verbose first. */
    public enum Level { DEBUG, INFO, WARNING, OFF }

    private static volatile Level level = Level.OFF;

    private MpLog() {
    }

    static void setLevel(String name) {
        try {
            level = Level.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("log level must be one of DEBUG, INFO, WARNING, OFF, got " + name);
        }
    }

    /** Whether lines of {@code at} are printed now. */
    static boolean enabled(Level at) {
        Level now = level;
        return now != Level.OFF && at.ordinal() >= now.ordinal();
    }

    /** The line as printed: {@code [INFO/Proc-1] message}. */
    static String line(Level at, String process, String message) {
        return "[" + at + "/" + process + "] " + message;
    }

    /** Prints a kernel-side event to the cell's stderr ("MainProcess"). */
    static void main(Level at, String message) {
        if (enabled(at)) System.err.println(line(at, "MainProcess", message));
    }
}
