package jpool.shipping;

import jpool.api.Fn;
import jpool.ipc.Serial;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.*;

/** A chunk's per-input times: read sparingly for tiny inputs, yet every input's times still bound its own run. */
class ChunkTaskTest {
    /** What each input saw of the clock as it ran: {start, end}. */
    static final Map<Integer, long[]> SEEN = new ConcurrentHashMap<>();

    @Test
    void aSlowInputAmongTinyOnesIsNeverCreditedWithLessTimeThanItRan() throws Exception {
        Fn<Integer, Integer> work = x -> {
            long start = System.currentTimeMillis(), end = start;
            if (x % 50 == 45) while (end < start + 5) end = System.currentTimeMillis(); // a slow input: 5 ms of work
            SEEN.put(x, new long[]{start, end});
            return x;
        };
        ArrayList<Object> inputs = new ArrayList<>();
        for (int i = 0; i < 200; i++) inputs.add(i);
        var written = (Serial.Written) new ChunkTask(work, ChunkTask.Kind.FN, inputs).execute();
        ChunkTask.ChunkResult r = ChunkCodec.decodeResult(written.bytes(), "w", 7);
        for (int i = 0; i < 200; i++) {
            long[] seen = SEEN.get(i);
            assertTrue(r.starts()[i] <= seen[0] && seen[1] <= r.ends()[i],
                    "input " + i + " ran " + seen[0] + ".." + seen[1] + " but its times say " + r.starts()[i] + ".." + r.ends()[i]);
            if (i > 0) assertTrue(r.starts()[i] >= r.starts()[i - 1], "starts never go back");
        }
        for (int slow = 45; slow < 200; slow += 50)
            assertTrue(r.ends()[slow] - r.starts()[slow] >= 5, "input " + slow + " ran 5 ms");
    }
}
