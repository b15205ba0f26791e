package jpool.sharing;

import jpool.ipc.Serial;
import jpool.api.NotShippable;

import java.io.IOException;

/**
 * The result of an operation on a kernel object: the serialized value for the caller, and what to do if that value
 * cannot be delivered (the worker that asked has died), so that nothing is lost: a queue item goes back, a lock
 * permit is released.
 */
record Outcome(byte[] value, Runnable undo) {
    private static final byte[] NULL = encode(null);

    static final Outcome NONE = new Outcome(NULL, () -> { });

    /** A value with nothing to undo. */
    static Outcome of(Object value) {
        return new Outcome(value == null ? NULL : encode(value), () -> { });
    }

    /** Already serialized bytes (a queue item), with an undo action. */
    static Outcome raw(byte[] value, Runnable undo) {
        return new Outcome(value, undo);
    }

    static Outcome of(Object value, Runnable undo) {
        return new Outcome(encode(value), undo);
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
