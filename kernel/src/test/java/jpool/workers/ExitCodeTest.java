package jpool.workers;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExitCodeTest {
    @Test
    void exitCodesFollowMultiprocessing() {
        assertEquals(0, WorkerHandle.exitCode(0, 0, 0));
        assertEquals(1, WorkerHandle.exitCode(1, 1, 0));
        assertEquals(-9, WorkerHandle.exitCode(137, null, 0), "killed by SIGKILL from outside");
        assertEquals(-15, WorkerHandle.exitCode(143, null, 0), "killed by SIGTERM from outside");
        assertEquals(143, WorkerHandle.exitCode(143, 143, 0), "System.exit(143) is not a signal");
        assertEquals(-15, WorkerHandle.exitCode(143, 0, 15), "terminate() wins over an exit that was under way");
        assertEquals(3, WorkerHandle.exitCode(3, null, 0), "out of memory exits with 3");
    }
}
