package jpool.sharing;

/**
 * An {@link MpQueue} that counts unfinished tasks, like Python's {@code multiprocessing.JoinableQueue}: every put
 * adds one, every {@link #taskDone()} removes one, and {@link #join()} waits until all are done.
 * <pre>{@code
 * JoinableMpQueue<Integer> tasks = new JoinableMpQueue<>();
 * // consumers: while (true) { var t = tasks.get(); if (t < 0) { tasks.taskDone(); break; } ...; tasks.taskDone(); }
 * tasks.join();   // every task (and poison pill) has been processed
 * }</pre>
 */
public class JoinableMpQueue<T> extends MpQueue<T> {
    private static final long serialVersionUID = 1L;

    /** An unbounded joinable queue. */
    public JoinableMpQueue() {
        super(0, true);
    }

    /** A joinable queue of at most {@code maxSize} items. */
    public JoinableMpQueue(int maxSize) {
        super(maxSize, true);
    }

    /** Marks one item taken with get() as processed; IllegalStateException if called more often than items were put. */
    public void taskDone() {
        call("taskDone");
    }

    /** Waits until every item put so far has been marked done. */
    public void join() {
        call("join", Sharing.FOREVER);
    }

    /** Waits at most {@code seconds}; true when every item has been marked done. */
    public boolean join(double seconds) {
        return (Boolean) call("join", Sharing.nanos(seconds));
    }

    /** Items put and not yet marked done. */
    public long unfinished() {
        return (Long) call("unfinished");
    }
}
