package jpool.sharing;

import jpool.ipc.Serial;
import jpool.api.NotShippable;

import java.io.IOException;

/**
 * The result of an operation on a kernel object: the serialized value for the caller, and what to do if that value
 * cannot be delivered (the worker that asked has died), so that nothing is lost: a queue item goes back, a lock
 * permit is released.
 */
record Reply(byte[] value, Runnable undo) {
    private static final byte[] NULL = encode(null);

    static final Reply NONE = new Reply(NULL, () -> { });

    /** A value with nothing to undo. */
    static Reply of(Object value) {
        return new Reply(value == null ? NULL : encode(value), () -> { });
    }

    /** Already serialized bytes (a queue item), with an undo action. */
    static Reply raw(byte[] value, Runnable undo) {
        return new Reply(value, undo);
    }

    static Reply of(Object value, Runnable undo) {
        return new Reply(encode(value), undo);
    }

    /** Serializes a value for another process; NotShippable says why it cannot travel. */
    static byte[] encode(Object value) {
        try {
            return Serial.write(value).bytes();
        } catch (IOException e) {
            throw new NotShippable("cannot share " + (value == null ? "null" : value.getClass().getName())
                    + " between processes: " + Serial.explain(e)
                    + ". Values put into shared objects must be Serializable (classes defined in cells are).");
        }
    }
}
