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
 * In a worker, the queue items its gets received ahead of use. A get that finds none here asks the kernel for up to
 * {@link QueueCore#MAX_BATCH} items in one round trip ({@code getMany}) and keeps all but the first, so a consumer
 * of a busy queue pays one round trip per batch instead of per item.
 * <p>Prefetched items still belong to the queue: the kernel recalls them ({@link jpool.ipc.Frame#RECALL}, answered
 * on this worker's reader thread, whatever its task is doing) as soon as another process finds the queue empty or
 * asks its size, and they go back when the task ends, the process exits or gets SIGTERM. Only a worker killed
 * outright (SIGKILL, a crash) loses what it had prefetched and not taken yet.
 */
final class Prefetch implements KernelLink.Holder {
    private static final Prefetch INSTANCE = new Prefetch();
    private static volatile boolean installed;
    private static final byte[] MAX = Reply.encode(QueueCore.MAX_BATCH);

    /** One queue's items here. */
    private static final class Held {
        final ArrayDeque<byte[]> items = new ArrayDeque<>();
        /** The latest batch number received; gets asking the kernel now; a recall came while they did. */
        long batch;
        int asking;
        boolean recallWanted;
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

    /** How many items of queue {@code id} are held here (for size()). */
    static int heldCount(String id) {
        Held h = INSTANCE.held.get(id);
        if (h == null) return 0;
        synchronized (h) {
            return h.items.size();
        }
    }

    /** An item held here, removed (a poll), or null. */
    static Object pollHeld(String id) {
        Held h = INSTANCE.held.get(id);
        if (h == null) return null;
        byte[] item;
        synchronized (h) {
            item = h.items.pollFirst();
        }
        return item == null ? null : KernelLink.decode(item);
    }

    private byte[] take(String id, long timeoutNanos) {
        Held h = held.computeIfAbsent(id, k -> new Held());
        synchronized (h) {
            byte[] item = h.items.pollFirst();
            if (item != null) return item;
            h.asking++;
        }
        byte[] reply = null;
        try {
            reply = KernelLink.callRaw(id, "getMany", Reply.encode(timeoutNanos), MAX);
            Payload.Reader r = new Payload.Reader(reply);
            long batch = r.getLong();
            int n = r.getInt();
            byte[] first = r.getBytes();
            synchronized (h) {
                for (int i = 1; i < n; i++) h.items.addLast(r.getBytes());
                h.batch = Math.max(h.batch, batch);
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

    private static List<byte[]> drain(Held h) {
        List<byte[]> back = new ArrayList<>(h.items);
        h.items.clear();
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
