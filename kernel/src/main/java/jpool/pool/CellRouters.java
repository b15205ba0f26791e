package jpool.pool;

import jpool.protocol.Cell;
import jpool.workers.LogRouter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A pool's log routers, one per cell that submitted work: worker output goes to the cell whose task printed it.
 * Routers of finished cells with no task left are closed as new ones are made; without that a pool kept an open
 * log file (and the cell) for every cell that ever used it, until the kernel ran out of file descriptors. A late
 * line for such a cell simply gets a fresh router. Not thread-safe: the pool calls it under its lock.
 */
final class CellRouters {
    private final String prefix;
    private final Predicate<Cell> stillRunning;
    private final Map<Cell, LogRouter> routers = new LinkedHashMap<>();

    /**
     * @param prefix       names the routers' log files ("pool-3" gives pool-3-cell-12)
     * @param stillRunning whether a cell's work may still print when its code ends (it then keeps a late display)
     */
    CellRouters(String prefix, Predicate<Cell> stillRunning) {
        this.prefix = prefix;
        this.stillRunning = stillRunning;
    }

    /** The router of {@code cell}; {@code busyCells} are the cells with tasks pending or running. */
    LogRouter forCell(Cell cell, Supplier<Set<Cell>> busyCells) {
        LogRouter r = routers.get(cell);
        if (r == null) {
            Set<Cell> busy = busyCells.get();
            routers.entrySet().removeIf(e -> {
                Cell c = e.getKey();
                if (c == null || !c.finished() || busy.contains(c)) return false;
                e.getValue().close();
                return true;
            });
            r = new LogRouter(cell, prefix + (cell == null ? "" : "-cell-" + cell.executionCount()), () -> stillRunning.test(cell));
            routers.put(cell, r);
        }
        return r;
    }

    /** The pool is done: release the log files (output that still arrives reopens them). */
    void closeAll() {
        routers.values().forEach(LogRouter::close);
    }
}
