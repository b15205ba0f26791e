package jpool.checkpoint;

import jpool.ipc.Payload;

import java.io.IOException;
import java.util.Arrays;

/**
 * How one input's outcome is stored in a checkpoint: a status byte, then the value as {@code jpool.ipc.Serial}
 * wrote it, or the failure's class name, message and stack trace.
 */
public final class StoredOutcome {
    private static final byte OK = 0, FAILED = 1;

    private StoredOutcome() {
    }

    /** A value, serialized. */
    public static byte[] value(byte[] serialized) {
        byte[] out = new byte[serialized.length + 1];
        out[0] = OK;
        System.arraycopy(serialized, 0, out, 1, serialized.length);
        return out;
    }

    /** A failure. */
    public static byte[] failure(String className, String message, String trace) {
        byte[] body = new Payload().putString(className).putString(message).putString(trace).toBytes();
        return value(body, FAILED);
    }

    private static byte[] value(byte[] body, byte status) {
        byte[] out = value(body);
        out[0] = status;
        return out;
    }

    /** Whether a stored outcome is a failure. */
    public static boolean failed(byte[] stored) {
        return stored.length > 0 && stored[0] == FAILED;
    }

    /** The serialized value of a stored success. */
    public static byte[] valueBytes(byte[] stored) {
        return Arrays.copyOfRange(stored, 1, stored.length);
    }

    /** Class name, message and trace of a stored failure. */
    public static String[] failure(byte[] stored) throws IOException {
        Payload.Reader r = new Payload.Reader(Arrays.copyOfRange(stored, 1, stored.length));
        return new String[]{r.getString(), r.getString(), r.getString()};
    }
}
