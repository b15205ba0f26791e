package jpool.sharing;

import jpool.ipc.Payload;
import jpool.ipc.Serial;
import org.junit.jupiter.api.Test;

import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The kernel objects' rules for callers that die: what a dead worker took comes back. */
class CoreTest {
    private static Args args(Object... values) {
        List<byte[]> raw = new ArrayList<>();
        for (Object v : values) raw.add(Reply.encode(v));
        return new Args(raw);
    }

    @Test
    void undeliveredItemGoesBackToTheHead() throws Exception {
        QueueCore q = new QueueCore(0, false);
        q.apply("put", new Args(List.of(new byte[]{1}, Reply.encode(-1L))), "pid 1", false);
        q.apply("put", new Args(List.of(new byte[]{2}, Reply.encode(-1L))), "pid 1", false);
        Reply taken = q.apply("get", args(-1L), "pid 2", false);
        assertArrayEquals(new byte[]{1}, taken.value());
        taken.undo().run();
        assertArrayEquals(new byte[]{1}, q.apply("get", args(0L), "kernel", false).value());
        assertArrayEquals(new byte[]{2}, q.apply("get", args(0L), "kernel", false).value());
    }

    @Test
    void prefetchedItemsAreRecalledBeforeAnotherCallerFindsTheQueueEmpty() throws Exception {
        QueueCore q = new QueueCore(0, false, 1);
        List<String> recalled = new ArrayList<>();
        q.recaller(caller -> {
            recalled.add(caller);
            return true;
        });
        for (byte b = 1; b <= 5; b++) q.apply("addAll", new Args(List.of(new byte[]{b})), "kernel", false);
        Payload.Reader batch = new Payload.Reader(q.apply("getMany", args(-1L, 64), "pid 1", false).value());
        long number = batch.getLong();
        assertEquals(5, batch.getInt());
        assertArrayEquals(new byte[]{1}, batch.getBytes());
        assertEquals("0 items (and some prefetched by pid 1)", q.describe());
        // another caller may not wait on the reader thread for the answer: deferred, and the recall is sent then
        assertNull(q.apply("get", args(0L), "pid 2", false));
        assertEquals(List.of(), recalled);
        Thread answer = new Thread(() -> {
            try {
                while (recalled.isEmpty()) Thread.onSpinWait(); // the recall is the signal to answer
                Payload back = new Payload().putLong(number).putInt(4);
                for (byte b = 2; b <= 5; b++) back.putBytes(new byte[]{b});
                q.apply("giveBack", new Args(List.of(back.toBytes())), "pid 1", false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        answer.start();
        assertArrayEquals(new byte[]{2}, q.apply("get", args(0L), "pid 2", true).value());
        answer.join();
        assertEquals(List.of("pid 1"), recalled);
        assertEquals("3 items", q.describe());
    }

    @Test
    void itemsPrefetchedByACallerThatDiedAreGoneAndNobodyWaitsForThem() throws Exception {
        QueueCore q = new QueueCore(0, false, 1);
        q.recaller(caller -> true);
        for (byte b = 1; b <= 3; b++) q.apply("addAll", new Args(List.of(new byte[]{b})), "kernel", false);
        q.apply("getMany", args(-1L, 64), "pid 1", false);
        q.callerGone("pid 1");
        assertEquals(0, Reply.NONE.value().length == 0 ? -1 : (Integer) Serial.read(
                q.apply("size", args(), "kernel", false).value(), getClass().getClassLoader(), info -> ObjectInputFilter.Status.ALLOWED));
        assertArrayEquals(Reply.NONE.value(), q.apply("poll", args(0L), "kernel", false).value());
    }

    @Test
    void aSmallBacklogIsHandedOutOneItemPerGet() throws Exception {
        QueueCore q = new QueueCore(0, true);
        for (byte b = 1; b <= 14; b++) q.apply("addAll", new Args(List.of(new byte[]{b})), "kernel", false);
        Payload.Reader batch = new Payload.Reader(q.apply("getMany", args(-1L, 64), "pid 1", false).value());
        batch.getLong();
        assertEquals(1, batch.getInt(), "no worker holds items another could take");
        assertEquals("13 items", q.describe().replaceAll(",.*", ""));
    }

    @Test
    void aPrefetchAnswersAtOnceTakesOnlyABacklogAndItsTakerHoldsEvenOneItem() throws Exception {
        QueueCore q = new QueueCore(0, false, 4);
        assertEquals(0, prefetched(q.apply("prefetch", args(64), "pid 1", false)).size(), "an empty queue: no items, no wait");
        for (byte b = 1; b <= 3; b++) q.apply("addAll", new Args(List.of(new byte[]{b})), "kernel", false);
        assertEquals(0, prefetched(q.apply("prefetch", args(64), "pid 1", false)).size(), "no backlog: nothing taken ahead");
        assertEquals("3 items", q.describe());
        for (byte b = 4; b <= 5; b++) q.apply("addAll", new Args(List.of(new byte[]{b})), "kernel", false);
        List<byte[]> got = prefetched(q.apply("prefetch", args(1), "pid 1", false));
        assertEquals(1, got.size());
        assertArrayEquals(new byte[]{1}, got.get(0));
        assertEquals("4 items (and some prefetched by pid 1)", q.describe(), "held ahead, so recalled when others look");
        QueueCore bounded = new QueueCore(100, false, 1);
        for (byte b = 1; b <= 5; b++) bounded.apply("put", new Args(List.of(new byte[]{b}, Reply.encode(-1L))), "kernel", false);
        assertEquals(0, prefetched(bounded.apply("prefetch", args(64), "pid 1", false)).size(), "a bounded queue's items stay in it");
    }

    /** The items of a getMany or prefetch answer (after its batch number and count). */
    private static List<byte[]> prefetched(Reply r) throws Exception {
        Payload.Reader batch = new Payload.Reader(r.value());
        batch.getLong();
        List<byte[]> items = new ArrayList<>();
        for (int n = batch.getInt(); n > 0; n--) items.add(batch.getBytes());
        return items;
    }

    @Test
    void itemsOfOneFrameAreAddedInOrderAndCountedAndAClosedQueueTakesNoneOfThem() throws Exception {
        QueueCore q = new QueueCore(0, true);
        q.apply("addAll", new Args(List.of(new byte[]{1}, new byte[]{2}, new byte[]{3})), "pid 1", false);
        assertEquals("3 items, 3 unfinished", q.describe());
        for (byte b = 1; b <= 3; b++) assertArrayEquals(new byte[]{b}, q.apply("get", args(0L), "pid 2", false).value());
        q.apply("close", args(), "kernel", false);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> q.apply("addAll", new Args(List.of(new byte[]{4}, new byte[]{5})), "pid 1", false));
        assertEquals("queue is closed", e.getMessage());
        assertEquals("0 items, 3 unfinished, closed", q.describe());
    }

    @Test
    void waitingOperationsDeferWhenTheyMayNotWait() throws Exception {
        assertNull(new QueueCore(0, false).apply("get", args(-1L), "pid 1", false));
        assertNull(new EventCore().apply("wait", args(1_000_000L), "pid 1", false));
        PermitCore lock = new PermitCore(1, true);
        lock.apply("acquire", args(-1L), "pid 1", false);
        assertNull(lock.apply("acquire", args(-1L), "pid 2", false));
    }

    @Test
    void permitsOfADeadHolderAreReleased() throws Exception {
        PermitCore sem = new PermitCore(3, false);
        sem.apply("acquire", args(-1L), "pid 7", false);
        sem.apply("acquire", args(-1L), "pid 7", false);
        sem.apply("acquire", args(-1L), "kernel", false);
        assertEquals("0 of 3 permits free, held by {pid 7=2, kernel=1}", sem.describe());
        sem.callerGone("pid 7");
        assertEquals("2 of 3 permits free, held by {kernel=1}", sem.describe());
        sem.callerGone("pid 8");
        assertEquals("2 of 3 permits free, held by {kernel=1}", sem.describe());
    }

    @Test
    void undeliveredLockIsReleasedAndAHandedOverLockCountsAgainstItsHolder() throws Exception {
        PermitCore lock = new PermitCore(1, true);
        Reply got = lock.apply("acquire", args(-1L), "pid 1", false);
        got.undo().run();
        assertEquals("unlocked", lock.describe());
        lock.apply("acquire", args(-1L), "pid 1", false);
        lock.apply("release", args(), "pid 2", false); // released by another process, as Python allows
        assertEquals("unlocked", lock.describe());
        lock.callerGone("pid 1"); // must not hand out a second permit
        assertEquals("unlocked", lock.describe());
        lock.apply("acquire", args(-1L), "pid 3", false);
        assertNull(lock.apply("acquire", args(-1L), "pid 4", false));
    }
}
