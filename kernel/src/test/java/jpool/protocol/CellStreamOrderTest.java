package jpool.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** stdout and stderr are coalesced each on its own, yet reach the frontend in the order they were written. */
class CellStreamOrderTest {
    @Test
    void aSwitchOfStreamSendsTheOtherStreamsTextFirst() throws Exception {
        try (CellProbe probe = new CellProbe()) {
            Cell cell = probe.cell();
            cell.write("stderr", "[PoolWorker-1] task err 0\n");   // a worker's line, buffered
            cell.write("stdout", "callback 0\n");                  // then its callback prints
            cell.write("stdout", "joined\n");
            probe.finish();
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < 2; i++) {
                WireMessage m = probe.next();
                assertEquals("stream", m.type());
                seen.append(m.contentString("name", "?")).append(": ").append(m.contentString("text", "?"));
            }
            assertEquals("stderr: [PoolWorker-1] task err 0\nstdout: callback 0\njoined\n", seen.toString());
        }
    }
}
