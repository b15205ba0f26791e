package jpool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which cells are IPython-style help requests ({@code NAME?}) and which are Java to run. */
class PagerRequestTest {
    @Test
    void aNameWithAQuestionMarkAfterOrBefore() {
        assertEquals(new PagerRequest("Math.max", false), PagerRequest.parse("Math.max?"));
        assertEquals(new PagerRequest("String", false), PagerRequest.parse("String?"));
        assertEquals(new PagerRequest("java.util.List", false), PagerRequest.parse("?java.util.List"));
        assertEquals(new PagerRequest("myVar", false), PagerRequest.parse("myVar?"));
        assertEquals(new PagerRequest("Pool", false), PagerRequest.parse("Pool?"));
        assertEquals(new PagerRequest("$x_1", false), PagerRequest.parse("$x_1?"));
    }

    @Test
    void twoQuestionMarksAskForMoreDetail() {
        assertEquals(new PagerRequest("twice", true), PagerRequest.parse("twice??"));
        assertEquals(new PagerRequest("Math.abs", true), PagerRequest.parse("??Math.abs"));
    }

    @Test
    void surroundingWhitespaceAndSpacesAroundDotsAreIgnored() {
        assertEquals(new PagerRequest("Math.max", false), PagerRequest.parse("  Math.max?\n"));
        assertEquals(new PagerRequest("Math.max", false), PagerRequest.parse("Math . max ?"));
        assertEquals(new PagerRequest("java.util.List", false), PagerRequest.parse("? java.util.List"));
    }

    @Test
    void magicNames() {
        PagerRequest line = PagerRequest.parse("%time?");
        assertEquals("%time", line.name());
        assertTrue(line.isMagic());
        assertEquals("%%pool", PagerRequest.parse("?%%pool").name());
        assertFalse(PagerRequest.parse("Pool?").isMagic());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "x > 0 ? \"pos\" : \"neg\"",          // ternary
            "a ? b : c",
            "int y = x>0?1:2;",
            "List<?> items = List.of(1);",          // wildcards
            "Map<?, ?> m = Map.of();",
            "List<? extends Number> ns = List.of(1);",
            "Math.max",                             // a name without a question mark
            "?",                                    // no name
            "??",
            "???x",                                 // more than IPython's two
            "x???",
            "?x?",                                  // both sides
            "Math.max(1, 2)?",                      // not a name
            "\"what?\"",
            "// really?",
            "Math.max?\nint y = 1;",               // more than the name
            "int x = 1;\nx?",
            "Math.?",
            "1?",
            "%?",
    })
    void everythingElseIsCode(String code) {
        assertNull(PagerRequest.parse(code), code);
    }
}
