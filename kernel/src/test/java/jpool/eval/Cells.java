package jpool.eval;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A notebook's worth of cells run through one evaluator, numbered like Jupyter's execution counts. */
final class Cells implements AutoCloseable {
    final JShellEvaluator evaluator;
    private int count;

    Cells() {
        // the test class path holds jpool's classes, so cells can use the display API like in the kernel
        evaluator = new JShellEvaluator(System.getProperty("java.class.path"),
                List.of("jpool.display.Display", "jpool.display.MimeBundle"));
    }

    /** The execution count the next cell will get. */
    int next() {
        return count + 1;
    }

    CellResult run(String code) {
        return evaluator.eval(code, ++count);
    }

    /** Runs a cell that must succeed and returns its value (null when it has none). */
    Object value(String code) {
        CellResult r = run(code);
        assertNull(r.error(), () -> "cell failed: " + r.error().ename() + ": " + r.error().evalue()
                + "\n" + String.join("\n", r.error().traceback()));
        assertTrue(r.hasValue(), () -> "cell has no value: " + code);
        return r.value();
    }

    /** Runs a cell that must succeed without a value (declarations, statements). */
    void define(String code) {
        CellResult r = run(code);
        assertNull(r.error(), () -> "cell failed: " + r.error().ename() + ": " + r.error().evalue()
                + "\n" + String.join("\n", r.error().traceback()));
    }

    /** Runs a cell that must fail and returns its error. */
    CellError error(String code) {
        CellResult r = run(code);
        assertNotNull(r.error(), () -> "cell did not fail: " + code + " (value " + r.value() + ")");
        return r.error();
    }

    /** Traceback lines without ANSI colours. */
    static List<String> plain(CellError e) {
        return e.traceback().stream().map(Cells::stripAnsi).toList();
    }

    static String stripAnsi(String s) {
        return s.replaceAll("\u001b\\[[0-9;]*m", "");
    }

    @Override
    public void close() {
        evaluator.close();
    }
}
