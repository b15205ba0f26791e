package jpool.pool;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** A call's results kept as arrays: values in input order whatever the completion order, outcomes made on demand. */
class BatchTest {
    private static Batch.Ran ran(int first, List<Object> inputs) {
        long[] times = new long[inputs.size()];
        for (int i = 0; i < times.length; i++) times[i] = 1_000 + i;
        return new Batch.Ran(first, inputs, "PoolWorker-1", 42, times, times.clone());
    }

    @Test
    void valuesComeInInputOrderWhateverOrderChunksFinish() throws Exception {
        Batch b = new Batch(null, "map");
        b.reserve(4);
        int first = b.add(2), second = b.add(2);
        b.seal(null);
        b.complete(ran(second, List.of("c", "d")), new Object[]{"C", "D"}, null);
        assertFalse(b.all.isDone(), "half the inputs are still running");
        b.complete(ran(first, List.of("a", "b")), new Object[]{"A", "B"}, null);
        assertEquals(List.of("A", "B", "C", "D"), b.all.get(1, TimeUnit.SECONDS).valuesOrThrow());
        Outcome<Object> c = b.outcomes().get(2);
        assertEquals("c", c.input());
        assertEquals("PoolWorker-1", c.worker());
        assertEquals(1_000, c.startMillis(), "times are the input's place in its own chunk");
    }

    @Test
    void aFailureKeepsEveryOtherValueAndTheFirstOutcomeOfAnInputWins() throws Exception {
        Batch b = new Batch(null, "map");
        b.add(3);
        b.seal(null);
        RuntimeException boom = new IllegalStateException("boom");
        b.complete(new Batch.Ran(1, List.of("y"), null, 0, null, null), null, new RuntimeException[]{boom}); // cancelled
        b.complete(ran(0, List.of("x", "y", "z")), new Object[]{1, 2, 3}, null); // its late value
        MapFailed e = assertThrows(MapFailed.class, () -> b.all.get(1, TimeUnit.SECONDS).valuesOrThrow());
        assertEquals(Arrays.asList(1, null, 3), e.results());
        assertSame(boom, e.outcomes().get(1).error());
        assertEquals(0, e.outcomes().get(1).startMillis(), "an input that never ran has no times");
        assertEquals(1, b.failedCount());
        assertEquals(3, b.doneCount());
    }

    @Test
    void aReaderWaitingForOneInputGetsItsOutcomeAndAnUnorderedReaderGetsCompletionOrder() throws Exception {
        Batch b = new Batch(null, "imap", true);
        b.add(2);
        CompletableFuture<Outcome<Object>> second = b.item(1);
        b.complete(ran(1, List.of("q")), new Object[]{"Q"}, null);
        assertEquals("Q", second.get(1, TimeUnit.SECONDS).value());
        b.complete(ran(0, List.of("p")), new Object[]{"P"}, null);
        assertEquals(1, b.completed().take().index());
        assertEquals(0, b.completed().take().index());
        assertEquals("P", b.item(0).get().value(), "an input already decided is answered at once");
    }
}
