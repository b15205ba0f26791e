package jpool.eval;

import java.util.concurrent.CountDownLatch;

/** Public so that cell code can reach it: lets a test wait until a cell is really running, without sleeping. */
public final class CellSignals {
    public static final CountDownLatch LOOP_STARTED = new CountDownLatch(1);

    private CellSignals() {
    }
}
