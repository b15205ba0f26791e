package jpool.eval;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runtime traces built from hand-made stack frames, so every rule is checked apart from JShell. */
class ErrorFormatterTest {
    private final ErrorFormatter formatter = new ErrorFormatter();
    /** snippet 7 starts on line 3 of cell [5]; snippet 9 on line 1 of cell [6] */
    private final Map<String, ErrorFormatter.Origin> origins = Map.of(
            "7", new ErrorFormatter.Origin(5, 3), "9", new ErrorFormatter.Origin(6, 1));

    private static StackTraceElement cellFrame(String method, String snippetId, int line) {
        return new StackTraceElement("", method, "#" + snippetId, line);
    }

    private static StackTraceElement frame(String cls, String method) {
        return new StackTraceElement(cls, method, cls.substring(cls.lastIndexOf('.') + 1) + ".java", 10);
    }

    private static Throwable thrown(Throwable t, StackTraceElement... frames) {
        t.setStackTrace(frames);
        return t;
    }

    private static final StackTraceElement[] KERNEL_BELOW = {
            frame("jdk.internal.reflect.NativeMethodAccessorImpl", "invoke0"),
            frame("java.lang.reflect.Method", "invoke"),
            frame("jpool.eval.CapturingExecutionControl", "lambda$invoke$0"),
            frame("java.lang.Thread", "run")};

    private static StackTraceElement[] concat(StackTraceElement[] top, StackTraceElement[] bottom) {
        StackTraceElement[] all = new StackTraceElement[top.length + bottom.length];
        System.arraycopy(top, 0, all, 0, top.length);
        System.arraycopy(bottom, 0, all, top.length, bottom.length);
        return all;
    }

    private List<String> trace(Throwable t) {
        return Cells.plain(formatter.runtimeError(t, origins));
    }

    @Test
    void cellFramesNameTheCellAndTheLineInIt() {
        Throwable t = thrown(new IllegalStateException("bad"), concat(new StackTraceElement[]{
                cellFrame("check", "7", 2), cellFrame("do_it$", "9", 1)}, KERNEL_BELOW));
        assertEquals(List.of("java.lang.IllegalStateException: bad",
                "    at check (cell [5], line 4)",
                "    at <cell> (cell [6], line 1)"), trace(t));
    }

    @Test
    void framesAboveTheCellAreKeptAndTheKernelBelowIsDropped() {
        Throwable t = thrown(new IllegalArgumentException(), concat(new StackTraceElement[]{
                frame("java.lang.reflect.Array", "get"),
                frame("java.util.ArrayList", "forEach"),
                cellFrame("lambda$do_it$$0", "9", 1),
                cellFrame("do_it$", "9", 1)}, KERNEL_BELOW));
        assertEquals(List.of("java.lang.IllegalArgumentException",
                "    at java.lang.reflect.Array.get(Array.java:10)",
                "    at java.util.ArrayList.forEach(ArrayList.java:10)",
                "    at lambda (cell [6], line 1)",
                "    at <cell> (cell [6], line 1)"), trace(t));
    }

    @Test
    void withoutAnyCellFrameOnlyTheKernelsFramesAreDropped() {
        Throwable t = thrown(new RuntimeException("in a thread"), concat(new StackTraceElement[]{
                frame("java.util.concurrent.FutureTask", "run")}, KERNEL_BELOW));
        assertEquals(List.of("java.lang.RuntimeException: in a thread",
                "    at java.util.concurrent.FutureTask.run(FutureTask.java:10)",
                "    at java.lang.Thread.run(Thread.java:10)"), trace(t));
    }

    @Test
    void causesShowOnlyTheirOwnFrames() {
        StackTraceElement[] outer = concat(new StackTraceElement[]{cellFrame("load", "7", 1), cellFrame("do_it$", "9", 1)}, KERNEL_BELOW);
        StackTraceElement[] inner = concat(new StackTraceElement[]{frame("java.io.FileInputStream", "open"),
                cellFrame("load", "7", 1), cellFrame("do_it$", "9", 1)}, KERNEL_BELOW);
        Throwable cause = thrown(new IOException("disk"), inner);
        Throwable t = thrown(new RuntimeException("load failed", cause), outer);
        assertEquals(List.of("java.lang.RuntimeException: load failed",
                "    at load (cell [5], line 3)",
                "    at <cell> (cell [6], line 1)",
                "Caused by: java.io.IOException: disk",
                "    at java.io.FileInputStream.open(FileInputStream.java:10)",
                "    ... 2 more (as above)"), trace(t));
    }

    @Test
    void aCyclicCauseChainEnds() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        List<String> tb = trace(a);
        assertEquals(2, tb.stream().filter(l -> l.contains("RuntimeException")).count(), tb.toString());
    }

    @Test
    void framesOfUnknownSnippetsStayReadable() {
        Throwable t = thrown(new RuntimeException(), cellFrame("m", "404", 3));
        assertEquals("    at m (#404:3)", trace(t).get(1));
    }

    @Test
    void theErrorCarriesTheThrowableAndItsMessage() {
        Throwable t = thrown(new RuntimeException("x from REPL.$JShell$12.y"), cellFrame("do_it$", "9", 1));
        CellError e = formatter.runtimeError(t, origins);
        assertSame(t, e.cause());
        assertEquals("java.lang.RuntimeException", e.ename());
        assertEquals("x from y", e.evalue());
        assertTrue(e.traceback().get(0).startsWith(ErrorFormatter.BOLD_RED), "the exception name is highlighted");
    }

    @Test
    void simpleErrorsHaveOneLine() {
        CellError e = formatter.simple("Interrupted", "the cell was interrupted");
        assertEquals(List.of("Interrupted: the cell was interrupted"), Cells.plain(e));
        assertNull(e.cause());
    }

    @Test
    void jshellNamesBecomeTheUsersNames() {
        assertEquals("Foo.Bar", ErrorFormatter.userName("REPL.$JShell$12$Foo$Bar"));
        assertEquals("Foo", ErrorFormatter.userName("REPL.$JShell$12$Foo"));
        assertEquals("", ErrorFormatter.userName("REPL.$JShell$12"));
        assertEquals("java.lang.String", ErrorFormatter.userName("java.lang.String"));
        assertEquals("Because \"o\" is null; class Point",
                ErrorFormatter.cleanMessage("Because \"REPL.$JShell$23.o\" is null; class REPL.$JShell$18$Point"));
        assertEquals("no JShell name here", ErrorFormatter.cleanMessage("no JShell name here"));
    }

    @Test
    void kernelFramesAreReflectionJShellAndTheEvaluator() {
        assertTrue(ErrorFormatter.isKernelFrame(frame("jdk.jshell.execution.DirectExecutionControl", "invoke")));
        assertTrue(ErrorFormatter.isKernelFrame(frame("jpool.eval.JShellEvaluator", "eval")));
        assertFalse(ErrorFormatter.isKernelFrame(frame("jpool.display.Display", "table")));
        assertFalse(ErrorFormatter.isKernelFrame(frame("java.util.ArrayList", "get")));
    }
}
