package jpool.magics;

import jpool.eval.CellResult;
import jpool.eval.JShellEvaluator;

import java.util.concurrent.atomic.AtomicInteger;

/** Evaluates Java that a magic generated, in the notebook's JShell, failing the magic with the code's own error. */
final class JavaRunner {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private final JShellEvaluator evaluator;
    private final MagicDispatcher dispatcher;

    JavaRunner(JShellEvaluator evaluator, MagicDispatcher dispatcher) {
        this.evaluator = evaluator;
        this.dispatcher = dispatcher;
    }

    /** A fresh name for a generated variable. */
    static String freshName(String stem) {
        return "__jpool_" + stem + NAMES.incrementAndGet();
    }

    /** Runs {@code code}; a compile or runtime error becomes the cell's error. */
    CellResult run(String code) {
        var cell = dispatcher.currentCell();
        CellResult r = evaluator.eval(code, cell == null ? 0 : cell.executionCount());
        if (r.error() != null) throw new MagicFailure(r);
        return r;
    }

    /** Like {@link #run} but returns the failed result instead of throwing. */
    CellResult tryRun(String code) {
        var cell = dispatcher.currentCell();
        return evaluator.eval(code, cell == null ? 0 : cell.executionCount());
    }

    JShellEvaluator evaluator() {
        return evaluator;
    }

    MagicDispatcher dispatcher() {
        return dispatcher;
    }
}
