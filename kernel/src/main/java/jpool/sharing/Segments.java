package jpool.sharing;

import jpool.log.KernelLog;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kernel's shared-memory files: created in {@code /dev/shm} (RAM; a temp directory where there is none),
 * readable only by this user, named after the kernel's pid, and deleted when the kernel ends. A kernel killed
 * outright cannot delete its files, so each kernel first removes those of kernels that no longer run.
 * Processes that mapped a file keep their mapping after it is deleted, until they exit.
 */
final class Segments {
    private static final String PREFIX = "jpool-shm-";
    private final long pid = ProcessHandle.current().pid();
    private static final AtomicInteger COUNTER = new AtomicInteger(); // unique per JVM, whatever the instance
    private final List<Path> files = new ArrayList<>();
    private final Path dir = directory();
    private boolean swept;

    private static Path directory() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** A new zero-filled file of {@code bytes} bytes. */
    synchronized Path create(long bytes) {
        if (bytes < 0 || bytes > Integer.MAX_VALUE) throw new IllegalArgumentException("shared memory of " + bytes + " bytes is not possible (max 2 GB)");
        if (!swept) sweep();
        Path p = dir.resolve(PREFIX + pid + "-" + COUNTER.incrementAndGet());
        try {
            Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(Math.max(8, bytes));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create shared memory in " + dir + ": " + e.getMessage(), e);
        }
        files.add(p);
        p.toFile().deleteOnExit(); // also when the JVM ends without a kernel shutdown (tests, a crashed kernel loop)
        return p;
    }

    /** Deletes every file of this kernel; processes that mapped one keep their mapping until they exit. */
    synchronized void freeAll() {
        for (Path p : files) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                KernelLog.warn("could not delete shared memory " + p + ": " + e.getMessage());
            }
        }
        files.clear();
    }

    private void sweep() {
        swept = true;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path p : s) {
                String rest = p.getFileName().toString().substring(PREFIX.length());
                int dash = rest.indexOf('-');
                try {
                    long owner = Long.parseLong(rest.substring(0, dash));
                    if (ProcessHandle.of(owner).isEmpty()) Files.deleteIfExists(p);
                } catch (RuntimeException | IOException e) {
                    // not ours to judge, or not ours to delete
                }
            }
        } catch (IOException e) {
            KernelLog.info("no sweep of old shared memory in " + dir + ": " + e.getMessage());
        }
    }
}
