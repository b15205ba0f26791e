package jpool;

import jpool.eval.JShellEvaluator;

/**
 * The kernel-side services the user API needs (shipping cell-defined classes and variable values to workers).
 * Set once at kernel start; null inside a worker JVM, where the API runs in worker mode.
 */
public final class KernelServices {
    private static volatile JShellEvaluator evaluator;

    private KernelServices() {
    }

    static void init(JShellEvaluator e) {
        evaluator = e;
    }

    /** The cell evaluator, or null when not running inside the kernel. */
    public static JShellEvaluator evaluator() {
        return evaluator;
    }
}
