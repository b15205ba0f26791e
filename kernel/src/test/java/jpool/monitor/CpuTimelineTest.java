package jpool.monitor;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CpuTimelineTest {
    private static final long MS = 1_000_000L;

    /** Counters of one CPU: {total, idle} jiffies, as /proc/stat gives them, one reading per call. */
    private static java.util.function.Supplier<long[][]> readings(long[]... totalIdle) {
        ArrayDeque<long[]> left = new ArrayDeque<>(List.of(totalIdle));
        return () -> new long[][]{left.size() > 1 ? left.poll() : left.peek()};
    }

    @Test
    void aFullyBusyWindowAveragesToOneHundredPercentWithoutAZeroSampleAtItsStart() {
        AtomicLong clock = new AtomicLong();
        // busy all along: 50 jiffies per 500 ms, none idle
        CpuTimeline t = new CpuTimeline(readings(new long[]{0, 0}, new long[]{50, 0}, new long[]{100, 0},
                new long[]{150, 0}, new long[]{200, 0}), clock::get);
        assertNull(t.sample(), "a sample right at the start measures nothing and is not taken");
        for (int i = 1; i <= 4; i++) {
            clock.set(i * 500 * MS);
            assertArrayEquals(new double[]{1.0}, t.sample(), 1e-9);
        }
        assertEquals(4, t.samples().size(), "one sample per real interval");
        assertEquals(0.5, t.samples().get(0).seconds(), 1e-9, "the first sample ends after its interval");
        assertArrayEquals(new double[]{1.0}, t.average(), 1e-9, "4 busy intervals of 4 average to 100%, not 80%");
    }

    @Test
    void theAverageWeighsIntervalsByTheirLength() {
        AtomicLong clock = new AtomicLong();
        // 900 ms fully busy, then 100 ms idle: 90% busy over the second
        CpuTimeline t = new CpuTimeline(readings(new long[]{0, 0}, new long[]{90, 0}, new long[]{100, 10}), clock::get);
        clock.set(900 * MS);
        t.sample();
        clock.set(1000 * MS);
        t.sample();
        assertArrayEquals(new double[]{0.9}, t.average(), 1e-9, "not (100% + 0%) / 2");
    }
}
