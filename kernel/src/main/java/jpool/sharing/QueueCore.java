package jpool.sharing;

import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The items of an {@link MpQueue} (or one direction of a {@link Pipe}), kept as serialized bytes: an item is
 * pickled once when put, as in Python, so later changes to the original object do not show. A lock and conditions
 * rather than a java.util.concurrent queue, because closing must wake every waiting consumer, an undelivered item
 * must go back to the head, and a joinable queue counts unfinished tasks under the same lock.
 */
final class QueueCore implements Core {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final Condition allDone = lock.newCondition();
    private final ArrayDeque<byte[]> items = new ArrayDeque<>();
    private final int capacity;
    private final boolean joinable;
    private long unfinished;
    private boolean closed;

    /** @param capacity at most this many items (0 = unbounded); @param joinable counts tasks for taskDone/join */
    QueueCore(int capacity, boolean joinable) {
        if (capacity < 0) throw new IllegalArgumentException("capacity must be >= 0 (0 = unbounded), not " + capacity);
        this.capacity = capacity;
        this.joinable = joinable;
    }

    @Override
    public Outcome apply(String op, Args a, String caller, boolean mayWait) throws InterruptedException {
        return switch (op) {
            case "put" -> put(a.raw(0), a.getLong(1), mayWait);
            case "get" -> take(a.getLong(0), mayWait, true);
            case "poll" -> take(a.getLong(0), mayWait, false);
            case "await" -> await(a.getLong(0), mayWait);
            case "size" -> Outcome.of(locked(items::size));
            case "close" -> {
                close();
                yield Outcome.NONE;
            }
            case "closed" -> Outcome.of(locked(() -> closed));
            case "taskDone" -> Outcome.of(taskDone());
            case "join" -> join(a.getLong(0), mayWait);
            case "unfinished" -> Outcome.of(locked(() -> unfinished));
            default -> throw new UnsupportedOperationException("queue operation " + op);
        };
    }

    private Outcome put(byte[] item, long timeoutNanos, boolean mayWait) throws InterruptedException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (!closed && capacity > 0 && items.size() >= capacity) {
                if (left == 0) throw new IllegalStateException("queue full (" + capacity + " items)");
                if (!mayWait) return null;
                if (left < 0) notFull.await();
                else left = Math.max(0, notFull.awaitNanos(left));
            }
            if (closed) throw new IllegalStateException("queue is closed");
            items.addLast(item);
            if (joinable) unfinished++;
            notEmpty.signal();
            return Outcome.NONE;
        } finally {
            lock.unlock();
        }
    }

    /** get (orThrow: timeout is NoSuchElementException) or poll (timeout gives null). */
    private Outcome take(long timeoutNanos, boolean mayWait, boolean orThrow) throws InterruptedException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (items.isEmpty()) {
                if (closed) throw new IllegalStateException("queue is closed and empty");
                if (left == 0) {
                    if (!orThrow) return Outcome.NONE;
                    throw new NoSuchElementException("queue empty" + (timeoutNanos == 0 ? ""
                            : " after waiting " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 1000.0 + " s"));
                }
                if (!mayWait) return null;
                if (left < 0) notEmpty.await();
                else left = Math.max(0, notEmpty.awaitNanos(left));
            }
            byte[] item = items.removeFirst();
            notFull.signal();
            return Outcome.raw(item, () -> putBack(item));
        } finally {
            lock.unlock();
        }
    }

    /** Waits until an item is there (true) or the timeout passed / the queue is closed and empty (false). */
    private Outcome await(long timeoutNanos, boolean mayWait) throws InterruptedException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (items.isEmpty() && !closed) {
                if (left == 0) return Outcome.of(false);
                if (!mayWait) return null;
                if (left < 0) notEmpty.await();
                else left = Math.max(0, notEmpty.awaitNanos(left));
            }
            if (!items.isEmpty()) notEmpty.signal(); // we took no item: pass the wake-up on to a real taker
            return Outcome.of(!items.isEmpty());
        } finally {
            lock.unlock();
        }
    }

    /** An item whose taker died before receiving it goes back to the head, where it was. */
    private void putBack(byte[] item) {
        lock.lock();
        try {
            items.addFirst(item);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    private boolean taskDone() {
        lock.lock();
        try {
            if (!joinable) throw new UnsupportedOperationException("taskDone() is for a JoinableMpQueue");
            if (unfinished == 0) throw new IllegalStateException("taskDone() called more times than items were put");
            if (--unfinished == 0) allDone.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private Outcome join(long timeoutNanos, boolean mayWait) throws InterruptedException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (unfinished > 0) {
                if (left == 0) return Outcome.of(false);
                if (!mayWait) return null;
                if (left < 0) allDone.await();
                else left = Math.max(0, allDone.awaitNanos(left));
            }
            return Outcome.of(true);
        } finally {
            lock.unlock();
        }
    }

    private void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void discard() {
        lock.lock();
        try {
            items.clear();
            close();
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(java.util.function.Supplier<T> s) {
        lock.lock();
        try {
            return s.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String describe() {
        return locked(() -> items.size() + (items.size() == 1 ? " item" : " items")
                + (capacity > 0 ? " of max " + capacity : "") + (joinable ? ", " + unfinished + " unfinished" : "")
                + (closed ? ", closed" : ""));
    }
}
