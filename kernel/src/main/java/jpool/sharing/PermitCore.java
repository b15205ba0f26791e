package jpool.sharing;

import jpool.log.KernelLog;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The permits of an {@link MpSemaphore} or (one permit, bounded) an {@link MpLock}. It remembers which process
 * holds how many, so the permits of a worker that dies are given back instead of blocking everyone forever.
 * As in Python, any process may release (a lock taken in one process can be released in another).
 */
final class PermitCore implements Core {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private final Map<String, Integer> held = new LinkedHashMap<>();
    private final int initial;
    private final boolean bounded;
    private int available;

    /** @param bounded releasing more than {@code permits} is an error (always so for a lock) */
    PermitCore(int permits, boolean bounded) {
        if (permits < 0) throw new IllegalArgumentException("permits must be >= 0, not " + permits);
        this.initial = permits;
        this.bounded = bounded;
        this.available = permits;
    }

    @Override
    public Reply apply(String op, Args a, String caller, boolean mayWait) throws InterruptedException {
        return switch (op) {
            case "acquire" -> acquire(caller, a.getLong(0), mayWait);
            case "release" -> {
                release(caller);
                yield Reply.NONE;
            }
            case "available" -> {
                lock.lock();
                try {
                    yield Reply.of(available);
                } finally {
                    lock.unlock();
                }
            }
            default -> throw new UnsupportedOperationException("lock/semaphore operation " + op);
        };
    }

    private Reply acquire(String caller, long timeoutNanos, boolean mayWait) throws InterruptedException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (available == 0) {
                if (left == 0) return Reply.of(false);
                if (!mayWait) return null;
                if (left < 0) freed.await();
                else left = Math.max(0, freed.awaitNanos(left));
            }
            available--;
            held.merge(caller, 1, Integer::sum);
            return Reply.of(true, () -> release(caller)); // taker died before hearing it got the permit
        } finally {
            lock.unlock();
        }
    }

    private void release(String caller) {
        lock.lock();
        try {
            if (bounded && available >= initial)
                throw new IllegalStateException(initial == 1 ? "release of a lock that is not held" : "released more often than acquired");
            available++;
            // Count it against the releaser if it holds one, otherwise against some holder (handed-over lock).
            if (!decrement(caller)) {
                Iterator<String> it = held.keySet().iterator();
                if (it.hasNext()) decrement(it.next());
            }
            freed.signal();
        } finally {
            lock.unlock();
        }
    }

    private boolean decrement(String caller) {
        Integer n = held.get(caller);
        if (n == null) return false;
        if (n == 1) held.remove(caller);
        else held.put(caller, n - 1);
        return true;
    }

    @Override
    public void callerGone(String caller) {
        lock.lock();
        try {
            Integer n = held.remove(caller);
            if (n == null) return;
            available += n;
            freed.signalAll();
            KernelLog.info("released " + n + " permit(s) held by dead " + caller);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String describe() {
        lock.lock();
        try {
            String waiters = QueueCore.waiting(lock.getWaitQueueLength(freed), "");
            if (initial == 1 && bounded)
                return (available == 1 ? "unlocked" : "locked by " + String.join(", ", held.keySet())) + waiters;
            return available + " of " + initial + " permits free" + (held.isEmpty() ? "" : ", held by " + held) + waiters;
        } finally {
            lock.unlock();
        }
    }
}
