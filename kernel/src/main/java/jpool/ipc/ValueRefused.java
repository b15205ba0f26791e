package jpool.ipc;

import java.io.InvalidClassException;

/**
 * A value refused while being read because it is over a limit of {@link ReadLimits} (time, depth, references,
 * array size), as opposed to a type that may not be sent: the reader tells the two apart, since an over-limit value
 * fails only the task that returned it, while a type refusal says what may be sent.
 */
public final class ValueRefused extends InvalidClassException {
    private static final long serialVersionUID = 1L;

    /** A refusal saying which limit the value is over ({@code why}). */
    public ValueRefused(String why) {
        super("the value was refused: " + why);
    }
}
