package jpool.ipc;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * What a worker reports about an exception: its class name, message and stack trace as text. Exceptions are sent
 * as text, not serialized, so a failure can always be reported, whatever it holds.
 */
public record RemoteError(String className, String message, String trace) {
    /** Describes {@code t} with its full stack trace (causes included). */
    public static RemoteError of(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return new RemoteError(TraceCleaner.names(t.getClass().getName()),
                t.getMessage() == null ? "" : TraceCleaner.names(t.getMessage()), TraceCleaner.clean(w.toString()));
    }

    /** A failure that has no Java exception behind it (e.g. the worker died). */
    public static RemoteError of(String className, String message) {
        return new RemoteError(className, message, className + ": " + message);
    }

    public byte[] toBytes(long taskId) {
        return new Payload().putLong(taskId).putString(className).putString(message).putString(trace).toBytes();
    }

    /** Reads the part after the task id. */
    public static RemoteError read(Payload.Reader r) throws IOException {
        return new RemoteError(r.getString(), r.getString(), r.getString());
    }
}
