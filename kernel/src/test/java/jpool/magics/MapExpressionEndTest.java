package jpool.magics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** --map's expression ends at any flag, so a misspelt one is reported as such rather than compiled as Java. */
class MapExpressionEndTest {
    @Test
    void unknownFlagsEndTheExpression() {
        assertEquals(List.of("--map", "List.of(1, 2)", "--unorderd"),
                PoolMagics.joinExpression(List.of("--map", "List.of(1,", "2)", "--unorderd")));
        assertEquals(List.of("--map", "xs", "-q"), PoolMagics.joinExpression(List.of("--map", "xs", "-q")));
        assertEquals(List.of("--map", "xs", "--timeout=3"), PoolMagics.joinExpression(List.of("--map", "xs", "--timeout=3")));
    }

    @Test
    void operatorsStayInTheExpression() {
        assertEquals(List.of("--map", "a - b", "--as", "x"),
                PoolMagics.joinExpression(List.of("--map", "a", "-", "b", "--as", "x")));
        assertEquals(List.of("--map", "range(0, -5)"), PoolMagics.joinExpression(List.of("--map", "range(0, -5)")));
    }

    @Test
    void theMisspeltFlagIsNamed() {
        Map<String, Flags.Arity> spec = Map.of("--map", Flags.Arity.ONE, "--unordered", Flags.Arity.NONE);
        MagicException e = assertThrows(MagicException.class,
                () -> Flags.parse("%%pool", PoolMagics.joinExpression(List.of("--map", "xs", "--unorderd")), spec));
        assertEquals("%%pool: unknown option --unorderd (see %%pool --help)", e.getMessage());
    }
}
