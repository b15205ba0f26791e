package jpool.pool;

import jpool.monitor.TaskBoard;

import java.util.ArrayList;
import java.util.List;

/** A pool's workers as rows of a {@link TaskBoard}: name, PID, busy or idle, tasks run, last output lines. */
public final class PoolBoard {
    private PoolBoard() {
    }

    /** One row per worker of {@code pool} now. */
    public static List<TaskBoard.Row> rows(Pool pool) {
        List<TaskBoard.Row> rows = new ArrayList<>();
        for (PoolStatus.Worker w : pool.workers())
            rows.add(new TaskBoard.Row(w.name(), w.pid(), w.busy() ? "busy" : "idle", w.tasksRun() + " tasks", w.recentLines()));
        return rows;
    }
}
