package jpool.ipc;

/** When a frame leaves for its peer: the choice between {@link FrameChannel}'s send, sendSoon and sendLater. */
public enum Delivery {
    /** Written before the call returns. */
    NOW,
    /**
     * Written soon by the channel's flusher thread, with whatever else is buffered by then: for a task queued
     * behind others in a busy worker (one write for many small tasks, none in the caller).
     */
    SOON,
    /** Left in the send buffer: the caller sends another frame for this peer right after, and it goes along. */
    LATER
}
