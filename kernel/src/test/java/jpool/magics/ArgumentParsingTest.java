package jpool.magics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArgumentParsingTest {
    @Test
    void javaExpressionsStayWhole() {
        assertEquals(List.of("-n", "2", "--map", "List.of(\"a b\", \"c\")", "--as", "w"),
                ArgSplitter.splitJava("-n 2 --map List.of(\"a b\", \"c\") --as w"));
        assertEquals(List.of("--name", "my job"), ArgSplitter.splitJava("--name \"my job\""));
    }

    @Test
    void mapExpressionRunsToTheNextOption() {
        assertEquals(List.of("--map", "new int[]{1, 2}", "--as", "x"),
                PoolMagics.joinExpression(List.of("--map", "new", "int[]{1, 2}", "--as", "x")));
    }

    @Test
    void badOptionsAreNamed() {
        Map<String, Flags.Arity> spec = Map.of("-n", Flags.Arity.ONE, "--join", Flags.Arity.OPTIONAL);
        MagicException unknown = assertThrows(MagicException.class, () -> Flags.parse("%%pool", List.of("--bogus"), spec));
        assertTrue(unknown.getMessage().contains("unknown option --bogus"), unknown.getMessage());
        MagicException negative = assertThrows(MagicException.class, () -> Flags.parse("%%pool", List.of("-n", "-2"), spec).intValue("-n", 1, 1));
        assertTrue(negative.getMessage().contains("-n must be at least 1, got -2"), negative.getMessage());
        assertEquals("1.5", Flags.parse("%%process", List.of("--join", "1.5"), spec).get("--join", null));
        assertTrue(Flags.parse("%%process", List.of("--join"), spec).has("--join"));
    }

    @Test
    void identifiersAreChecked() {
        assertThrows(MagicException.class, () -> PoolMagics.identifier("class", "--as"));
        assertThrows(MagicException.class, () -> PoolMagics.identifier("1x", "--as"));
        assertEquals("topic", PoolMagics.identifier("topic", "--as"));
    }
}
