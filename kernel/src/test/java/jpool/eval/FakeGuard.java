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
}
