package jpool.pool;

import jpool.ipc.ErrorReport;
import jpool.workers.RemoteFailure;

/** A pool task threw in its worker; carries the input and the remote stack trace. */
public class TaskFailed extends RemoteFailure {
    private final transient Object input;

    public TaskFailed(Object input, ErrorReport error) {
        super("task failed for input " + Pool.show(input) + ": " + error.className()
                + (error.message().isEmpty() ? "" : ": " + error.message()), error);
        this.input = input;
    }

    /** A task without input (an {@code apply} of a no-argument Call) failed. */
    TaskFailed(ErrorReport error) {
        super("task failed: " + error.className() + (error.message().isEmpty() ? "" : ": " + error.message()), error);
        this.input = null;
    }

    /** The input whose task failed (null for a task without input). */
    public Object input() {
        return input;
    }
}
