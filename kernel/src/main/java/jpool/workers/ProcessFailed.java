package jpool.workers;

import jpool.ipc.ErrorReport;

/** Why a {@link Proc} failed: the exception its {@code run()} threw in the worker, with the remote stack trace. */
public class ProcessFailed extends RemoteFailure {
    public ProcessFailed(String processName, ErrorReport error) {
        super(processName + " failed: " + error.className() + (error.message().isEmpty() ? "" : ": " + error.message()), error);
    }
}
