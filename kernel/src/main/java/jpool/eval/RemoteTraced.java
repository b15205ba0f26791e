package jpool.eval;

import java.util.List;

/**
 * An exception carrying stack traces from another JVM (a worker's), which a cell's error shows under the
 * exception's own line. Implemented by the failures of processes and pools; this package knows only the interface.
 */
public interface RemoteTraced {
    /**
     * One failure in a worker.
     *
     * @param inputLabel names the input it ran ("input #3"), or null when there is none to name
     * @param trace      the worker's stack trace, or null when this failure did not happen in a worker
     */
    record Trace(String inputLabel, Object input, String trace) {
    }

    /** The remote traces to show, in order. */
    List<Trace> remoteTraces();
}
