package jpool.display;

import jpool.protocol.Cell;

/** Somewhere stream text can go: a running cell's stdout/stderr, or a finished cell's late-output display. */
public interface OutputTarget {
    void write(String stream, String text);

    /** The running cell's own streams. */
    static OutputTarget of(Cell cell) {
        return cell::write;
    }
}
