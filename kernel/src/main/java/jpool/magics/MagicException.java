package jpool.magics;

/** A magic used wrongly (unknown flag, bad value); the message is shown to the user as is. */
public class MagicException extends RuntimeException {
    public MagicException(String message) {
        super(message);
    }
}
