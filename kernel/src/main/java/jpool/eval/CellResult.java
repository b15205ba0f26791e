package jpool.eval;

import java.util.List;

/**
 * What running a cell produced: the value of its last expression (when it has one) or the error that stopped it.
 */
public record CellResult(boolean hasValue, Object value, CellError error) {
    static final CellResult NOTHING = new CellResult(false, null, null);

    static CellResult value(Object v) {
        return new CellResult(true, v, null);
    }

    /** A result showing {@code v}, or nothing when {@code v} is null (magics). */
    public static CellResult ofValue(Object v) {
        return v == null ? NOTHING : value(v);
    }

    /** A failed result with a one-line error. */
    public static CellResult ofError(String ename, String evalue) {
        return failed(new CellError(ename, evalue, List.of("\u001b[1;31m" + ename + "\u001b[0m: " + evalue), null));
    }

    static CellResult failed(CellError e) {
        return new CellResult(false, null, e);
    }
}
