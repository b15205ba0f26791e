package jpool.pool;

import jpool.monitor.TaskBoard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pool's workers as rows of one call's {@link TaskBoard}: name, PID, state, how many of this call's inputs each
 * ran (with a Spark executor's cores and heap), last output lines. Workers that left the pool during the call stay on the board, marked as gone: a board
 * that dropped a killed worker hid what happened to its inputs.
 */
public final class PoolBoard {
    private final Pool pool;
    private final Batch call;
    private final Map<String, TaskBoard.Row> seen = new LinkedHashMap<>();

    /** The rows of {@code run}'s board ({@code run} from a map of {@code pool}). */
    public PoolBoard(Pool pool, AsyncResult<?> run) {
        this(pool, run.batch());
    }

    PoolBoard(Pool pool, Batch call) {
        this.pool = pool;
        this.call = call;
    }

    /** One row per worker of the pool now, and one per worker the call saw that has gone since. */
    public synchronized List<TaskBoard.Row> rows() {
        Map<String, TaskBoard.Row> now = new LinkedHashMap<>();
        for (PoolStatus.Worker w : pool.workers()) {
            String state = w.killed() ? "killed" : w.busy() ? "busy" : "idle";
            int ran = call == null ? w.tasksRun() : call.ranBy(w.name());
            // an executor's pid is on its own host: shown from its reading, never looked up on this machine
            long pid = w.usage() != null ? w.usage().pid() : w.pid();
            now.put(w.name(), new TaskBoard.Row(w.name(), pid, state, detail(w, ran), w.recentLines(), w.usage()));
        }
        for (Map.Entry<String, TaskBoard.Row> e : seen.entrySet()) {
            if (now.containsKey(e.getKey())) continue;
            TaskBoard.Row r = e.getValue();
            String gone = r.state().equals("killed") || r.state().startsWith("killed") ? "killed, replaced" : "exited";
            int ran = call == null ? 0 : call.ranBy(r.name());
            e.setValue(new TaskBoard.Row(r.name(), r.pid(), gone, inputs(ran), r.tail(), r.usage()));
        }
        for (Map.Entry<String, TaskBoard.Row> e : now.entrySet()) seen.put(e.getKey(), e.getValue());
        List<TaskBoard.Row> rows = new ArrayList<>(seen.values());
        return rows;
    }

    /** "2 cores, 3 inputs, heap 85/512 MB" for an executor; "3 inputs" for a local worker. */
    private static String detail(PoolStatus.Worker w, int ran) {
        return (w.about().isEmpty() ? "" : w.about() + ", ") + inputs(ran) + (w.usage() == null ? "" : ", " + w.usage().heap());
    }

    private static String inputs(int n) {
        return n + (n == 1 ? " input" : " inputs");
    }

    /** One row per worker of {@code pool} now, with the tasks each ran in the pool's life. */
    public static List<TaskBoard.Row> rows(Pool pool) {
        return new PoolBoard(pool, (Batch) null).rows();
    }
}
