package jpool.sharing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared objects used from inside the kernel JVM (threads stand in for processes; the broker is the same). */
class KernelSideTest {
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @Test
    void queueIsFifoAndCopiesItemsWhenPut() {
        MpQueue<List<String>> q = new MpQueue<>();
        List<String> item = new ArrayList<>(List.of("a"));
        q.put(item);
        item.add("changed after put");
        q.put(List.of("b"));
        assertEquals(2, q.size());
        assertEquals(List.of("a"), q.get());
        assertEquals(List.of("b"), q.poll());
        assertNull(q.poll());
        assertTrue(q.isEmpty());
        // null is an item, as Python's None (poison pills); getNow tells it from "empty"
        q.put(null);
        assertEquals(1, q.size());
        assertNull(q.getNow());
        assertThrows(NoSuchElementException.class, q::getNow);
        q.put(null);
        assertNull(q.get());
        assertTrue(q.isEmpty());
    }

    @Test
    void timedGetThrowsAfterTheTimeoutAndPollReturnsNull() {
        MpQueue<Integer> q = new MpQueue<>();
        long t0 = System.nanoTime();
        assertThrows(NoSuchElementException.class, () -> q.get(0.2));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(190));
        assertNull(q.poll(0.05));
        assertThrows(NoSuchElementException.class, q::getNow);
    }

    @Test
    void closeWakesAWaitingConsumerAfterTheItemsAreTaken() throws Exception {
        MpQueue<String> q = new MpQueue<>();
        q.put("last");
        q.close();
        assertEquals("last", q.get());
        Future<?> waiting = threads.submit(() -> q.get());
        Exception e = assertThrows(Exception.class, () -> waiting.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e));
        assertThrows(IllegalStateException.class, () -> q.put("more"));
        assertTrue(q.isClosed());
    }

    @Test
    void boundedPutWaitsForRoom() throws Exception {
        MpQueue<Integer> q = new MpQueue<>(1);
        q.put(1);
        assertThrows(IllegalStateException.class, () -> q.put(2, 0.05));
        Future<?> producer = threads.submit(() -> q.put(3));
        assertEquals(1, q.get(10));
        producer.get(10, TimeUnit.SECONDS);
        assertEquals(3, q.get(10));
    }

    @Test
    void joinableQueueJoinsWhenEveryItemIsDone() throws Exception {
        JoinableMpQueue<String> q = new JoinableMpQueue<>();
        q.put("x");
        q.put("y");
        assertFalse(q.join(0.05));
        assertEquals(2, q.unfinished());
        Future<?> consumer = threads.submit(() -> {
            for (int i = 0; i < 2; i++) {
                q.get();
                q.taskDone();
            }
        });
        q.join();
        consumer.get(10, TimeUnit.SECONDS);
        assertTrue(q.join(0));
        assertThrows(IllegalStateException.class, q::taskDone);
    }

    @Test
    void eventWakesEveryWaiterAndTimesOut() throws Exception {
        MpEvent e = new MpEvent();
        assertFalse(e.waitFor(0.05));
        CountDownLatch started = new CountDownLatch(3);
        List<Future<Boolean>> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) waiters.add(threads.submit(() -> {
            started.countDown();
            return e.waitFor();
        }));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        e.set();
        for (Future<Boolean> w : waiters) assertTrue(w.get(10, TimeUnit.SECONDS));
        assertTrue(e.isSet());
        e.clear();
        assertFalse(e.isSet());
        assertTrue(e.toString().endsWith("not set]"), e.toString());
    }

    @Test
    void lockIsExclusiveAndReleasingAnUnlockedLockFails() throws Exception {
        MpLock lock = new MpLock();
        try (MpSemaphore.Held held = lock.hold()) {
            assertTrue(lock.isLocked());
            assertFalse(threads.submit(() -> lock.acquire(0.05)).get(10, TimeUnit.SECONDS));
        }
        assertFalse(lock.isLocked());
        assertThrows(IllegalStateException.class, lock::release);
        assertTrue(lock.tryAcquire());
        lock.release();
    }

    @Test
    void semaphoreCountsPermitsAndBoundedOneRefusesExtraRelease() {
        MpSemaphore s = new MpSemaphore(2);
        assertTrue(s.tryAcquire());
        assertTrue(s.tryAcquire());
        assertFalse(s.tryAcquire());
        s.release();
        s.release();
        s.release(); // unbounded, as Python's Semaphore
        assertEquals(3, s.available());
        MpSemaphore b = MpSemaphore.bounded(1);
        assertThrows(IllegalStateException.class, b::release);
    }

    @Test
    void pipeCarriesBothWaysAndEndsAfterClose() throws Exception {
        Pipe p = new Pipe();
        Future<?> echo = threads.submit(() -> {
            String s;
            while (!(s = p.right().<String>recv()).equals("stop")) p.right().send(s + "!");
            p.right().close();
        });
        p.left().send("hi");
        assertEquals("hi!", p.left().recv(10));
        p.left().send("stop");
        echo.get(10, TimeUnit.SECONDS);
        assertThrows(IllegalStateException.class, () -> p.left().recv(10));
        Pipe oneWay = new Pipe(false);
        assertThrows(IllegalStateException.class, () -> oneWay.left().send("x"));
        oneWay.right().send("y");
        assertTrue(oneWay.left().poll(1));
        assertEquals("y", oneWay.left().recv());
    }

    @Test
    void sharedMapAndListAreAtomicPerCall() throws Exception {
        SharedMap<String, Integer> m = new SharedMap<>();
        SharedList<Integer> l = new SharedList<>();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int base = t * 1000;
            fs.add(threads.submit(() -> {
                for (int i = 0; i < 250; i++) {
                    m.add("n", 1);
                    l.add(base + i);
                }
            }));
        }
        for (Future<?> f : fs) f.get(60, TimeUnit.SECONDS);
        assertEquals(1000, m.get("n"));
        assertEquals(1000, l.size());
        assertEquals(1000, l.snapshot().stream().distinct().count());
        m.put("b", 2);
        assertEquals(List.of("n", "b"), m.keys());
        assertEquals(2, m.putIfAbsent("b", 3));
        assertEquals(7, m.getOrDefault("c", 7));
        assertTrue(m.mimeBundle().get("text/html").toString().contains("<td>b</td><td>2</td>"));
        Integer first = l.get(0);
        assertEquals(first, l.set(0, -1), "set returns the element it replaced");
        assertEquals(-1, l.get(0));
    }

    @Test
    void managerDisposesWhatItMade() {
        SharedMap<String, String> kept;
        try (Manager m = new Manager()) {
            kept = m.map();
            kept.put("k", "v");
            assertEquals("v", kept.get("k"));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> kept.get("k"));
        assertTrue(e.getMessage().contains("no longer exists"), e.getMessage());
    }
}
