package jpool.eval;

/** Stands in for jpool.ExitGuard in ExitRewriteTest: records the status instead of exiting. */
public final class FakeGuard {
    static int last = -1;

    private FakeGuard() {
    }

    /** Called instead of System.exit by the rewritten test class. */
    public static void exit(int status) {
        last = status;
        throw new IllegalStateException("exit " + status);
    }

    /** Called instead of Runtime.exit by the rewritten test class. */
    public static void exit(Runtime runtime, int status) {
        last = status;
        throw new IllegalStateException("runtime exit " + status + (runtime == Runtime.getRuntime() ? "" : " (wrong receiver)"));
    }

    /** Called instead of Runtime.halt by the rewritten test class. */
    public static void halt(Runtime runtime, int status) {
        last = status;
        throw new IllegalStateException("runtime halt " + status + (runtime == Runtime.getRuntime() ? "" : " (wrong receiver)"));
    }
}
