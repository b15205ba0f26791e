package jpool;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The types a cell can use without an import are the API packages' declared ones, and only those. */
class CellImportsTest {
    @Test
    void everyCellImportsTheApiTypesTheApiPackagesDeclare() {
        List<String> imports = JavaKernel.cellImports();
        assertEquals(Set.of(
                "jpool.display.Display", "jpool.display.DisplayHandle", "jpool.display.MimeBundle", "jpool.display.Rich",
                "jpool.workers.Proc", "jpool.workers.Mp", "jpool.workers.ProcessFailed", "jpool.workers.RemoteFailure",
                "jpool.workers.WorkerStartFailed", "jpool.api.Job", "jpool.api.NotShippable", "jpool.api.JpoolException",
                "jpool.api.Fn", "jpool.api.Fn2", "jpool.api.Act", "jpool.api.Act2", "jpool.api.Call",
                "jpool.pool.Pool", "jpool.pool.AsyncResult", "jpool.pool.TaskFailed", "jpool.pool.WorkerDied",
                "jpool.pool.MapFailed", "jpool.pool.Outcome",
                "jpool.cluster.Cluster", "jpool.cluster.LocalStandalone", "jpool.cluster.ClusterFailure",
                "jpool.sharing.MpQueue", "jpool.sharing.JoinableMpQueue", "jpool.sharing.Pipe", "jpool.sharing.PipeEnd",
                "jpool.sharing.MpEvent", "jpool.sharing.MpLock", "jpool.sharing.MpSemaphore", "jpool.sharing.Manager",
                "jpool.sharing.SharedMap", "jpool.sharing.SharedList", "jpool.sharing.SharedInt", "jpool.sharing.SharedLong",
                "jpool.sharing.SharedDouble", "jpool.sharing.SharedIntArray", "jpool.sharing.SharedLongArray",
                "jpool.sharing.SharedDoubleArray"), Set.copyOf(imports));
        assertEquals(imports.size(), Set.copyOf(imports).size(), "no type twice");
        assertTrue(imports.stream().noneMatch(n -> n.endsWith(".Workers") || n.endsWith(".WorkerHandle")), "internals stay out");
    }
}
