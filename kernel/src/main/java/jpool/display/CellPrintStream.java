package jpool.display;

import jpool.log.KernelLog;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The System.out / System.err of the kernel JVM: text goes to the cell that produced it. */
public final class CellPrintStream extends OutputStream {
    private final String stream;
    private final PrintStream fallback;

    private CellPrintStream(String stream, PrintStream fallback) {
        this.stream = stream;
        this.fallback = fallback;
    }

    /** Replaces System.out and System.err with cell-routed streams. */
    public static void install() {
        PrintStream out = System.out, err = System.err;
        System.setOut(new PrintStream(new CellPrintStream("stdout", out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new CellPrintStream("stderr", err), true, StandardCharsets.UTF_8));
    }

    @Override
    public void write(int b) {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        String text = new String(b, off, len, StandardCharsets.UTF_8);
        OutputTarget target = CellScope.target();
        if (target == null) {
            fallback.print(text);
            return;
        }
        try {
            target.write(stream, text);
        } catch (RuntimeException e) {
            KernelLog.warn("could not send output to the notebook", e);
        }
    }
}
