/**
 * Pools of worker processes: {@code Pool} and what its calls return and throw; the scheduler behind it and the
 * {@code PoolExecutor} seam for where workers run.
 */
@CellImports({"Pool", "AsyncResult", "TaskFailed", "WorkerDied", "MapFailed", "Outcome"})
package jpool.pool;

import jpool.api.CellImports;
