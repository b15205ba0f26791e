package jpool.sharing;

import java.io.Serializable;

/**
 * A two-ended connection between processes, like Python's {@code multiprocessing.Pipe()}: what one end sends the
 * other end receives, in order. Duplex by default (both ends send and receive); {@code new Pipe(false)} makes a
 * one-way pipe whose {@link #left()} end only receives and {@link #right()} end only sends, as in Python.
 * <pre>{@code
 * Pipe pipe = new Pipe();
 * PipeEnd parent = pipe.left(), child = pipe.right();
 * new Proc(() -> child.send("hello " + child.<String>recv())).start();
 * parent.send("worker");
 * parent.recv()     // "hello worker"
 * }</pre>
 */
public final class Pipe implements Serializable {
    private static final long serialVersionUID = 1L;
    private final PipeEnd left;
    private final PipeEnd right;

    /** A duplex pipe. */
    public Pipe() {
        this(true);
    }

    /** A duplex pipe, or with {@code duplex} false a one-way pipe from {@link #right()} to {@link #left()}. */
    public Pipe(boolean duplex) {
        String toLeft = Sharing.create("queue", 0, false);
        String toRight = duplex ? Sharing.create("queue", 0, false) : null;
        left = new PipeEnd(toLeft, toRight, "left");
        right = new PipeEnd(toRight, toLeft, "right");
    }

    /** The first end (Python's {@code conn1}); in a one-way pipe it only receives. */
    public PipeEnd left() {
        return left;
    }

    /** The second end (Python's {@code conn2}); in a one-way pipe it only sends. */
    public PipeEnd right() {
        return right;
    }

    @Override
    public String toString() {
        return "Pipe[" + left + " <-> " + right + "]";
    }
}
