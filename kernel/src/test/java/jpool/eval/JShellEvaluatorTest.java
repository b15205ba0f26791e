package jpool.eval;

import jpool.display.MimeBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Running cells: what persists, what a cell's value is, and how its errors read. */
class JShellEvaluatorTest {
    private static Cells cells;

    @BeforeAll
    static void start() {
        cells = new Cells();
    }

    @AfterAll
    static void stop() {
        cells.close();
    }

    @Test
    void variablesPersistAcrossCells() {
        cells.define("int base = 40;");
        assertEquals(42, cells.value("base + 2"));
    }

    @Test
    void methodsPersistAcrossCells() {
        cells.define("long square(long v) {\n    return v * v;\n}");
        assertEquals(49L, cells.value("square(7)"));
    }

    @Test
    void recordsPersistAndValuesAreTheRealObjects() throws Exception {
        cells.define("record Point(int x, int y) {}");
        Object p = cells.value("new Point(3, 4)");
        assertTrue(p.getClass().isRecord());
        assertEquals("Point[x=3, y=4]", p.toString());
        RecordComponent x = p.getClass().getRecordComponents()[0];
        assertEquals("x", x.getName());
        assertEquals(3, x.getAccessor().invoke(p));
    }

    @Test
    void importsPersistAcrossCells() {
        cells.define("import java.time.LocalDate;");
        assertEquals("THURSDAY", cells.value("LocalDate.of(2024, 2, 29).getDayOfWeek().toString()"));
    }

    @Test
    void jshellDefaultImportsAndExtraImportsAreThere() {
        assertInstanceOf(ArrayList.class, cells.value("new ArrayList<String>()"));
        assertInstanceOf(Stream.class, cells.value("Stream.of(1)"));
        MimeBundle html = (MimeBundle) cells.value("Display.html(\"<b>bold</b>\")");
        assertEquals("<b>bold</b>", html.mimeBundle().get("text/html"));
    }

    @Test
    void severalSnippetsInOneCellRunInOrderAndTheLastExpressionIsTheValue() {
        Object v = cells.value("StringBuilder trail = new StringBuilder();\ntrail.append(\"a\");\n"
                + "void more() { trail.append(\"b\"); }\nmore(); trail.append(\"c\");\ntrail.toString()");
        assertEquals("abc", v);
        assertEquals(6, cells.value("int two = 2; int three = 3; two * three"));
    }

    @Test
    void theValueIsALiveObjectNotItsText() {
        Object v = cells.value("List.of(1, 2, 3)");
        assertEquals(List.of(1, 2, 3), v);
        assertNull(cells.value("(String) null"));
    }

    @Test
    void declarationsStatementsAndVoidCallsHaveNoValue() {
        assertFalse(cells.run("int unusedValue = 5;").hasValue());
        assertFalse(cells.run("String describe() { return \"x\"; }").hasValue());
        assertFalse(cells.run("System.out.flush()").hasValue());
        assertFalse(cells.run("").hasValue());
        assertFalse(cells.run("// only a comment").hasValue());
    }

    @Test
    void aCellWithoutSemicolonsStillRuns() {
        cells.define("int noSemicolon = 7");
        assertEquals(8, cells.value("noSemicolon + 1"));
    }

    @Test
    void aCompileErrorAnywhereRunsNothingOfTheCell() {
        CellError e = cells.error("int beforeFailure = 1;\nint broken = \"text\";\nint afterFailure = 3;");
        assertEquals("CompilationError", e.ename());
        assertEquals("CompilationError", cells.error("beforeFailure").ename(), "not even the first line was declared");
        assertEquals("CompilationError", cells.error("afterFailure").ename());
    }

    @Test
    void aRuntimeErrorStopsTheCellAndEarlierSnippetsStayDefined() {
        CellError e = cells.error("int beforeThrow = 1;\nif (beforeThrow == 1) throw new IllegalStateException(\"x\");\nint afterThrow = 3;");
        assertEquals("java.lang.IllegalStateException", e.ename());
        assertEquals(1, cells.value("beforeThrow"));
        assertEquals("CompilationError", cells.error("afterThrow").ename());
        assertEquals(4, cells.value("int later = beforeThrow + 3;\nlater"), "the check knows what ran");
    }

    @Test
    void compileErrorNamesCellLineColumnAndUnderlinesTheSource() {
        int n = cells.next();
        CellError e = cells.error("int fine = 1;\n\n  String s = 42;");
        assertEquals("CompilationError", e.ename());
        assertTrue(e.evalue().startsWith("incompatible types: int cannot be converted to"), e.evalue());
        assertNull(e.cause());
        List<String> tb = Cells.plain(e);
        assertTrue(tb.get(0).startsWith("Compile error in cell [" + n + "], line 3, column 14: incompatible types"), tb.get(0));
        assertEquals("      String s = 42;", tb.get(1));
        assertEquals("    " + " ".repeat(13) + "^^", tb.get(2));
    }

    @Test
    void compileErrorColumnCountsFromTheLineStartAfterAComment() {
        // the snippet starts with indentation and a comment: positions must still be the cell's
        int n = cells.next();
        List<String> tb = Cells.plain(cells.error("  // setup\n  int y = \"s\";"));
        assertTrue(tb.get(0).startsWith("Compile error in cell [" + n + "], line 2, column 11:"), tb.get(0));
        assertEquals("    " + " ".repeat(10) + "^^^", tb.get(2));
    }

    @Test
    void compileErrorInsideAMethodPointsAtTheMethodsLine() {
        int n = cells.next();
        List<String> tb = Cells.plain(cells.error("int ready = 1;\nint helper(int v) {\n    int w = v;\n    return w.length();\n}"));
        assertTrue(tb.get(0).startsWith("Compile error in cell [" + n + "], line 4, column 12: int cannot be dereferenced"), tb.get(0));
        assertEquals("        return w.length();", tb.get(1));
        assertEquals("    " + " ".repeat(11) + "^", tb.get(2).substring(0, 16));
    }

    @Test
    void compileErrorDropsJShellsNamelessLocation() {
        CellError e = cells.error("undefinedHelper(1)");
        String first = Cells.plain(e).get(0);
        assertTrue(first.contains("cannot find symbol") && first.contains("symbol:   method undefinedHelper(int)"), first);
        assertFalse(first.contains("location: class"), first);
    }

    @Test
    void runtimeErrorFramesNameCellsAndLinesAndHideTheKernel() {
        int n = cells.next();
        CellError e = cells.error("int[] slots = new int[2];\nint slot(int i) {\n    return slots[i];\n}\nslot(5)");
        assertEquals("java.lang.ArrayIndexOutOfBoundsException", e.ename());
        assertEquals("Index 5 out of bounds for length 2", e.evalue());
        assertInstanceOf(ArrayIndexOutOfBoundsException.class, e.cause(), "the real exception object");
        assertEquals(List.of("java.lang.ArrayIndexOutOfBoundsException: Index 5 out of bounds for length 2",
                "    at slot (cell [" + n + "], line 3)",
                "    at <cell> (cell [" + n + "], line 5)"), Cells.plain(e));

        // called from a later cell, after blank lines: each frame names its own cell
        int m = cells.next();
        assertEquals(List.of("java.lang.ArrayIndexOutOfBoundsException: Index 9 out of bounds for length 2",
                "    at slot (cell [" + n + "], line 3)",
                "    at <cell> (cell [" + m + "], line 4)"), Cells.plain(cells.error("int k = 0;\n\n\n  slot(9)")));
    }

    @Test
    void runtimeErrorKeepsJdkFramesTheCellCalledAndNamesLambdas() {
        int n = cells.next();
        List<String> tb = Cells.plain(cells.error("List.of(1, 2, 3).stream()\n    .map(i -> 10 / (i - 2))\n    .toList()"));
        assertEquals("java.lang.ArithmeticException: / by zero", tb.get(0));
        assertEquals("    at lambda (cell [" + n + "], line 2)", tb.get(1));
        assertTrue(tb.stream().anyMatch(l -> l.contains("java.util.stream.ReferencePipeline")), tb.toString());
        assertTrue(tb.get(tb.size() - 1).startsWith("    at <cell> (cell [" + n + "], line "), tb.toString());
        for (String l : tb) {
            assertFalse(l.matches(".*(jdk\\.jshell|jpool\\.|REPL\\.|\\$JShell\\$|reflect\\.|Thread\\.run).*"), l);
        }
        // reflection the cell itself called is shown, not cut away as kernel machinery
        List<String> reflective = Cells.plain(cells.error("java.lang.reflect.Array.get(new int[1], 3)"));
        assertTrue(reflective.get(1).contains("java.lang.reflect.Array.get"), reflective.toString());
        assertTrue(reflective.get(2).startsWith("    at <cell> (cell ["), reflective.toString());
    }

    @Test
    void causesAreListedAndCellClassesKeepTheirNames() {
        cells.define("class PricingError extends RuntimeException {\n    PricingError(String m, Throwable c) { super(m, c); }\n}");
        int n = cells.next();
        CellError e = cells.error("void price() {\n    throw new PricingError(\"no quote\", new IllegalStateException(\"market closed\"));\n}\nprice();");
        assertEquals("PricingError", e.ename());
        assertEquals("no quote", e.evalue());
        assertEquals("PricingError", e.cause().getClass().getSimpleName());
        assertInstanceOf(IllegalStateException.class, e.cause().getCause());
        List<String> tb = Cells.plain(e);
        assertEquals("PricingError: no quote", tb.get(0));
        assertEquals("    at price (cell [" + n + "], line 2)", tb.get(1));
        assertEquals("    at <cell> (cell [" + n + "], line 4)", tb.get(2));
        assertEquals("Caused by: java.lang.IllegalStateException: market closed", tb.get(3));
        assertTrue(tb.get(4).contains("more (as above)"), tb.toString());
    }

    @Test
    void messagesUseTheUsersNamesNotJShells() {
        CellError npe = cells.error("Object nothing = null;\nnothing.hashCode()");
        assertEquals("Cannot invoke \"Object.hashCode()\" because \"nothing\" is null", npe.evalue());
        cells.define("record Tag(String v) {}");
        CellError cce = cells.error("Object t = new Tag(\"a\"); String s = (String) t;");
        assertTrue(cce.evalue().startsWith("class Tag cannot be cast to class java.lang.String"), cce.evalue());
    }

    @Test
    void usingAMethodBeforeWhatItNeedsIsDeclaredSaysWhatIsMissing() {
        // the note goes to System.err, which in the kernel is the cell's stderr
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            cells.define("double withTax(double v) { return v * taxRate; }");
        } finally {
            System.setErr(err);
        }
        assertEquals("note: method withTax was defined, but cannot be used until variable taxRate is declared",
                captured.toString(StandardCharsets.UTF_8).strip());
        CellError e = cells.error("withTax(10)");
        assertEquals("UnresolvedReference", e.ename());
        assertTrue(e.evalue().contains("method withTax") && e.evalue().contains("taxRate"), e.evalue());
        cells.define("double taxRate = 0.5;");
        assertEquals(5.0, cells.value("withTax(10)"));
    }

    @Test
    void stopEndsABusyLoop() throws Exception {
        cells.define("void spin() {\n    jpool.eval.CellSignals.LOOP_STARTED.countDown();\n    while (true) { }\n}");
        CompletableFuture<CellResult> running = CompletableFuture.supplyAsync(() -> cells.run("spin();\nint notReached = 1;"));
        assertTrue(CellSignals.LOOP_STARTED.await(30, TimeUnit.SECONDS),
                () -> "the cell never started: " + running.getNow(null));
        cells.evaluator.stop();
        CellResult r = running.get(30, TimeUnit.SECONDS);
        assertEquals("Interrupted", r.error().ename());
        assertEquals("CompilationError", cells.error("notReached").ename(), "the rest of the cell did not run");
        // the kernel still works afterwards
        assertEquals(2, cells.value("1 + 1"));
    }
}
