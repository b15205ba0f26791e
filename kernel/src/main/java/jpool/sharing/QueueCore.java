package jpool.sharing;

import jpool.ipc.Payload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The items of an {@link MpQueue} (or one direction of a {@link Pipe}), kept as serialized bytes: an item is
 * pickled once when put, as in Python, so later changes to the original object do not show. A lock and conditions
 * rather than a java.util.concurrent queue, because closing must wake every waiting consumer, an undelivered item
 * must go back to the head, and a joinable queue counts unfinished tasks under the same lock.
 * <p>A worker's get may take several items at once ({@code getMany}: the worker keeps the rest and serves its next
 * gets from them, see {@link Prefetch}). The queue remembers who holds such items; whenever another caller finds
 * the queue empty (or asks its size) they are recalled first, so prefetching never hides an item from anybody.
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
    /** Callers that may hold prefetched items: caller -> the latest batch they got, and whether it was recalled. */
    private final Map<String, Holder> holders = new HashMap<>();
    private long batches;
    private int takersWaiting;
    /** Sends a recall to a caller; false when it cannot be reached (it is gone, and so are its items). */
    private volatile Predicate<String> recaller = caller -> false;

    private static final class Holder {
        long batch;
        boolean asked;

        Holder(long batch) {
            this.batch = batch;
        }
    }

    /** Items in one batch at most, and bytes (a batch of big items stays small); a worker starts at FIRST_BATCH. */
    static final int MAX_BATCH = 1024;
    static final int FIRST_BATCH = 64;
    /** Fewer waiting items than this are handed out one per get. */
    static final int MIN_BACKLOG_TO_BATCH = 256;
    static final int MAX_BATCH_BYTES = 256 * 1024;
    /** How long an operation that does not wait (poll, size) waits for recalled items at most. */
    private static final long RECALL_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** @param capacity at most this many items (0 = unbounded); @param joinable counts tasks for taskDone/join */
    QueueCore(int capacity, boolean joinable) {
        this(capacity, joinable, MIN_BACKLOG_TO_BATCH);
    }

    /** @param minBacklogToBatch fewer waiting items than this go one per get (tests use small queues) */
    QueueCore(int capacity, boolean joinable, int minBacklogToBatch) {
        if (capacity < 0) throw new IllegalArgumentException("capacity must be >= 0 (0 = unbounded), not " + capacity);
        this.capacity = capacity;
        this.joinable = joinable;
        this.minBacklogToBatch = minBacklogToBatch;
    }

    private final int minBacklogToBatch;

    void recaller(Predicate<String> r) {
        recaller = r;
    }

    @Override
    public Reply apply(String op, Args a, String caller, boolean mayWait) throws InterruptedException {
        return switch (op) {
            case "put" -> put(a.raw(0), a.getLong(1), mayWait);
            case "addAll" -> addAll(a); // a worker's puts to an unbounded queue, as many as were sent in one frame
            case "get" -> take(caller, a.getLong(0), mayWait, true);
            case "poll" -> take(caller, a.getLong(0), mayWait, false);
            case "getMany" -> takeMany(caller, a.getLong(0), a.getInt(1), mayWait);
            case "prefetch" -> prefetch(caller, a.getInt(0)); // a worker's next batch, asked before it ran out
            case "giveBack" -> giveBack(caller, a);
            case "await" -> await(a.getLong(0), mayWait);
            case "size" -> size(caller, mayWait);
            case "close" -> {
                close();
                yield Reply.NONE;
            }
            case "closed" -> Reply.of(locked(() -> closed));
            case "taskDone" -> Reply.of(taskDone());
            case "join" -> join(a.getLong(0), mayWait);
            case "unfinished" -> Reply.of(locked(() -> unfinished));
            default -> throw new UnsupportedOperationException("queue operation " + op);
        };
    }

    private Reply put(byte[] item, long timeoutNanos, boolean mayWait) throws InterruptedException {
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
            return Reply.NONE;
        } finally {
            lock.unlock();
        }
    }

    private static final long FOREVER_NANOS = -1;

    /** Items put to an unbounded queue, in their order, under one lock (a closed queue takes none of them). */
    private Reply addAll(Args a) {
        if (capacity > 0) throw new IllegalStateException("addAll is for unbounded queues");
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("queue is closed");
            for (int i = 0; i < a.size(); i++) items.addLast(a.raw(i));
            if (joinable) unfinished += a.size();
            if (a.size() == 1) notEmpty.signal();
            else notEmpty.signalAll(); // several items: enough for several takers
            return Reply.NONE;
        } finally {
            lock.unlock();
        }
    }

    /** get (orThrow: timeout is NoSuchElementException) or poll (timeout gives null). */
    private Reply take(String caller, long timeoutNanos, boolean mayWait, boolean orThrow) throws InterruptedException {
        lock.lock();
        try {
            Boolean ready = untilItems(caller, timeoutNanos, mayWait, orThrow);
            if (ready == null) return null;
            if (!ready) return Reply.NONE;
            byte[] item = items.removeFirst();
            notFull.signal();
            return Reply.raw(item, () -> putBack(List.of(item)));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock, waits until an item is here (true), recalling prefetched ones first. Null when it would have to
     * wait and may not (the broker retries on a thread that may); false when the timeout passed and
     * {@code orThrow} is false (a poll); else the timeout is NoSuchElementException, a closed empty queue
     * IllegalStateException.
     */
    private Boolean untilItems(String caller, long timeoutNanos, boolean mayWait, boolean orThrow) throws InterruptedException {
        if (!haveItemsOrRecalled(caller, mayWait, timeoutNanos)) return null;
        long left = timeoutNanos;
        while (items.isEmpty()) {
            if (closed) throw new IllegalStateException("queue is closed and empty");
            if (left == 0) {
                if (!orThrow) return false;
                throw new NoSuchElementException("queue empty" + (timeoutNanos == 0 ? ""
                        : " after waiting " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 1000.0 + " s"));
            }
            if (!mayWait) return null;
            left = awaitItems(caller, left);
        }
        return true;
    }

    /**
     * A worker's get that takes up to {@code max} items when there are several: the first is the get's item, the
     * worker keeps the rest for its next gets. Its share leaves items for other takers waiting now. The value is a
     * Payload: long batch number, int count, the items.
     */
    private Reply takeMany(String caller, long timeoutNanos, int max, boolean mayWait) throws InterruptedException {
        lock.lock();
        try {
            if (untilItems(caller, timeoutNanos, mayWait, true) == null) return null;
            int n = Math.max(1, Math.min(Math.min(max, MAX_BATCH), items.size() / (takersWaiting + 1)));
            if (capacity > 0) n = 1; // a bounded queue's items stay within its capacity
            // only a real backlog is worth taking ahead: a few items (a handful of tasks and their poison pills) go
            // one at a time, so no worker holds items another could take and no recall is ever needed for them
            if (items.size() < minBacklogToBatch) n = 1;
            return batchOf(caller, n, 2);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A worker's request for its next batch, sent while it still holds items from the last one, so that the round
     * trip overlaps its use of them. Never waits and never recalls: an empty queue or a small backlog answers with
     * no items (the worker's next get that finds nothing held asks with {@code getMany}, which waits). A backlog is
     * shared with the takers waiting now, as in takeMany. Same answer as takeMany, with a count of 0 or more.
     */
    private Reply prefetch(String caller, int max) {
        lock.lock();
        try {
            int n = Math.min(Math.min(max, MAX_BATCH), items.size() / (takersWaiting + 1));
            if (capacity > 0 || items.size() < minBacklogToBatch) n = 0;
            return batchOf(caller, n, 1);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock, up to {@code n} items off the head (at least one if any, at most MAX_BATCH_BYTES unless one
     * item is bigger) as a batch for {@code caller}, who holds them from {@code heldFrom} items on until its gets
     * take them, and answers recalls for them.
     */
    private Reply batchOf(String caller, int n, int heldFrom) {
        List<byte[]> taken = new ArrayList<>(n);
        int bytes = 0;
        while (taken.size() < n && !items.isEmpty() && (taken.isEmpty() || bytes + items.peekFirst().length <= MAX_BATCH_BYTES)) {
            byte[] item = items.removeFirst();
            bytes += item.length;
            taken.add(item);
        }
        if (taken.isEmpty()) return Reply.raw(new Payload().putLong(0).putInt(0).toBytes(), () -> { });
        if (!items.isEmpty()) notEmpty.signal(); // more left for another taker
        notFull.signal();
        long batch = ++batches;
        if (taken.size() >= heldFrom) {
            Holder h = holders.get(caller);
            if (h == null) holders.put(caller, new Holder(batch));
            else {
                h.batch = batch;
                h.asked = false; // an answer to an earlier recall may not cover this batch: ask again
            }
        }
        Payload p = new Payload().putLong(batch).putInt(taken.size());
        for (byte[] item : taken) p.putBytes(item);
        return Reply.raw(p.toBytes(), () -> putBack(taken));
    }

    /**
     * Items a caller prefetched and did not take (a recall's answer, or the end of its task), back to the head in
     * their order. Arguments: none (holds nothing) or a Payload: long last batch received, int count, the items.
     */
    private Reply giveBack(String caller, Args a) {
        long batch = Long.MAX_VALUE;
        List<byte[]> back = new ArrayList<>();
        if (a.size() > 0) {
            try {
                Payload.Reader r = new Payload.Reader(a.raw(0));
                batch = r.getLong();
                for (int i = r.getInt(); i > 0; i--) back.add(r.getBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        lock.lock();
        try {
            Holder h = holders.get(caller);
            // a batch sent after the worker answered is still on its way to it: its second answer follows
            if (h != null && batch >= h.batch) holders.remove(caller);
            for (int i = back.size() - 1; i >= 0; i--) items.addFirst(back.get(i));
            notEmpty.signalAll(); // also wakes those waiting for the answer
            return Reply.NONE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock, when the queue is empty: recalls the items other callers prefetched and, if any may come
     * back, waits for the answers (at most RECALL_PATIENCE for an operation that does not wait otherwise). False
     * when that wait is needed and {@code mayWait} is false: the broker retries on a thread that may wait.
     */
    private boolean haveItemsOrRecalled(String caller, boolean mayWait, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + (timeoutNanos == 0 ? RECALL_PATIENCE_NANOS : timeoutNanos);
        while (items.isEmpty() && othersHold(caller)) {
            if (!mayWait) return false;
            askOthers(caller);
            if (items.isEmpty() && othersHold(caller)) {
                if (timeoutNanos < 0) notEmpty.await();
                else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) return true; // answers are late: the operation goes on with what is here
                    notEmpty.awaitNanos(left);
                }
            }
        }
        return true;
    }

    private boolean othersHold(String caller) {
        for (String c : holders.keySet()) if (!c.equals(caller)) return true;
        return false;
    }

    /** Sends the recalls not sent yet, outside the lock (a socket write must not block the queue). */
    private void askOthers(String caller) {
        List<String> ask = new ArrayList<>();
        holders.forEach((c, h) -> {
            if (!c.equals(caller) && !h.asked) {
                h.asked = true;
                ask.add(c);
            }
        });
        if (ask.isEmpty()) return;
        lock.unlock();
        List<String> unreachable = new ArrayList<>();
        try {
            for (String c : ask) if (!recaller.test(c)) unreachable.add(c);
        } finally {
            lock.lock();
        }
        unreachable.forEach(holders::remove); // gone, and with it what it held
    }

    /** Waits for an item (or a holder to recall); returns the time left of a timeout. */
    private long awaitItems(String caller, long left) throws InterruptedException {
        takersWaiting++;
        try {
            if (left < 0) notEmpty.await();
            else left = Math.max(0, notEmpty.awaitNanos(left));
        } finally {
            takersWaiting--;
        }
        if (items.isEmpty() && othersHold(caller)) haveItemsOrRecalled(caller, true, left);
        return left;
    }

    /** The items here, after those other callers prefetched came back (a count without them would be wrong). */
    private Reply size(String caller, boolean mayWait) throws InterruptedException {
        lock.lock();
        try {
            if (othersHold(caller)) {
                if (!mayWait) return null;
                long deadline = System.nanoTime() + RECALL_PATIENCE_NANOS;
                askOthers(caller);
                while (othersHold(caller) && deadline - System.nanoTime() > 0) {
                    notEmpty.awaitNanos(deadline - System.nanoTime());
                    askOthers(caller);
                }
            }
            return Reply.of(items.size());
        } finally {
            lock.unlock();
        }
    }

    /** Waits until an item is there (true) or the timeout passed / the queue is closed and empty (false). */
    private Reply await(long timeoutNanos, boolean mayWait) throws InterruptedException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (items.isEmpty() && !closed) {
                if (left == 0) return Reply.of(false);
                if (!mayWait) return null;
                if (left < 0) notEmpty.await();
                else left = Math.max(0, notEmpty.awaitNanos(left));
            }
            if (!items.isEmpty()) notEmpty.signal(); // we took no item: pass the wake-up on to a real taker
            return Reply.of(!items.isEmpty());
        } finally {
            lock.unlock();
        }
    }

    /** Items whose taker died before receiving them go back to the head, where they were. */
    private void putBack(List<byte[]> taken) {
        lock.lock();
        try {
            for (int i = taken.size() - 1; i >= 0; i--) items.addFirst(taken.get(i));
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A caller that died cannot answer recalls: what it prefetched and did not take is lost with it. */
    @Override
    public void callerGone(String caller) {
        lock.lock();
        try {
            if (holders.remove(caller) != null) notEmpty.signalAll();
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

    private Reply join(long timeoutNanos, boolean mayWait) throws InterruptedException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (unfinished > 0) {
                if (left == 0) return Reply.of(false);
                if (!mayWait) return null;
                if (left < 0) allDone.await();
                else left = Math.max(0, allDone.awaitNanos(left));
            }
            return Reply.of(true);
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

    private <T> T locked(Supplier<T> s) {
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
                + (holders.isEmpty() ? "" : " (and some prefetched by " + String.join(", ", holders.keySet()) + ")")
                + (capacity > 0 ? " of max " + capacity : "") + (joinable ? ", " + unfinished + " unfinished" : "")
                + (closed ? ", closed" : "") + waiting(takersWaiting, "to get") + waiting(lock.getWaitQueueLength(notFull), "to put"));
    }

    /** ", 2 waiting to get" (nothing when nobody waits). */
    static String waiting(int n, String what) {
        return n == 0 ? "" : ", " + n + " waiting" + (what.isEmpty() ? "" : " " + what);
    }
}
