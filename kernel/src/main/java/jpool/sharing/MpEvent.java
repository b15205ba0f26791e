package jpool.sharing;

import java.time.Duration;

/**
 * A flag every process can set, clear and wait for, like Python's {@code multiprocessing.Event}. The method is
 * {@code waitFor} because {@code wait} is taken by {@link Object#wait()}.
 * <pre>{@code
 * MpEvent ready = new MpEvent();
 * new Proc(() -> { ready.waitFor(); System.out.println("go"); }).start();
 * ready.set();
 * }</pre>
 */
public class MpEvent extends SharedHandle {
    private static final long serialVersionUID = 1L;

    /** A new event, not set. */
    public MpEvent() {
        super("event");
    }

    /** Sets the flag and wakes every process waiting for it. */
    public void set() {
        call("set");
    }

    /** Clears the flag: later waits block until it is set again. */
    public void clear() {
        call("clear");
    }

    /** Whether the flag is set. */
    public boolean isSet() {
        return (Boolean) call("isSet");
    }

    /** Waits until the flag is set (returns at once if it is); returns true. */
    public boolean waitFor() {
        return (Boolean) call("wait", Sharing.FOREVER);
    }

    /** Waits at most {@code seconds} for the flag; true if it is set, false on timeout. */
    public boolean waitFor(double seconds) {
        return (Boolean) call("wait", Sharing.nanos(seconds));
    }

    /** Waits at most {@code timeout} for the flag; true if it is set, false on timeout. */
    public boolean waitFor(Duration timeout) {
        return (Boolean) call("wait", Sharing.nanos(timeout));
    }
}
