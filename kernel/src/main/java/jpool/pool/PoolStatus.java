package jpool.pool;

import jpool.monitor.Usage;

import java.util.List;

/**
 * A pool and its workers at one moment: what the pool's own display, {@code %pool} and the live task board show.
 *
 * @param pool    the pool's name ("Pool-1")
 * @param state   "run", "close" or "terminate"
 * @param done    inputs finished well
 * @param pending tasks queued or waiting in a worker
 * @param failed  inputs that failed
 * @param workers its workers now
 */
public record PoolStatus(String pool, String state, int done, long pending, int failed, List<Worker> workers) {
    /**
     * What one worker is doing.
     *
     * @param busy         it holds at least one task
     * @param initializing its initializer has not finished
     * @param tasksRun     tasks it finished
     * @param recentLines  the last few lines it printed
     * @param killed       an interrupt is killing it (its tasks were cancelled); a new worker takes its place
     * @param about        what else there is to say about it ("2 cores" for a Spark executor), or ""
     * @param usage        its CPU and memory as it read them itself (a Spark executor, maybe on another machine), or
     *                     null: a local worker's are read from its process by {@code pid}
     */
    public record Worker(String name, long pid, boolean busy, boolean initializing, int tasksRun, List<String> recentLines,
                         boolean killed, String about, Usage usage) {
        /** A local worker: its CPU and memory are read from its process. */
        public Worker(String name, long pid, boolean busy, boolean initializing, int tasksRun, List<String> recentLines, boolean killed) {
            this(name, pid, busy, initializing, tasksRun, recentLines, killed, "", null);
        }

        /** "busy", "initializing" or "idle". */
        public String activity() {
            return busy ? "busy" : initializing ? "initializing" : "idle";
        }
    }

    /** One line: workers busy/idle, tasks done/pending/failed, state ("Pool-1 [run]: 4 workers (1 busy), ..."). */
    public String line() {
        long busy = workers.stream().filter(Worker::busy).count();
        return pool + " [" + state + "]: " + workers.size() + " workers (" + busy + " busy), tasks "
                + done + " done, " + pending + " pending, " + failed + " failed";
    }

    /** Whether the pool still takes tasks (it was neither closed nor terminated). */
    public boolean running() {
        return "run".equals(state);
    }
}
