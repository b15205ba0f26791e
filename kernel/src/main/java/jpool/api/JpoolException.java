package jpool.api;

/**
 * The base of every exception jpool throws for work that could not be done, so that one {@code catch} covers them:
 * <ul>
 * <li>the work failed where it ran: {@code RemoteFailure} and its kinds {@code TaskFailed} (a pool task threw) and
 * {@code ProcessFailed} (a process's job threw), each with the worker's stack trace;</li>
 * <li>its worker could not run it: {@code WorkerDied} (the worker ended mid-task or was killed at a timeout),
 * {@code WorkerStartFailed};</li>
 * <li>it could not travel: {@link NotShippable};</li>
 * <li>a call of many inputs had failures: {@code MapFailed}, which keeps every result;</li>
 * <li>a checkpoint cannot be opened: {@code CheckpointUnavailable}.</li>
 * </ul>
 * Cancelled tasks throw the JDK's {@code CancellationException}, and misuse (a closed pool, a bad argument) the
 * JDK's {@code IllegalStateException} or {@code IllegalArgumentException}, as elsewhere in Java.
 */
public class JpoolException extends RuntimeException {
    /** An exception with this message. */
    public JpoolException(String message) {
        super(message);
    }

    /**
     * An exception with this message whose kernel-side stack trace is not recorded: it says nothing about where the
     * work failed (a remote trace or the message does).
     */
    protected JpoolException(String message, Throwable cause, boolean withStackTrace) {
        super(message, cause, false, withStackTrace);
    }
}
