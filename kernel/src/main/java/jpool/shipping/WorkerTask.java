package jpool.shipping;

import java.io.Serializable;

/** Work the kernel sends to a worker JVM: runs there, and its value (if any) is shipped back. */
public interface WorkerTask extends Serializable {
    /** Runs in the worker; the value must be Serializable (or null). */
    Object execute() throws Exception;
}
