/**
 * Worker processes: {@code Proc} and {@code Mp} (Python's {@code Process} and module functions), their failures, and
 * the kernel's and the worker JVM's sides of a worker (internals).
 */
@CellImports({"Proc", "Mp", "ProcessFailed", "RemoteFailure", "WorkerStartFailed"})
package jpool.workers;

import jpool.api.CellImports;
