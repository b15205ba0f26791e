package jpool.sharing;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** The flag of an {@link MpEvent}: set wakes every waiter; waiting on a set flag returns at once. */
final class EventCore implements Core {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean set;

    @Override
    public Reply apply(String op, Args a, String caller, boolean mayWait) throws InterruptedException {
        lock.lock();
        try {
            switch (op) {
                case "set" -> {
                    set = true;
                    changed.signalAll();
                    return Reply.NONE;
                }
                case "clear" -> {
                    set = false;
                    return Reply.NONE;
                }
                case "isSet" -> {
                    return Reply.of(set);
                }
                case "wait" -> {
                    long left = a.getLong(0);
                    while (!set) {
                        if (left == 0) return Reply.of(false);
                        if (!mayWait) return null;
                        if (left < 0) changed.await();
                        else left = Math.max(0, changed.awaitNanos(left));
                    }
                    return Reply.of(true);
                }
                default -> throw new UnsupportedOperationException("event operation " + op);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String describe() {
        lock.lock();
        try {
            return (set ? "set" : "not set") + QueueCore.waiting(lock.getWaitQueueLength(changed), "");
        } finally {
            lock.unlock();
        }
    }
}
