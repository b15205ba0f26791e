package jpool.pool;

import jpool.ipc.RemoteError;
import jpool.workers.RemoteFailure;

/** A pool task threw in its worker; carries the input and the remote stack trace. */
public class TaskFailed extends RemoteFailure {
    private final transient Object input;

    public TaskFailed(Object input, RemoteError error) {
        super("task failed for input " + Pool.show(input) + ": " + error.className()
                + (error.message().isEmpty() ? "" : ": " + error.message()), error);
        this.input = input;
    }

    /** The input whose task failed. */
    public Object input() {
        return input;
    }
}
