package jpool.monitor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-CPU utilisation from Linux's {@code /proc/stat}, the numbers {@code top} shows after pressing {@code 1}:
 * each call to {@link #sample()} returns, per CPU, the busy fraction of the time since the previous call.
 * Where {@code /proc/stat} does not exist {@link #available()} is false.
 */
public final class CpuSampler {
    static final Path PROC_STAT = Path.of("/proc/stat");
    private long[][] previous;

    /** Whether per-CPU sampling works on this machine (Linux). */
    public static boolean available() {
        return Files.isReadable(PROC_STAT);
    }

    public CpuSampler() {
        previous = read();
    }

    /** Busy fraction (0..1) of each CPU since the last sample (or since construction). */
    public synchronized double[] sample() {
        long[][] now = read();
        double[] busy = new double[now.length];
        for (int i = 0; i < now.length; i++) {
            long[] a = i < previous.length ? previous[i] : new long[2];
            long total = now[i][0] - a[0], idle = now[i][1] - a[1];
            busy[i] = total <= 0 ? 0 : Math.max(0, Math.min(1, 1.0 - (double) idle / total));
        }
        previous = now;
        return busy;
    }

    /** Per CPU: {total jiffies, idle jiffies (idle + iowait)}. */
    static long[][] read() {
        if (!available()) return new long[0][];
        try {
            return parse(Files.readAllLines(PROC_STAT));
        } catch (IOException e) {
            return new long[0][];
        }
    }

    static long[][] parse(List<String> lines) {
        List<long[]> cpus = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("cpu") || line.startsWith("cpu ")) continue;
            String[] f = line.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) total += Long.parseLong(f[i]); // user..steal; guest is inside user
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            cpus.add(new long[]{total, idle});
        }
        return cpus.toArray(new long[0][]);
    }
}
