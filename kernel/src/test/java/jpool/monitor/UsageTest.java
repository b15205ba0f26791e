package jpool.monitor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UsageTest {
    @Test
    void aReadingSurvivesItsWireForm() {
        Usage u = new Usage(4242, 12.5, 1000.25, 300L << 20, 80L << 20, 512L << 20);
        assertEquals(u, Usage.parse(u.encode()));
    }

    @Test
    void textThatIsNotAReadingIsNone() {
        assertNull(Usage.parse("1 2 3"));
        assertNull(Usage.parse("a b c d e f"));
    }

    @Test
    void cpuPercentIsCpuTimeOverTheReadingsOwnClock() {
        Usage a = new Usage(1, 10, 100, -1, 0, 0);
        Usage b = new Usage(1, 11.5, 102, -1, 0, 0);
        assertEquals(75.0, b.cpuPercentSince(a), 1e-9);
        assertEquals(0.0, a.cpuPercentSince(a), 1e-9);
    }

    @Test
    void memoryIsResidentWhereKnownElseTheHeap() {
        assertEquals("300 MB", new Usage(1, 0, 0, 300L << 20, 80L << 20, 512L << 20).memory());
        assertEquals("80 MB heap", new Usage(1, 0, 0, -1, 80L << 20, 512L << 20).memory());
        assertEquals("heap 80/512 MB", new Usage(1, 0, 0, -1, 80L << 20, 512L << 20).heap());
    }

    @Test
    void thisJvmReadsItsOwnPidCpuAndHeap() {
        Usage u = Usage.ofThisJvm();
        assertEquals(ProcessHandle.current().pid(), u.pid());
        assertTrue(u.cpuSeconds() > 0 && u.heapUsed() > 0, u.toString());
    }
}
