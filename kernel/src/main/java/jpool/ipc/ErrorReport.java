package jpool.ipc;

import java.io.IOException;
import java.io.Serializable;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * What a worker reports about an exception it caught: class name, message and stack trace as text (an exception is
 * rebuilt from it in the kernel, see {@code RemoteFailure}). Exceptions are sent
 * as text, not serialized, so a failure can always be reported, whatever it holds.
 */
public record ErrorReport(String className, String message, String trace) implements Serializable {
    /** Describes {@code t} with its full stack trace (causes included). */
    public static ErrorReport of(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return new ErrorReport(TraceCleaner.names(t.getClass().getName()),
                t.getMessage() == null ? "" : TraceCleaner.names(t.getMessage()), TraceCleaner.clean(w.toString()));
    }

    /** A failure that has no Java exception behind it (e.g. the worker died). */
    public static ErrorReport of(String className, String message) {
        return new ErrorReport(className, message, className + ": " + message);
    }

    public byte[] toBytes(long taskId) {
        return new Payload().putLong(taskId).putString(className).putString(message).putString(trace).toBytes();
    }

    /** Reads the part after the task id. */
    public static ErrorReport read(Payload.Reader r) throws IOException {
        return new ErrorReport(r.getString(), r.getString(), r.getString());
    }
}
