package jpool.display;

import jpool.protocol.Cell;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The System.in of the kernel JVM. A cell that reads it (a {@code Scanner}, a {@code BufferedReader}, ...) makes
 * the frontend ask the user for a line: when nothing is buffered, the cell running on this thread sends an
 * input_request and the typed line, plus {@code "\n"}, is what the reads return. Ending input in the frontend
 * (Ctrl-D in jupyter console) is end of stream. A frontend that does not allow input (allow_stdin false, e.g. a
 * notebook run by nbconvert) gets a clear error instead of a read that blocks forever.
 */
public final class CellInputStream extends InputStream {
    private static final byte[] EMPTY = new byte[0];
    private byte[] line = EMPTY;
    private int pos;
    /** The cell the buffered line was typed for; a line left unread never leaks into another cell. */
    private Cell lineCell;

    private CellInputStream() {
    }

    /** Replaces System.in with a stream that asks the frontend of the running cell for input. */
    public static void install() {
        System.setIn(new CellInputStream());
    }

    @Override
    public synchronized int read() {
        if (!fill()) return -1;
        return line[pos++] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return 0;
        if (!fill()) return -1;
        int n = Math.min(len, line.length - pos);
        System.arraycopy(line, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Only what is already buffered: asking the user is never done just to answer available(). */
    @Override
    public synchronized int available() {
        return lineCell == CellScope.current() ? line.length - pos : 0;
    }

    /** Makes sure unread bytes are buffered, asking the user when needed; false at end of input. */
    private boolean fill() {
        Cell cell = CellScope.current();
        if (cell == null || cell.finished())
            throw new IllegalStateException("System.in can only be read by a running cell"
                    + (cell == null ? "" : " (cell [" + cell.executionCount() + "] already finished)"));
        if (cell != lineCell) {
            line = EMPTY;
            pos = 0;
            lineCell = cell;
        }
        if (pos < line.length) return true;
        if (!cell.acceptsInput())
            throw new IllegalStateException("System.in cannot be read: this frontend does not accept input "
                    + "(allow_stdin is false, e.g. a notebook run without a user). Pass the value in code instead.");
        String typed = cell.readLine("", false);
        if (typed == null) return false;
        line = (typed + "\n").getBytes(StandardCharsets.UTF_8);
        pos = 0;
        return true;
    }
}
