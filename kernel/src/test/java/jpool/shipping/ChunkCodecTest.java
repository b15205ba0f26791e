package jpool.shipping;

import jpool.ipc.ErrorReport;
import jpool.api.Fn;
import jpool.ipc.Serial;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ChunkCodecTest {
    @Test
    void aChunkOfPlainInputsTravelsCompactAndRunsTheSameFunction() throws Exception {
        Fn<Integer, Integer> twice = x -> 2 * x;
        ShippedFn.Prepared f = ShippedFn.prepare(twice);
        assertNotNull(f.written(), "a capture-free lambda is serialized once");
        ChunkTask task = new ChunkTask(f.form(), ChunkTask.Kind.FN, new ArrayList<>(List.of(1, 2, 3)));
        byte[] bytes = ChunkCodec.encodeTask(task);
        assertNotNull(bytes);
        assertTrue(ChunkCodec.isTask(bytes));
        ShippedFn fn = (ShippedFn) f.form();
        assertTrue(bytes.length < fn.bytes().length, "the task names its function by id, without its bytes");
        ChunkTask unknown = (ChunkTask) ChunkCodec.decodeTask(bytes);
        var e = assertThrows(IllegalStateException.class, unknown::execute); // a worker never sent the function
        assertTrue(e.getMessage().contains("was never sent to this worker"), e.getMessage());
        ChunkCodec.learnFunction(fn.id(), fn.bytes()); // what Frame.FUNCTION does in a worker
        ChunkTask back = (ChunkTask) ChunkCodec.decodeTask(bytes);
        assertEquals(task.inputs(), back.inputs());
        assertEquals(ChunkTask.Kind.FN, back.kind());
        var written = (Serial.Written) back.execute();
        assertTrue(ChunkCodec.isResult(written.bytes()));
        ChunkTask.ChunkResult r = ChunkCodec.decodeResult(written.bytes(), "w", 7);
        assertArrayEquals(new Object[]{2, 4, 6}, r.values());
        assertArrayEquals(new String[3][], r.errors());
    }

    @Test
    void failedInputsKeepTheirErrorsAndTheOthersTheirValues() throws Exception {
        Fn<Integer, Integer> inverse = x -> 10 / x;
        ShippedFn.Prepared f = ShippedFn.prepare(inverse);
        ChunkTask task = new ChunkTask(f.form(), ChunkTask.Kind.FN, new ArrayList<>(List.of(5, 0, 2)));
        ChunkCodec.learnFunction(((ShippedFn) f.form()).id(), ((ShippedFn) f.form()).bytes());
        var written = (Serial.Written) ((ChunkTask) ChunkCodec.decodeTask(ChunkCodec.encodeTask(task))).execute();
        ChunkTask.ChunkResult r = ChunkCodec.decodeResult(written.bytes(), "w", 7);
        assertEquals(2, r.values()[0]);
        assertNull(r.values()[1]);
        assertEquals(5, r.values()[2]);
        assertEquals("java.lang.ArithmeticException", r.errors()[1].className());
        assertEquals("/ by zero", r.errors()[1].message());
        assertNull(r.errors()[0]);
    }

    @Test
    void startAndEndTimesComeBackExactlyEvenWhenTheClockStepsBack() throws Exception {
        long t = 1_764_550_000_000L;
        long[] starts = {t, t + 3, t + 3, t - 5_000, t + 86_400_000};
        long[] ends = {t + 3, t + 3, t + 1_000_000, t - 4_990, t + 86_400_001};
        byte[] bytes = ChunkCodec.encodeResult(new Object[]{1, 2, 3, 4, 5}, new ErrorReport[5], starts, ends);
        ChunkTask.ChunkResult r = ChunkCodec.decodeResult(bytes, "w", 7);
        assertArrayEquals(starts, r.starts());
        assertArrayEquals(ends, r.ends());
        assertTrue(bytes.length < 1 + 4 + 5 * 5 + 4 + 8 + 5 * 2 * 8, "times take less than 16 bytes an item: " + bytes.length);
    }

    @Test
    void otherInputsOrFunctionsKeepJavaSerialization() {
        ShippedFn.Prepared f = ShippedFn.prepare((Fn<Object, Object>) x -> x);
        assertNull(ChunkCodec.encodeTask(new ChunkTask(f.form(), ChunkTask.Kind.FN, new ArrayList<>(List.of(List.of(1))))));
        ArrayList<Object> shared = new ArrayList<>(List.of(1));
        assertNull(ChunkCodec.encodeTask(new ChunkTask(f.form(), ChunkTask.Kind.FN, new ArrayList<>(List.of(shared, shared)))),
                "one list given as two inputs stays one list in the worker, as Java serialization keeps it");
        int captured = 3;
        Fn<Integer, Integer> capturing = x -> x + captured;
        assertNull(ChunkCodec.encodeTask(new ChunkTask(ShippedFn.prepare(capturing).form(), ChunkTask.Kind.FN,
                new ArrayList<>(List.of(1)))), "a capturing lambda is serialized with each task");
    }
}
