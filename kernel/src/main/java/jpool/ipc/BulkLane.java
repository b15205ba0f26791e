package jpool.ipc;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One direction of a worker connection's shared-memory path for big arrays: a file in {@code /dev/shm} that both
 * processes map. The sender announces a transfer on the socket, then copies the arrays into the mapping a slice at
 * a time and publishes how far it got; the receiver, already told the arrays' sizes, copies each slice out as soon
 * as it is published. The two copies run at the same time on two cores, and nothing passes through the socket
 * (which cost two more copies and many system calls). The file is reused from transfer to transfer (its pages
 * faulted in once) and unlinked as soon as the receiver has mapped it, so nothing is left behind by a crash.
 *
 * <p>Header (native byte order, 8-byte aligned): {@code [0] seq} of the transfer being written, {@code [8]} bytes
 * written so far in it, {@code [16] seq} the receiver finished. Data starts at {@value #HEADER}.
 */
public final class BulkLane {
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    static final int HEADER = 64;
    private static final int SEQ = 0, WRITTEN = 8, CONSUMED = 16;
    /** Published slice: small enough that the receiver starts early, large enough that publishing costs nothing. */
    private static final int SLICE = 1 << 20;
    /** Transfers of fewer array bytes go inline in the socket (a lane costs a file and two mappings). */
    static final long MIN_BYTES = 1 << 20;
    private static final long MAX_STALL_NANOS = 30_000_000_000L;
    private static final Path DIR = Path.of("/dev/shm");
    private static final AtomicInteger NUMBERS = new AtomicInteger();
    private static final String PREFIX = "jpool-lane-";

    private BulkLane() {
    }

    /** Whether lanes can be made on this machine (a writable /dev/shm). */
    static boolean available() {
        return Files.isDirectory(DIR) && Files.isWritable(DIR);
    }

    private static volatile boolean swept;

    /** Deletes lane files of processes that no longer exist (killed between creating a file and its mapping). */
    private static void sweepOnce() {
        if (swept) return;
        swept = true;
        try (var files = Files.newDirectoryStream(DIR, PREFIX + "*")) {
            for (Path p : files) {
                String rest = p.getFileName().toString().substring(PREFIX.length());
                try {
                    long owner = Long.parseLong(rest.substring(0, rest.indexOf('-')));
                    if (ProcessHandle.of(owner).isEmpty()) Files.deleteIfExists(p);
                } catch (RuntimeException | IOException e) {
                    // not ours to judge, or not ours to delete
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // nothing to sweep
        }
    }

    /** Deletes lane files a process left (one killed between creating a file and its peer mapping it). */
    public static void deleteFilesOf(long pid) {
        try (var files = Files.newDirectoryStream(DIR, PREFIX + pid + "-*")) {
            for (Path p : files) Files.deleteIfExists(p);
        } catch (IOException | RuntimeException ignored) {
            // nothing to clean, or no /dev/shm
        }
    }

    /** Sending side; used under the channel's send lock. */
    static final class Out {
        private MappedByteBuffer map;
        private Path path;
        private long seq;
        private boolean announced;

        /**
         * Gets the lane ready for {@code count} arrays of {@code bytes} in all, once the previous transfer was taken:
         * returns the path to announce (the receiver must map a new file) or "" for the same file as before; the
         * seq to announce is then {@link #seq()}.
         */
        String prepare(long bytes, int count, BooleanSupplier open) throws IOException {
            if (map != null) waitFor(() -> (long) LONGS.getVolatile(map, CONSUMED) == seq, open, "the peer to take the previous transfer");
            long need = HEADER + bytes + 8L * count; // each array starts 8-byte aligned
            if (map == null || map.capacity() < need) {
                long size = Math.max(need, map == null ? 16L << 20 : Math.min(Integer.MAX_VALUE, 2L * map.capacity()));
                if (size > Integer.MAX_VALUE) throw new IOException("too large for a shared-memory transfer: " + bytes + " bytes");
                // tmpfs hands out pages on first write: a file larger than what is free would fail with SIGBUS in
                // the middle of the copy (a small Docker /dev/shm is 64 MB); the frame then carries the arrays
                if (Files.getFileStore(DIR).getUsableSpace() < 2 * size) throw new IOException("not enough room in " + DIR);
                close();
                sweepOnce();
                path = DIR.resolve(PREFIX + ProcessHandle.current().pid() + "-" + NUMBERS.incrementAndGet());
                // readable by this user only, like the worker channel itself; never a file someone else made
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try (FileChannel fc = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    map = fc.map(FileChannel.MapMode.READ_WRITE, 0, size);
                }
                seq = 0;
                announced = false;
            }
            seq++;
            LONGS.setVolatile(map, WRITTEN, 0L);
            LONGS.setVolatile(map, SEQ, seq);
            String announce = announced ? "" : path.toString();
            announced = true;
            return announce;
        }

        long seq() {
            return seq;
        }

        /** Copies the arrays in, publishing each slice as it lands. */
        void write(Object[] arrays) {
            ByteBuffer data = map.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            long done = 0;
            for (Object a : arrays) {
                int kind = PrimitiveArrays.kind(a);
                int size = PrimitiveArrays.SIZES[kind], n = Array.getLength(a);
                int at = HEADER + (int) align(done);
                int perSlice = Math.max(1, SLICE / size);
                for (int from = 0; from < n; from += perSlice) {
                    int count = Math.min(perSlice, n - from);
                    data.position(at + from * size);
                    PrimitiveArrays.put(data, a, from, count);
                    LONGS.setRelease(map, WRITTEN, (long) (at - HEADER) + (long) (from + count) * size);
                }
                done = (at - HEADER) + (long) n * size;
                LONGS.setRelease(map, WRITTEN, done);
            }
        }

        void close() {
            map = null; // unmapped by the garbage collector (the JDK has no unmap)
            if (path != null) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // the receiver deleted it already
                }
            }
        }
    }

    /** Receiving side; used by the channel's one reading thread. */
    static final class In {
        private MappedByteBuffer map;

        /** Reads a transfer announced with {@code path} ("" = the file mapped before) into new arrays. */
        Object[] read(long seq, String path, int[] kinds, int[] lengths, BooleanSupplier open) throws IOException {
            if (!path.isEmpty()) {
                Path p = Path.of(path);
                if (!p.getFileName().toString().startsWith(PREFIX) || !DIR.equals(p.getParent()))
                    throw new IOException("refused shared-memory path " + path);
                try (FileChannel fc = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    map = fc.map(FileChannel.MapMode.READ_WRITE, 0, fc.size());
                }
                Files.deleteIfExists(p); // both sides have it mapped: the memory lives until both unmap
            }
            if (map == null) throw new IOException("shared-memory transfer without a mapped file");
            if ((long) LONGS.getVolatile(map, SEQ) != seq) throw new IOException("shared-memory transfer out of step");
            ByteBuffer data = map.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            Object[] arrays = new Object[kinds.length];
            long done = 0;
            for (int i = 0; i < kinds.length; i++) {
                int size = PrimitiveArrays.SIZES[kinds[i]], n = lengths[i];
                long at = HEADER + align(done);
                if (at + (long) n * size > map.capacity()) throw new IOException("shared-memory transfer larger than its file");
                Object a = arrays[i] = PrimitiveArrays.allocate(kinds[i], n);
                int from = 0;
                while (from < n) {
                    long end = at - HEADER + (long) n * size;
                    long written = waitForBytes(Math.min(end, at - HEADER + (long) (from + 1) * size), open);
                    int upTo = (int) Math.min(n, (written - (at - HEADER)) / size);
                    data.position((int) at + from * size);
                    PrimitiveArrays.get(data, a, from, upTo - from);
                    from = upTo;
                }
                done = at - HEADER + (long) n * size;
            }
            LONGS.setRelease(map, CONSUMED, seq);
            return arrays;
        }

        private long waitForBytes(long atLeast, BooleanSupplier open) throws IOException {
            long[] seen = new long[1];
            waitFor(() -> (seen[0] = (long) LONGS.getAcquire(map, WRITTEN)) >= atLeast, open, "the peer to write its data");
            return seen[0];
        }
    }

    private static long align(long n) {
        return (n + 7) & ~7L;
    }

    /**
     * Waits for the other process: spins briefly (a transfer in flight advances every few hundred microseconds),
     * then yields, then naps. Gives up when the connection closes or nothing happens for 30 s.
     */
    private static void waitFor(BooleanSupplier done, BooleanSupplier open, String what) throws IOException {
        long start = System.nanoTime();
        for (int i = 0; !done.getAsBoolean(); i++) {
            if (i < 200) Thread.onSpinWait();
            else if (i < 2000) Thread.yield();
            else LockSupport.parkNanos(50_000);
            if ((i & 255) == 255) {
                if (!open.getAsBoolean()) throw new IOException("connection closed while waiting for " + what);
                if (System.nanoTime() - start > MAX_STALL_NANOS) throw new IOException("gave up waiting for " + what);
            }
        }
    }
}
