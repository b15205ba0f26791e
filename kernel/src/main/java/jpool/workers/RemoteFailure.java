package jpool.workers;

import jpool.api.JpoolException;
import jpool.eval.CellLines;
import jpool.eval.RemoteTraced;
import jpool.ipc.ErrorReport;

import java.util.List;

/**
 * An exception that happened in a worker JVM, carried back as text: the remote exception's class name, message
 * and stack trace. {@link #remoteTrace()} is the trace as the worker printed it.
 */
public class RemoteFailure extends JpoolException implements RemoteTraced {
    private final String remoteClass;
    private final String remoteMessage;
    private final String remoteTrace;

    public RemoteFailure(String message, ErrorReport error) {
        super(message, null, false); // the kernel-side stack says nothing useful; the remote trace does
        this.remoteClass = error.className();
        this.remoteMessage = error.message();
        this.remoteTrace = error.trace();
    }

    /** Class name of the exception thrown in the worker, e.g. {@code java.lang.IllegalStateException}. */
    public String remoteClass() {
        return remoteClass;
    }

    /** Message of the exception thrown in the worker. */
    public String remoteMessage() {
        return remoteMessage;
    }

    /** The worker's stack trace, causes included. */
    public String remoteTrace() {
        // resolved when read: a task may fail before the cell that defined its lambda has finished registering it
        return CellLines.pointAtCells(remoteTrace);
    }

    /** Its one remote trace. */
    @Override
    public List<Trace> remoteTraces() {
        return List.of(new Trace(null, null, remoteTrace()));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + ": " + getMessage() + "\n--- remote stack trace ---\n" + remoteTrace();
    }
}
