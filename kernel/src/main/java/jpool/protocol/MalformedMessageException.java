package jpool.protocol;

/**
 * A message that could not be used: bad signature, missing parts, broken JSON, a header without a string msg_type,
 * or a request whose content lacks what its type needs. It is logged and dropped; when its header could be read
 * and it is a request, {@link #answerable()} is that request, so the kernel sends an error reply to it.
 */
public class MalformedMessageException extends Exception {
    private final transient WireMessage answerable;

    public MalformedMessageException(String message) {
        this(message, null, null);
    }

    public MalformedMessageException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /** A malformed request with a usable header (and identities): the kernel can answer it with an error reply. */
    public MalformedMessageException(String message, Throwable cause, WireMessage answerable) {
        super(message, cause);
        this.answerable = answerable;
    }

    /** The request to answer with an error reply, or null when the message cannot be answered. */
    public WireMessage answerable() {
        return answerable;
    }
}
