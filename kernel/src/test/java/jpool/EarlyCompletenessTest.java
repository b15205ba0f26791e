package jpool;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EarlyCompletenessTest {
    @Test
    void unclosedBracketsStringsAndCommentsWaitForMoreLines() {
        assertEquals("incomplete", EarlyCompleteness.of("class A {"));
        assertEquals("incomplete", EarlyCompleteness.of("for (int i = 0;"));
        assertEquals("incomplete", EarlyCompleteness.of("String s = \"open"));
        assertEquals("incomplete", EarlyCompleteness.of("/* a comment"));
        assertEquals("incomplete", EarlyCompleteness.of("%%pool -n 2"));
    }

    @Test
    void aHelpRequestIsComplete() {
        assertEquals("complete", EarlyCompleteness.of("Math.max?"));
    }

    @Test
    void balancedCodeIsLeftToTheKernel() {
        assertEquals("unknown", EarlyCompleteness.of("int x = 20 + 22;"));
        assertEquals("unknown", EarlyCompleteness.of("String s = \"{(\"; // {"));
        assertEquals("unknown", EarlyCompleteness.of("char c = '}';"));
        assertEquals("unknown", EarlyCompleteness.of("%%pool -n 2\nwork(it)"));
    }
}
