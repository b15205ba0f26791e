package jpool.sharing;

import jpool.ipc.Payload;
import jpool.workers.KernelLink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In a worker, the queue items its gets received ahead of use. A get that finds none here asks the kernel for a batch
 * in one round trip ({@code getMany}, which waits for items) and keeps all but the first, so a consumer of a busy
 * queue pays one round trip per batch instead of per item. Once half of a batch is used, the next one is asked for
 * ({@code prefetch}, which answers at once, with no items when there is no backlog), so that its round trip overlaps
 * the use of the other half; a batch that came back full makes the next one twice as big, up to
 * {@link QueueCore#MAX_BATCH}, and a short one halves it (down to {@link QueueCore#FIRST_BATCH}).
 * <p>Prefetched items still belong to the queue: the kernel recalls them ({@link jpool.ipc.Frame#RECALL}, answered
 * on this worker's reader thread, whatever its task is doing) as soon as another process finds the queue empty or
 * asks its size, and they go back when the task ends, the process exits or gets SIGTERM (after the batch on its way,
 * if any, came in). Only a worker killed outright (SIGKILL, a crash) loses what it had prefetched and not taken yet.
 */
final class Prefetch implements KernelLink.Holder {
    private static final Prefetch INSTANCE = new Prefetch();
    private static volatile boolean installed;
    /** How long giving back waits for a batch on its way: the kernel answers a prefetch at once, unless it is gone. */
    private static final long LANDING_PATIENCE_MS = 5_000;

    /** One queue's items here. */
    private static final class Held {
        final ArrayDeque<byte[]> items = new ArrayDeque<>();
        /** The latest batch number received; gets asking the kernel now (a prefetch on its way counts); a recall came while they did. */
        long batch;
        int asking;
        boolean recallWanted;
        /** A prefetch is on its way; the size of the next batch asked for; prefetch when a get leaves this many (-1: don't). */
        boolean inFlight;
        int want = QueueCore.FIRST_BATCH;
        int lowMark = -1;
    }

    private final Map<String, Held> held = new ConcurrentHashMap<>();

    private Prefetch() {
    }

    /** The next item of queue {@code id} for a worker's get: one held here, else a batch from the kernel. */
    static Object get(String id, long timeoutNanos) {
        if (!installed) {
            synchronized (Prefetch.class) {
                if (!installed) KernelLink.holder(INSTANCE);
                installed = true;
            }
        }
        return KernelLink.decode(INSTANCE.take(id, timeoutNanos));
    }

    /** How many items of queue {@code id} are held here (for size(); a batch on its way lands before size's answer). */
    static int heldCount(String id) {
        Held h = INSTANCE.held.get(id);
        if (h == null) return 0;
        synchronized (h) {
            return h.items.size();
        }
    }

    /** An item held here (or on its way), removed (a poll), or null. */
    static Object pollHeld(String id) {
        Held h = INSTANCE.held.get(id);
        if (h == null) return null;
        byte[] item;
        synchronized (h) {
            while ((item = h.items.pollFirst()) == null && h.inFlight) awaitLanding(h, 0);
        }
        return item == null ? null : KernelLink.decode(item);
    }

    private byte[] take(String id, long timeoutNanos) {
        Held h = held.computeIfAbsent(id, k -> new Held());
        int want;
        synchronized (h) {
            byte[] item;
            while ((item = h.items.pollFirst()) == null && h.inFlight) awaitLanding(h, 0);
            if (item != null) {
                if (h.items.size() <= h.lowMark && !h.inFlight) askAhead(id, h);
                return item;
            }
            h.asking++;
            want = h.want;
        }
        byte[] reply = null;
        try {
            reply = KernelLink.callRaw(id, "getMany", Reply.encode(timeoutNanos), Reply.encode(want));
            Payload.Reader r = new Payload.Reader(reply);
            long batch = r.getLong();
            int n = r.getInt();
            byte[] first = r.getBytes();
            synchronized (h) {
                for (int i = 1; i < n; i++) h.items.addLast(r.getBytes());
                h.batch = Math.max(h.batch, batch);
                adapt(h, n);
                h.lowMark = n > 1 ? h.items.size() / 2 : -1;
            }
            return first;
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable items from the kernel: " + e.getMessage(), e);
        } finally {
            List<byte[]> back = null;
            long batch = 0;
            synchronized (h) {
                if (--h.asking == 0 && h.recallWanted) {
                    h.recallWanted = false;
                    back = drain(h);
                    batch = h.batch;
                }
            }
            if (back != null) giveBack(id, back, batch, false);
        }
    }

    /** Under h's lock: sends the request for the next batch; its answer lands on the reader thread. */
    private void askAhead(String id, Held h) {
        h.inFlight = true;
        h.asking++;
        h.lowMark = -1;
        try {
            KernelLink.callAsync(id, "prefetch", (value, failure) -> landed(id, h, value), Reply.encode(h.want));
        } catch (RuntimeException e) {
            h.inFlight = false;
            h.asking--;
            throw e;
        }
    }

    /**
     * On the reader thread: a prefetch's answer (null when it failed, as for a disposed queue: the next get that
     * asks the kernel reports it). Its items join the tail; if a recall came meanwhile, they go back at once.
     */
    private void landed(String id, Held h, byte[] value) {
        List<byte[]> got = new ArrayList<>();
        long batch = 0;
        if (value != null) {
            try {
                Payload.Reader r = new Payload.Reader(value);
                batch = r.getLong();
                for (int n = r.getInt(); n > 0; n--) got.add(r.getBytes());
            } catch (IOException e) {
                got.clear(); // not from our kernel; the items, if any, are lost as with a broken channel
            }
        }
        List<byte[]> back = null;
        synchronized (h) {
            h.items.addAll(got);
            h.batch = Math.max(h.batch, batch);
            adapt(h, got.size());
            h.lowMark = got.isEmpty() ? -1 : h.items.size() / 2;
            h.inFlight = false;
            if (--h.asking == 0 && h.recallWanted) {
                h.recallWanted = false;
                back = drain(h);
                batch = h.batch;
            }
            h.notifyAll();
        }
        if (back != null) giveBack(id, back, batch, true);
    }

    /** A full batch: ask for twice as many next time; a short one (little backlog, others waiting): half. */
    private static void adapt(Held h, int got) {
        if (got >= h.want) h.want = Math.min(2 * h.want, QueueCore.MAX_BATCH);
        else if (got < h.want / 2) h.want = Math.max(h.want / 2, QueueCore.FIRST_BATCH);
    }

    /**
     * Under h's lock, waits for the prefetch on its way to land (at most {@code patienceMs} when not 0). Not
     * interruptible, as a call to the kernel is not: the kernel answers at once, and its items must not be left
     * with nobody expecting them.
     */
    private static void awaitLanding(Held h, long patienceMs) {
        long deadline = System.currentTimeMillis() + patienceMs;
        boolean interrupted = false;
        while (h.inFlight) {
            long left = patienceMs == 0 ? 0 : deadline - System.currentTimeMillis();
            if (patienceMs != 0 && left <= 0) break;
            try {
                h.wait(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private static List<byte[]> drain(Held h) {
        List<byte[]> back = new ArrayList<>(h.items);
        h.items.clear();
        h.lowMark = -1;
        return back;
    }

    private static void giveBack(String id, List<byte[]> items, long batch, boolean now) {
        Payload p = new Payload().putLong(batch).putInt(items.size());
        for (byte[] item : items) p.putBytes(item);
        KernelLink.cast(id, "giveBack", p.toBytes());
        if (now) KernelLink.flush();
    }

    @Override
    public void recall(String objectId) {
        Held h = held.get(objectId);
        List<byte[]> back = List.of();
        long batch = 0;
        if (h != null) {
            synchronized (h) {
                back = drain(h);
                batch = h.batch;
                if (h.asking > 0) h.recallWanted = true; // a batch is on its way: it goes back once it is in
            }
        }
        giveBack(objectId, back, batch, true);
    }

    @Override
    public void giveBackAll() {
        boolean any = false;
        for (Map.Entry<String, Held> e : held.entrySet()) {
            Held h = e.getValue();
            List<byte[]> back;
            long batch;
            synchronized (h) {
                awaitLanding(h, LANDING_PATIENCE_MS); // its items are ours to give back too
                if (h.items.isEmpty()) continue;
                back = drain(h);
                batch = h.batch;
            }
            giveBack(e.getKey(), back, batch, false);
            any = true;
        }
        if (any) KernelLink.flush();
    }
}
