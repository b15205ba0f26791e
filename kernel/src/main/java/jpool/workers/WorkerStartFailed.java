package jpool.workers;

import jpool.api.JpoolException;

/** A worker JVM could not be started or did not connect back; the message carries what the JVM printed. */
public class WorkerStartFailed extends JpoolException {
    public WorkerStartFailed(String message) {
        super(message);
    }
}
