package jpool.ipc;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Every frame type reads back as what was written, through its typed record. */
class MessageTest {
    @SuppressWarnings("unchecked")
    private static <M extends Message> M roundTrip(M m) throws Exception {
        Message back = Message.decode(m.toFrame());
        assertNotNull(back);
        assertEquals(m.getClass(), back.getClass());
        return (M) back;
    }

    @Test
    void kernelToWorkerMessagesReadBackField() throws Exception {
        Message.Classes c = roundTrip(new Message.Classes(List.of(Map.entry("REPL.$JShell$3", new byte[]{1, 2}))));
        assertEquals("REPL.$JShell$3", c.classes().get(0).getKey());
        assertArrayEquals(new byte[]{1, 2}, c.classes().get(0).getValue());
        assertEquals(List.of("file:/a.jar", "file:/b.jar"), roundTrip(new Message.Classpath(List.of("file:/a.jar", "file:/b.jar"))).urls());
        Message.Run r = roundTrip(new Message.Run(7, "PoolWorker-2", true, 3, new byte[0], new byte[]{9}, null));
        assertEquals(List.of(7L, "PoolWorker-2", true, 3L), List.of(r.taskId(), r.worker(), r.exitAfter(), r.snapshotId()));
        assertEquals(0, r.state().length);
        assertArrayEquals(new byte[]{9}, r.task());
        assertInstanceOf(Message.Quit.class, roundTrip(new Message.Quit()));
        Message.Reply ok = roundTrip(Message.Reply.ok(5, new byte[]{4}));
        assertTrue(ok.ok());
        assertArrayEquals(new byte[]{4}, ok.value());
        Message.Reply failed = roundTrip(Message.Reply.failed(6, "java.lang.IllegalStateException", null));
        assertFalse(failed.ok());
        assertEquals(List.of(6L, "java.lang.IllegalStateException", ""), List.of(failed.requestId(), failed.errorClass(), failed.errorMessage()));
        assertEquals(11, roundTrip(new Message.Cancel(11)).taskId());
        assertEquals("queue-1", roundTrip(new Message.Recall("queue-1")).objectId());
        Message.Function f = roundTrip(new Message.Function(2, new byte[]{3}));
        assertEquals(2, f.id());
        assertArrayEquals(new byte[]{3}, f.bytes());
    }

    @Test
    void workerToKernelMessagesReadBackField() throws Exception {
        Message.Hello h = roundTrip(new Message.Hello("w-1", "secret", 4242));
        assertEquals(List.of("w-1", "secret", 4242L), List.of(h.workerId(), h.secret(), h.pid()));
        Message.Log log = roundTrip(new Message.Log(2, "é\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(2, log.stream());
        assertEquals("é\n", log.text());
        Message.Result res = roundTrip(new Message.Result(8, new byte[]{1}, null));
        assertEquals(8, res.taskId());
        assertArrayEquals(new byte[]{1}, res.value());
        Message.Partial p = roundTrip(new Message.Partial(8, 3, new byte[]{2}, null));
        assertEquals(List.of(8L, 3), List.of(p.taskId(), p.from()));
        Message.Failed failed = roundTrip(new Message.Failed(9, ErrorReport.of("java.lang.ArithmeticException", "/ by zero")));
        assertEquals(9, failed.taskId());
        assertEquals("/ by zero", failed.error().message());
        assertEquals(143, roundTrip(new Message.Exiting(143)).status());
        Message.Call call = roundTrip(new Message.Call(12, "queue-1", "put", List.of(new byte[]{5}, new byte[0])));
        assertEquals(List.of(12L, "queue-1", "put", 2), List.of(call.requestId(), call.objectId(), call.op(), call.args().size()));
        assertArrayEquals(new byte[]{5}, call.args().get(0));
    }

    @Test
    void aFrameTypeThisVersionDoesNotKnowReadsAsNull() throws Exception {
        assertNull(Message.decode(new Frame((byte) 99, new byte[0])));
    }
}
