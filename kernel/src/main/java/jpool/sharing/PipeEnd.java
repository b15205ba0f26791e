package jpool.sharing;

import jpool.display.Rich;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * One end of a {@link Pipe}. {@link #send} never waits; {@link #recv()} waits for the next message from the other
 * end. After the other end is closed, recv() returns what is left and then throws IllegalStateException (Python's
 * EOFError).
 */
public final class PipeEnd implements Serializable, Rich {
    private static final long serialVersionUID = 1L;
    private final String inbox;
    private final String outbox;
    private final String side;

    PipeEnd(String inbox, String outbox, String side) {
        this.inbox = inbox;
        this.outbox = outbox;
        this.side = side;
    }

    /** Sends a message (any Serializable value but null) to the other end; in a worker, without waiting (see MpQueue.put). */
    public void send(Object message) {
        if (outbox == null) throw new IllegalStateException("the " + side + " end of a one-way pipe only receives");
        Sharing.cast(outbox, "put", Objects.requireNonNull(message, "cannot send null through a pipe"), Sharing.FOREVER);
    }

    /** The next message from the other end, waiting as long as it takes. */
    @SuppressWarnings("unchecked")
    public <T> T recv() {
        return (T) receive(Sharing.FOREVER);
    }

    /** The next message, waiting at most {@code seconds}; NoSuchElementException when none came. */
    @SuppressWarnings("unchecked")
    public <T> T recv(double seconds) {
        return (T) receive(Sharing.nanos(seconds));
    }

    private Object receive(long nanos) {
        if (inbox == null) throw new IllegalStateException("the " + side + " end of a one-way pipe only sends");
        try {
            return Sharing.call(inbox, "get", nanos);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("the other end of the pipe was closed and every message has been received", e);
        }
    }

    /** Whether a message is waiting now (without taking it). */
    public boolean poll() {
        return poll(0);
    }

    /** Waits at most {@code seconds} for a message; true if one is waiting (it is not taken). */
    public boolean poll(double seconds) {
        if (inbox == null) return false;
        return (Boolean) Sharing.call(inbox, "await", Sharing.nanos(seconds));
    }

    /** Closes this end: the other end receives what was sent, then gets an exception instead of waiting. */
    public void close() {
        if (outbox != null) Sharing.call(outbox, "close");
        else if (inbox != null) Sharing.call(inbox, "close");
    }

    /** e.g. {@code PipeEnd[left: 2 items to receive]}. */
    @Override
    public String toString() {
        return "PipeEnd[" + side + ": " + state() + "]";
    }

    @Override
    public Map<String, Object> mimeBundle() {
        return SharedHandle.summary(toString(), "PipeEnd", side, state());
    }

    private String state() {
        if (inbox == null) return "sends only";
        try {
            return Sharing.call(inbox, "describe") + " to receive";
        } catch (RuntimeException e) {
            return "unavailable: " + e.getMessage();
        }
    }
}
