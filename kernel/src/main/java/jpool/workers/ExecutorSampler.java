package jpool.workers;

import jpool.monitor.Usage;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Reads the CPU and memory of the executor JVM it runs in once a second and sends them to the kernel, for the
 * cluster pool's task board. One per executor JVM, from its first jpool task on.
 *
 * <p>Why the executor reads itself rather than the kernel asking Spark: Spark's own figures for an executor
 * (its ExecutorSummary's peak memory metrics, a task's executorCpuTime) reach the driver only with heartbeats (every
 * 10 s) and at task end, so a long task showed no CPU at all until it finished; and the kernel can read a process
 * table only on its own machine. A reading a second over the pool's authenticated output channel is live wherever
 * the executor runs.
 *
 * <p>It keeps reading while the executor is idle too: the board averages CPU over the run, and an idle executor's
 * average must fall as a local worker's does (a sampler that stopped with the last task froze it at its busy value).
 * A line a second per executor costs nothing next to the tasks' own output.
 */
final class ExecutorSampler {
    static final long PERIOD_MS = 1000;
    private static ScheduledExecutorService timer;

    private ExecutorSampler() {
    }

    /**
     * Starts the sampler of this JVM (the first call; later ones do nothing), sending each reading to {@code send}
     * with the executor's id. The first reading goes out at once, so a board has a starting point for its average.
     */
    static synchronized void start(String executorId, BiConsumer<String, String> send) {
        if (timer != null) return;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jpool-executor-sampler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> send.accept(executorId, Usage.ofThisJvm().encode()), 0, PERIOD_MS, TimeUnit.MILLISECONDS);
    }
}
