package jpool.monitor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of one process from {@code /proc/<pid>/stat} (Linux); CPU% is computed between
 * two readings. Returns zeros where /proc is not available.
 */
public final class ProcessStats {
    private static final long PAGE_SIZE = 4096;
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ is 100 on every Linux architecture in use

    private ProcessStats() {
    }

    /** {cpu seconds used so far, resident set size in bytes}, or null when the process is gone or /proc is absent. */
    public static double[] read(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may contain spaces: fields are counted after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND; // utime, stime
            double rss = Long.parseLong(f[21]) * PAGE_SIZE;
            return new double[]{cpu, rss};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** "123 MB" style. */
    public static String bytes(double b) {
        if (b >= 1 << 30) return String.format("%.1f GB", b / (1 << 30));
        if (b >= 1 << 20) return String.format("%.0f MB", b / (1 << 20));
        return String.format("%.0f KB", b / 1024);
    }
}
