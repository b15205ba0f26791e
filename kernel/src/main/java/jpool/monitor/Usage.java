package jpool.monitor;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Locale;

/**
 * One JVM's CPU and memory at one moment, read by that JVM itself: what a task board shows for a Spark executor,
 * which may run on another machine, where the kernel cannot read its process. CPU% comes from two readings of the
 * same JVM ({@link #cpuPercentSince}), both timed by that JVM's own clock, so network delays do not enter it.
 *
 * @param pid        the process id on its own host
 * @param cpuSeconds CPU time the whole process used so far (every thread, user and system)
 * @param atSeconds  when it was read, on the JVM's monotonic clock ({@link System#nanoTime()} in seconds)
 * @param rss        resident memory in bytes, or -1 where the system does not say (no /proc)
 * @param heapUsed   heap in use, bytes
 * @param heapMax    the heap's limit, bytes (-1 when it has none)
 */
public record Usage(long pid, double cpuSeconds, double atSeconds, long rss, long heapUsed, long heapMax) {
    /** This JVM now. */
    public static Usage ofThisJvm() {
        long pid = ProcessHandle.current().pid();
        double at = System.nanoTime() / 1e9;
        double cpu = -1;
        // com.sun.management's process CPU time counts every thread of the process, as /proc does for local workers
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpu = os.getProcessCpuTime() / 1e9;
        }
        double[] proc = ProcessStats.read(pid);
        if (cpu < 0) cpu = proc == null ? 0 : proc[0];
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new Usage(pid, cpu, at, proc == null ? -1 : (long) proc[1], heap.getUsed(), heap.getMax());
    }

    /** The CPU the process used between {@code earlier} and this reading, in percent of one core (200% = two busy cores). */
    public double cpuPercentSince(Usage earlier) {
        double dt = atSeconds - earlier.atSeconds;
        return dt <= 0 ? 0 : 100 * (cpuSeconds - earlier.cpuSeconds) / dt;
    }

    /** The reading as one line of text (what an executor sends to the kernel), read back by {@link #parse}. */
    public String encode() {
        return String.format(Locale.ROOT, "%d %.6f %.6f %d %d %d", pid, cpuSeconds, atSeconds, rss, heapUsed, heapMax);
    }

    /** A reading from {@link #encode()}'s text; null for text that is not one (a newer or older executor's). */
    public static Usage parse(String text) {
        String[] f = text.trim().split(" ");
        if (f.length != 6) return null;
        try {
            return new Usage(Long.parseLong(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Long.parseLong(f[5]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** "heap 85/512 MB": the heap in use and its limit. */
    public String heap() {
        return "heap " + (heapUsed >> 20) + (heapMax > 0 ? "/" + (heapMax >> 20) : "") + " MB";
    }

    /** The memory column: resident memory where known ("310 MB"), otherwise the heap in use. */
    public String memory() {
        return rss >= 0 ? ProcessStats.bytes(rss) : ProcessStats.bytes(heapUsed) + " heap";
    }
}
