package jpool.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JavadocTextTest {
    private static final String MAX = """
            Returns the greater of two {@code int} values. That is, the
            result is the argument closer to the value of
            {@link Integer#MAX_VALUE}. If the arguments have the same value,
            the result is that same value.
            <p>
            See {@linkplain java.util.List lists} and <b>bold</b> &lt;T&gt;.
            <ul><li>one</li><li>two {@code List<String>}</li></ul>
            <pre>{@code
             int m = Math.max(1, 2);
            }</pre>

            @param   a   an argument.
            @param   b   another argument.
            @return  the larger of {@code a} and {@code b}.
            @throws IllegalStateException when it is late
            """;

    @Test
    void plainTextHasNoMarkupLeft() {
        assertEquals("""
                Returns the greater of two int values. That is, the result is the argument closer to the value of \
                Integer.MAX_VALUE. If the arguments have the same value, the result is that same value.

                See lists and bold <T>.

                - one
                - two List<String>

                    int m = Math.max(1, 2);

                Parameters:
                  a - an argument.
                  b - another argument.

                Returns:
                  the larger of a and b.

                Throws:
                  IllegalStateException - when it is late""", JavadocText.plain(MAX));
    }

    @Test
    void markdownKeepsCodeAsCode() {
        assertEquals("""
                Returns the greater of two `int` values. That is, the result is the argument closer to the value of \
                `Integer.MAX_VALUE`. If the arguments have the same value, the result is that same value.

                See lists and **bold** <T>.

                - one
                - two `List<String>`

                ```java
                int m = Math.max(1, 2);
                ```

                **Parameters:**
                - `a` - an argument.
                - `b` - another argument.

                **Returns:**
                - the larger of `a` and `b`.

                **Throws:**
                - `IllegalStateException` - when it is late""", JavadocText.markdown(MAX));
    }
}
