package jpool.monitor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Per-CPU utilisation from Linux's {@code /proc/stat}, the numbers {@code top} shows after pressing {@code 1}:
 * each call to {@link #sample()} returns, per CPU, the busy fraction of the time since the previous call, and
 * {@link #sinceStart()} the busy fraction of the whole time since construction (from the counters themselves,
 * not an average of samples, so it is exact whatever the samples' lengths). Where {@code /proc/stat} does not
 * exist {@link #available()} is false.
 */
public final class CpuSampler {
    static final Path PROC_STAT = Path.of("/proc/stat");
    private final Supplier<long[][]> reader;
    private final long[][] first;
    private long[][] previous;

    /** Whether per-CPU sampling works on this machine (Linux). */
    public static boolean available() {
        return Files.isReadable(PROC_STAT);
    }

    /** A sampler of this machine's CPUs; its window starts now. */
    public CpuSampler() {
        this(CpuSampler::read);
    }

    /** A sampler reading {total, idle} jiffies per CPU from {@code reader} (tests give made-up counters). */
    CpuSampler(Supplier<long[][]> reader) {
        this.reader = reader;
        first = previous = reader.get();
    }

    /** How many CPUs the counters show. */
    public int cpus() {
        return first.length;
    }

    /** Busy fraction (0..1) of each CPU since the last sample (or since construction). */
    public synchronized double[] sample() {
        long[][] now = reader.get();
        double[] busy = busy(previous, now);
        previous = now;
        return busy;
    }

    /** Busy fraction (0..1) of each CPU from construction to the last {@link #sample()}. */
    public synchronized double[] sinceStart() {
        return busy(first, previous);
    }

    private static double[] busy(long[][] from, long[][] to) {
        double[] busy = new double[to.length];
        for (int i = 0; i < to.length; i++) {
            long[] a = i < from.length ? from[i] : new long[2];
            long total = to[i][0] - a[0], idle = to[i][1] - a[1];
            busy[i] = total <= 0 ? 0 : Math.max(0, Math.min(1, 1.0 - (double) idle / total));
        }
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
