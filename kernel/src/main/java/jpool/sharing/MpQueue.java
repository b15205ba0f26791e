package jpool.sharing;

import jpool.workers.KernelLink;

import java.time.Duration;
import java.util.NoSuchElementException;

/**
 * A FIFO queue shared by the kernel and every worker, like Python's {@code multiprocessing.Queue}:
 * <pre>{@code
 * MpQueue<Point> q = new MpQueue<>();
 * new Proc(() -> q.put(new Point(1, 2))).start();
 * q.get()            // Point[x=1, y=2], in the kernel
 * }</pre>
 * Items may be any Serializable value, including instances of classes defined in cells; each is copied when put
 * (later changes to the original do not show). {@code null} is an item too, as Python's {@code None} (a poison
 * pill: {@code q.put(null)}); {@link #poll()} also answers null when the queue is empty, {@link #getNow()} tells them apart.
 * The queue itself lives in the kernel until {@link #dispose()} or the kernel ends.
 * <p>In a worker, {@link #get()} takes up to 64 waiting items in one call to the kernel and serves the next gets
 * from them (so a busy queue costs one round trip per batch, not per item), asking for the next batch (up to 1,024
 * items while the backlog lasts) when half of one is used; another process that finds the queue
 * empty, or asks its {@link #size()}, gets them back first, and whatever a task has not taken goes back when it
 * ends. If a worker dies while waiting in {@link #get()}, the item the kernel took for it goes back to the head of
 * the queue. Only items already written to a worker that is killed (SIGKILL) before taking them are lost — at
 * most two batches — as items in a pipe are with Python's queues.
 */
public class MpQueue<T> extends SharedHandle {
    private static final long serialVersionUID = 1L;
    private final boolean bounded;

    /** An unbounded queue. */
    public MpQueue() {
        this(0, false);
    }

    /** A queue of at most {@code maxSize} items: {@link #put} waits while it is full. */
    public MpQueue(int maxSize) {
        this(maxSize, false);
    }

    MpQueue(int maxSize, boolean joinable) {
        super("queue", maxSize, joinable);
        bounded = maxSize > 0;
    }

    /**
     * Adds an item at the tail, waiting while a bounded queue is full. In the kernel, IllegalStateException once
     * closed. In a worker, a put to an unbounded queue does not wait for the kernel (like Python's feeder thread):
     * the item is serialized at once and arrives before anything this thread does with the kernel afterwards, but
     * a put to a closed queue is reported in the worker's output rather than thrown.
     */
    public void put(T item) {
        Object sent = NullItem.wrap(item);
        if (bounded) call("put", sent, Sharing.FOREVER);
        else if (KernelLink.connected()) KernelLink.castJoining(id(), "addAll", Reply.encode(sent));
        else call("put", sent, Sharing.FOREVER);
    }

    /** Adds an item, waiting at most {@code seconds} for room; IllegalStateException when still full. */
    public void put(T item, double seconds) {
        call("put", NullItem.wrap(item), Sharing.nanos(seconds));
    }

    /** Removes and returns the head item, waiting as long as it takes; IllegalStateException if closed and empty. */
    @SuppressWarnings("unchecked")
    public T get() {
        return (T) take(Sharing.FOREVER);
    }

    /** Removes and returns the head item, waiting at most {@code seconds}; NoSuchElementException when none came. */
    @SuppressWarnings("unchecked")
    public T get(double seconds) {
        return (T) take(Sharing.nanos(seconds));
    }

    /** Removes and returns the head item, waiting at most {@code timeout}; NoSuchElementException when none came. */
    @SuppressWarnings("unchecked")
    public T get(Duration timeout) {
        return (T) take(Sharing.nanos(timeout));
    }

    private Object take(long nanos) {
        return NullItem.unwrap(KernelLink.connected() ? Prefetch.get(id(), nanos) : call("get", nanos));
    }

    /** The head item removed, or null when the queue is empty right now. */
    @SuppressWarnings("unchecked")
    public T poll() {
        return poll(0);
    }

    /** The head item removed, or null when none came within {@code seconds}. */
    @SuppressWarnings("unchecked")
    public T poll(double seconds) {
        return (T) NullItem.unwrap(pollRaw(seconds));
    }

    /** The head item as the queue holds it (a null item as {@link NullItem}), or null when none came. */
    private Object pollRaw(double seconds) {
        if (KernelLink.connected()) {
            Object held = Prefetch.pollHeld(id());
            if (held != null) return held;
        }
        return call("poll", Sharing.nanos(seconds));
    }

    /** How many items are waiting (already stale when it returns if other processes use the queue). */
    public int size() {
        return (Integer) call("size") + (KernelLink.connected() ? Prefetch.heldCount(id()) : 0);
    }

    /** True when no item is waiting right now. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * No more items can be put, from any process. Items already in the queue can still be taken; after that
     * {@link #get()} throws IllegalStateException instead of waiting forever, also for consumers waiting now.
     */
    public void close() {
        call("close");
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return (Boolean) call("closed");
    }

    /** Throws NoSuchElementException when empty right now; for symmetry with {@code queue.get_nowait()}. */
    @SuppressWarnings("unchecked")
    public T getNow() {
        Object item = pollRaw(0);
        if (item == null) throw new NoSuchElementException("queue empty");
        return (T) NullItem.unwrap(item);
    }
}
