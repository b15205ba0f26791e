package jpool.sharing;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared values and arrays: atomic updates, and a second mapping of the same file (another process) sees writes. */
class SharedMemoryTest {
    /** A copy that maps the file anew, as a worker does when it receives the handle. */
    @SuppressWarnings("unchecked")
    private static <T> T remoteCopy(T value) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(b)) {
            o.writeObject(value);
        }
        try (ObjectInputStream i = new ObjectInputStream(new ByteArrayInputStream(b.toByteArray()))) {
            return (T) i.readObject();
        }
    }

    private static void inParallel(int threads, Runnable body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) fs.add(pool.submit(body));
            for (Future<?> f : fs) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void sharedIntIsAtomicAcrossMappings() throws Exception {
        SharedInt a = new SharedInt(5);
        SharedInt b = remoteCopy(a);
        assertEquals(5, b.get());
        inParallel(4, () -> {
            for (int i = 0; i < 10_000; i++) (Thread.currentThread().getId() % 2 == 0 ? a : b).addAndGet(1);
        });
        assertEquals(40_005, a.get());
        assertTrue(b.compareAndSet(40_005, 7));
        assertFalse(a.compareAndSet(40_005, 8));
        assertEquals(7, a.get());
        assertEquals("SharedInt[7]", a.toString());
    }

    @Test
    void sharedLongAndDouble() throws Exception {
        SharedLong l = new SharedLong(Long.MAX_VALUE - 1);
        assertEquals(Long.MAX_VALUE, remoteCopy(l).incrementAndGet());
        assertEquals(Long.MAX_VALUE, l.get());
        SharedDouble d = new SharedDouble(10.0);
        remoteCopy(d).addAndGet(0.78);
        assertEquals(10.78, d.get(), 1e-12);
        d.set(0);
        inParallel(4, () -> {
            for (int i = 0; i < 5_000; i++) d.addAndGet(0.5);
        });
        assertEquals(10_000.0, d.get());
    }

    @Test
    void arraysShareElementsAndCheckIndexes() throws Exception {
        SharedIntArray ints = new SharedIntArray(new int[]{1, 2, 3});
        remoteCopy(ints).set(1, 20);
        assertArrayEquals(new int[]{1, 20, 3}, ints.toArray());
        assertThrows(IndexOutOfBoundsException.class, () -> ints.get(3));
        SharedLongArray longs = new SharedLongArray(2);
        SharedDoubleArray doubles = new SharedDoubleArray(new double[]{1.5, 2.5});
        inParallel(4, () -> {
            for (int i = 0; i < 1_000; i++) {
                longs.addAndGet(i % 2, 1);
                doubles.addAndGet(1, 1.0);
            }
        });
        assertArrayEquals(new long[]{2_000, 2_000}, longs.toArray());
        assertArrayEquals(new double[]{1.5, 4_002.5}, doubles.toArray());
        assertTrue(new SharedIntArray(150).toString().endsWith("(150 elements)]"));
    }

    @Test
    void fileIsPrivateAndInRamWhenThereIsRam() throws Exception {
        SharedInt v = new SharedInt(1);
        assertTrue(Files.exists(v.file()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(v.file())));
        Path shm = Path.of("/dev/shm");
        Path expected = Files.isDirectory(shm) && Files.isWritable(shm) ? shm
                : Path.of(System.getProperty("java.io.tmpdir"));
        assertTrue(v.file().startsWith(expected), v.file() + " is not in " + expected);
    }

    @Test
    void segmentsAreDeletedWhenFreed() {
        Segments s = new Segments();
        var p = s.create(64);
        assertTrue(Files.exists(p));
        s.freeAll();
        assertFalse(Files.exists(p));
    }
}
