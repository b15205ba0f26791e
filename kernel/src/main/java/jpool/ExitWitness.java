package jpool;

import jpool.log.KernelLog;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Names, in the kernel log, code in a cell that ended the kernel's JVM through a route {@link ExitGuard} and
 * {@link ReflectiveExitGuard} do not cover (such as {@code java.beans.Statement}). Run from a shutdown hook: the
 * thread that called exit is then still waiting in {@code Shutdown.exit}, with the cell's frames below it. The
 * workers need nothing from here: each exits when its stdin, a pipe from the kernel, closes.
 */
final class ExitWitness {
    private ExitWitness() {
    }

    /** Logs a cell thread that is exiting the JVM, with the cell frames that led there; silent otherwise. */
    static void report() {
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            StackTraceElement[] stack = e.getValue();
            boolean exiting = Arrays.stream(stack).anyMatch(f -> f.getClassName().equals("java.lang.Shutdown")
                    && (f.getMethodName().equals("exit") || f.getMethodName().equals("halt")));
            boolean cell = Arrays.stream(stack).anyMatch(f -> f.getClassName().startsWith("REPL."));
            if (exiting && cell) {
                String frames = Arrays.stream(stack).filter(f -> f.getClassName().startsWith("REPL."))
                        .map(StackTraceElement::toString).collect(Collectors.joining(" <- "));
                KernelLog.warn("the kernel is exiting because code in a cell ended the JVM (thread "
                        + e.getKey().getName() + ", at " + frames + "); its worker processes end with it");
            }
        }
    }
}
