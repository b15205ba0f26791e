package jpool.ipc;

import jpool.log.KernelLog;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The kernel's private temporary directory ({@code jpool-<digits>} in {@code java.io.tmpdir}, mode 0700: the worker
 * socket and worker log files). It names its kernel in a file {@code kernel.pid} (pid and start time, so a reused
 * pid is not taken for the kernel), is deleted when the kernel ends, and {@link #sweep()} deletes those a dead
 * kernel left behind (killed with SIGKILL, or a machine crash).
 */
public final class KernelTempDir {
    /** What Files.createTempDirectory("jpool-") makes; other jpool-* names (test scratch dirs) are never touched. */
    private static final Pattern NAME = Pattern.compile("jpool-\\d+");
    private static final String PID_FILE = "kernel.pid";
    /** A directory without a pid file (an older jpool) and without a socket is left alone this long. */
    private static final Duration LEGACY_GRACE = Duration.ofMinutes(1);

    private KernelTempDir() {
    }

    /** Makes this kernel's directory and records its pid and start time in it. */
    public static Path create() throws IOException {
        Path dir = Files.createTempDirectory("jpool-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        ProcessHandle self = ProcessHandle.current();
        Files.writeString(dir.resolve(PID_FILE), self.pid() + " " + startMillis(self).orElse(0L) + "\n");
        return dir;
    }

    /** Deletes {@code dir} and everything in it; what cannot be deleted is logged, never thrown. */
    public static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        } catch (IOException | RuntimeException e) {
            KernelLog.warn("could not delete the kernel's temporary directory " + dir + ": " + e);
        }
    }

    /** Deletes the directories in java.io.tmpdir whose kernel is dead; returns how many. */
    public static int sweep() {
        return sweep(Path.of(System.getProperty("java.io.tmpdir")));
    }

    static int sweep(Path tmp) {
        int deleted = 0;
        try (var dirs = Files.newDirectoryStream(tmp, p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))) {
            for (Path dir : dirs) {
                if (isOrphan(dir)) {
                    delete(dir);
                    if (!Files.exists(dir)) deleted++;
                }
            }
        } catch (IOException | RuntimeException e) {
            KernelLog.info("no sweep of old kernel directories in " + tmp + ": " + e);
        }
        if (deleted > 0) KernelLog.info("deleted " + deleted + " temporary directories of kernels that are gone");
        return deleted;
    }

    /** Whether the kernel that made {@code dir} is gone. Unreadable or foreign directories count as in use. */
    static boolean isOrphan(Path dir) {
        try {
            if (!Files.isWritable(dir)) return false; // another user's
            Path pidFile = dir.resolve(PID_FILE);
            if (Files.exists(pidFile)) {
                String[] f = Files.readString(pidFile).trim().split("\\s+");
                long pid = Long.parseLong(f[0]), started = Long.parseLong(f[1]);
                Optional<ProcessHandle> p = ProcessHandle.of(pid);
                return p.isEmpty() || !p.get().isAlive()
                        || (started != 0 && startMillis(p.get()).map(s -> Math.abs(s - started) > 2000).orElse(false));
            }
            // an older jpool's directory: dead when nothing listens on its socket any more
            Path socket = dir.resolve("kernel.sock");
            if (Files.exists(socket)) return !listening(socket);
            FileTime modified = Files.getLastModifiedTime(dir);
            return modified.toInstant().isBefore(Instant.now().minus(LEGACY_GRACE));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean listening(Path socket) {
        try (SocketChannel s = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return !(e instanceof ConnectException);
        }
    }

    private static Optional<Long> startMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli);
    }
}
