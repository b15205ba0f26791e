package jpool.eval;

import java.util.List;

/**
 * A cell's error as Jupyter shows it: a name, a one-line message and traceback lines (ANSI-coloured). {@code cause}
 * is the exception the cell threw, as the real object (null for compile errors and other kernel-made errors).
 */
public record CellError(String ename, String evalue, List<String> traceback, Throwable cause) {
}
