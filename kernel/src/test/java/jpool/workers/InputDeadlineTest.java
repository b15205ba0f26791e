package jpool.workers;

import jpool.api.Fn;
import jpool.ipc.Serial;
import jpool.shipping.ChunkCodec;
import jpool.shipping.ChunkTask;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** A pool's timeout in an executor: the input that runs over fails alone, the rest of its chunk runs, runaways are told. */
class InputDeadlineTest {
    private static final long LIMIT = TimeUnit.MILLISECONDS.toNanos(300);

    private static ChunkTask.ChunkResult run(Fn<Integer, Integer> fn, InputDeadline d) throws Exception {
        ArrayList<Object> inputs = new ArrayList<>(List.of(1, 2, 3, 4));
        var written = (Serial.Written) new ChunkTask(fn, ChunkTask.Kind.FN, inputs).execute(d);
        if (ChunkCodec.isResult(written.bytes())) return ChunkCodec.decodeResult(written.bytes(), "executor 0", 0);
        return (ChunkTask.ChunkResult) Serial.read(written.bytes(), written.arrays(), InputDeadlineTest.class.getClassLoader(),
                info -> java.io.ObjectInputFilter.Status.ALLOWED);
    }

    @Test
    void anInputThatSleepsPastTheLimitFailsAloneAndIsNoRunaway() throws Exception {
        List<String> threads = new ArrayList<>();
        AtomicBoolean started = new AtomicBoolean();
        try (InputDeadline d = new InputDeadline(LIMIT, () -> started.set(true), "jpool-input-test")) {
            ChunkTask.ChunkResult r = run(x -> {
                synchronized (threads) {
                    threads.add(Thread.currentThread().getName());
                }
                if (x == 2) Thread.sleep(60_000);
                return x * 10;
            }, d);
            assertArrayEquals(new Object[]{10, null, 30, 40}, r.values());
            assertNull(r.errors()[0]);
            assertEquals(EmbeddedWorker.TIMED_OUT, r.errors()[1].className());
            assertEquals("ran longer than its timeout of 0.3 s", r.errors()[1].message());
            assertFalse(d.runaway(), "the sleeping input ended at its interrupt");
        }
        assertTrue(started.get(), "each worker thread runs the start hook (output routing, class loader)");
        assertTrue(threads.stream().allMatch("jpool-input-test"::equals), threads.toString());
    }

    @Test
    void anInputThatIgnoresItsInterruptIsARunawayAndTheChunkStillEnds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (InputDeadline d = new InputDeadline(LIMIT, () -> { }, "jpool-input-test")) {
            ChunkTask.ChunkResult r = run(x -> {
                if (x == 2) {
                    while (release.getCount() > 0) Thread.onSpinWait(); // ignores interrupts
                }
                return x * 10;
            }, d);
            assertArrayEquals(new Object[]{10, null, 30, 40}, r.values());
            assertEquals(EmbeddedWorker.TIMED_OUT, r.errors()[1].className());
            assertTrue(d.runaway());
        } finally {
            release.countDown();
        }
    }

    @Test
    void whatAnInputThrowsIsItsOwnError() throws Exception {
        try (InputDeadline d = new InputDeadline(LIMIT, () -> { }, "jpool-input-test")) {
            ChunkTask.ChunkResult r = run(x -> {
                if (x == 3) throw new IllegalStateException("bad " + x);
                return x;
            }, d);
            assertEquals(IllegalStateException.class.getName(), r.errors()[2].className());
            assertEquals("bad 3", r.errors()[2].message());
            assertFalse(d.runaway());
        }
    }

    @Test
    void aLimitThatIsNotPositiveIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new InputDeadline(0, () -> { }, "t"));
        assertEquals("the timeout must be positive, got 0 ns", e.getMessage());
    }
}
