package jpool.magics;

import jpool.eval.CellResult;

/** A magic ran Java code that failed (a compile or runtime error in the cell body): report that error as it is. */
final class MagicFailure extends RuntimeException {
    final transient CellResult result;

    MagicFailure(CellResult result) {
        super("cell body failed", null, false, false);
        this.result = result;
    }
}
