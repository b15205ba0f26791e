package jpool.maven;

/** A resolution that found nothing to add; the message is one line a user can act on. */
public final class ResolutionFailed extends Exception {
    /** A failure explained by {@code message}. */
    public ResolutionFailed(String message) {
        super(message);
    }
}
