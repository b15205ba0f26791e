package jpool.eval;

import java.io.OutputStream;
import java.io.Writer;
import java.util.Formatter;

/**
 * Values a cell's last expression yields only because Java's output methods return their stream for chaining:
 * {@code System.out.printf(...)} returns {@code System.out}, and showing {@code java.io.PrintStream@4256958e} as
 * the cell's value is noise. Python's {@code print} returns None, which IPython does not show either.
 */
final class StatementValues {
    private StatementValues() {
    }

    /** Whether {@code value} is an output stream, writer or formatter: a statement's by-product, not a result. */
    static boolean isStatementLike(Object value) {
        return value instanceof OutputStream || value instanceof Writer || value instanceof Formatter;
    }
}
