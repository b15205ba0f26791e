package jpool.protocol;

/** A message that could not be read: bad signature, missing parts or broken JSON. It is logged and dropped. */
public class MalformedMessageException extends Exception {
    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
