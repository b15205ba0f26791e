package jpool.eval;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tab completion, Shift-Tab inspection and the is_complete answer that drives the console's continuation lines. */
class CompletionAndInspectTest {
    private static Cells cells;

    @BeforeAll
    static void start() {
        cells = new Cells();
        cells.define("String greeting = \"hello\";\nint counter = 41;\nrecord Point(int x, int y) {}\n"
                + "int twice(int v) { return 2 * v; }");
    }

    @AfterAll
    static void stop() {
        cells.close();
    }

    /** Completes at the '|' in {@code marked}. */
    private static JShellEvaluator.Completion complete(String marked) {
        int cursor = marked.indexOf('|');
        return cells.evaluator.complete(marked.replace("|", ""), cursor);
    }

    private static String inspect(String marked) {
        int cursor = marked.indexOf('|');
        return cells.evaluator.inspect(marked.replace("|", ""), cursor);
    }

    @Test
    void membersAfterADot() {
        JShellEvaluator.Completion c = complete("greeting.toUpp|");
        assertEquals(List.of("toUpperCase("), c.matches());
        assertEquals("greeting.".length(), c.start());
        assertEquals("greeting.toUpp".length(), c.end());

        JShellEvaluator.Completion all = complete("new Point(1, 2).|");
        assertTrue(all.matches().containsAll(List.of("x()", "y()", "toString()")), all.matches().toString());
        assertEquals("new Point(1, 2).".length(), all.start());
    }

    @Test
    void membersOfAChainAndOfAClass() {
        assertEquals(List.of("filter("), complete("List.of(1).stream().fil|").matches());
        assertTrue(complete("Math.ma|").matches().contains("max("));
    }

    @Test
    void notebookVariablesAndMethods() {
        JShellEvaluator.Completion c = complete("coun|");
        assertEquals(List.of("counter"), c.matches());
        assertEquals(0, c.start());
        assertTrue(complete("twi|").matches().contains("twice("));
    }

    @Test
    void theStartIsInTheSnippetUnderTheCursorNotTheCellsFirst() {
        JShellEvaluator.Completion c = complete("int a = 1; gree|");
        assertEquals(List.of("greeting"), c.matches());
        assertEquals("int a = 1; ".length(), c.start());

        String code = "for (int i = 0; i < 3; i++) {\n    System.out.println(gree|";
        JShellEvaluator.Completion inBlock = complete(code);
        assertEquals(List.of("greeting"), inBlock.matches());
        assertEquals(code.indexOf("gree"), inBlock.start());
    }

    @Test
    void typesFromTheJdkAndFromCells() {
        assertTrue(complete("StringBui|").matches().contains("StringBuilder"));
        assertTrue(complete("Poi|").matches().contains("Point"));
    }

    @Test
    void keywordsWhereAStatementOrExpressionStarts() {
        JShellEvaluator.Completion c = complete("whi|");
        assertTrue(c.matches().contains("while"), c.matches().toString());
        assertEquals(0, c.start());
        assertEquals(3, c.end());
        assertTrue(complete("int f() { ret|").matches().contains("return"));
        assertTrue(complete("var p = new Point(1, 2); p inst|").matches().contains("instanceof"));
        // but never as a member, and not when the keyword is already complete
        assertFalse(complete("greeting.wh|").matches().contains("while"));
        assertFalse(complete("while|").matches().contains("while"));
    }

    @Test
    void theCursorCanBeInTheMiddleOfTheCell() {
        String code = "coun + 1";
        JShellEvaluator.Completion c = cells.evaluator.complete(code, 4);
        assertEquals(List.of("counter"), c.matches());
        assertEquals(0, c.start());
        assertEquals(4, c.end());
    }

    @Test
    void inspectShowsMethodSignatures() {
        String doc = inspect("Math.max|");
        assertTrue(doc.contains("int Math.max(int a, int b)"), doc);
        assertTrue(doc.contains("double Math.max(double a, double b)"), doc);
        String inCall = inspect("greeting.substring(|");
        assertTrue(inCall.contains("String String.substring(int beginIndex)"), inCall);
    }

    @Test
    void inspectOfCellMethodsAlsoWithTheCursorInsideTheName() {
        assertEquals("int twice(int v)", inspect("twice(|"));
        assertEquals("int twice(int v)", inspect("twi|ce(3)"));
        assertEquals("int twice(int v)", inspect("|twice(3)"));
    }

    @Test
    void inspectOfAVariableShowsItsTypeAndValue() {
        assertEquals("String greeting = \"hello\"", inspect("greeting|"));
        assertEquals("String greeting = \"hello\"", inspect("counter + gre|eting.length()"));
        assertEquals("int counter = 41", inspect("coun|ter"));
    }

    @Test
    void inspectOfAHugeValueIsCut() {
        cells.define("var numbers = java.util.stream.IntStream.range(0, 100_000).boxed().toList();");
        String shown = inspect("numbers|");
        assertTrue(shown.startsWith("List<Integer> numbers = [0, 1, 2, "), shown.substring(0, 60));
        assertTrue(shown.length() < JShellEvaluator.MAX_INSPECTED_VALUE + 100, "length " + shown.length());
        assertTrue(shown.endsWith(" more characters)"), shown.substring(shown.length() - 60));
    }

    @Test
    void inspectOfBareNamesAsTheirPagerAsksThem() {
        // "NAME?" inspects NAME with the cursor at its end
        String max = inspect("Math.max|");
        assertTrue(max.contains("int Math.max(int a, int b)"), max);
        String string = inspect("String|");
        assertTrue(string.contains("java.lang.String"), string);
        String list = inspect("java.util.List|");
        assertTrue(list.contains("java.util.List"), list);
        assertEquals("int twice(int v)", inspect("twice|"));
        assertEquals("int counter = 41", inspect("counter|"));
        // an instance method named through its type, as IPython's str.upper?
        String substring = inspect("String.substring|");
        assertTrue(substring.contains("String String.substring(int beginIndex)"), substring);
        String size = inspect("java.util.List.size|");
        assertTrue(size.contains("int List<E>.size()"), size);
        assertEquals("int Point.x()", inspect("Point.x|"));
        assertNull(inspect("String.noSuchMember|"));
    }

    @Test
    void sourceOfNotebookDeclarations() {
        assertEquals("int twice(int v) { return 2 * v; }", cells.evaluator.source("twice"));
        assertEquals("record Point(int x, int y) {}", cells.evaluator.source("Point"));
        assertEquals("String greeting = \"hello\";", cells.evaluator.source("greeting"));
        assertNull(cells.evaluator.source("Math"), "not declared in the notebook");
        assertNull(cells.evaluator.source("Display"), "imports are not declarations of their own");
    }

    @Test
    void inspectOfNothingKnownIsNull() {
        assertNull(inspect("noSuchThingAnywhere|"));
        assertNull(inspect("|"));
    }

    @Test
    void isCompleteTellsComplete() {
        JShellEvaluator e = cells.evaluator;
        assertEquals("complete", e.isComplete("int x = 1;"));
        assertEquals("complete", e.isComplete("int x = 1"), "a missing final semicolon is added");
        assertEquals("complete", e.isComplete("void f() {\n}\nf()"));
        assertEquals("complete", e.isComplete(""));
        assertEquals("complete", e.isComplete("   \n"));
        assertEquals("complete", e.isComplete("// a comment"));
    }

    @Test
    void isCompleteTellsIncomplete() {
        JShellEvaluator e = cells.evaluator;
        assertEquals("incomplete", e.isComplete("for (int i = 0; i < 3; i++) {"));
        assertEquals("incomplete", e.isComplete("class A {\n    void m() {}\n"));
        assertEquals("incomplete", e.isComplete("int a = 1;\nif (a > 0) {"));
    }

    @Test
    void isCompleteTellsInvalid() {
        JShellEvaluator e = cells.evaluator;
        assertEquals("invalid", e.isComplete("int x = ;"));
        assertEquals("invalid", e.isComplete("x )"));
        assertEquals("invalid", e.isComplete("int = 7q;"), "JShell calls it complete; it does not parse");
        assertEquals("invalid", e.isComplete("int a = 1;\nint = 7q;"));
        assertEquals("complete", e.isComplete("undefinedHere(3);"), "parses; the unknown name is an error when it runs");
        assertEquals("complete", e.isComplete("import java.time.*;"));
        assertEquals("complete", e.isComplete("1 + 1"));
    }
}
