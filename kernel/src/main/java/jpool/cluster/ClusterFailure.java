package jpool.cluster;

/** A cluster that cannot be used (Spark not resolvable, master unreachable, no executors): one line saying why. */
public final class ClusterFailure extends RuntimeException {
    /** A failure with its one-line reason. */
    public ClusterFailure(String message) {
        super(message);
    }
}
