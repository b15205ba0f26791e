package jpool.eval;

import com.sun.source.util.JavacTask;

import java.net.URI;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Whether a snippet can be parsed as Java at all, for is_complete's "invalid" (JShell calls {@code int = 7q;}
 * complete: a whole statement, only a wrong one). Parsing only, no types: {@code undefinedName(3);} parses. A snippet
 * is tried as a statement, as a class member, as a compilation unit (imports) and as an expression.
 */
final class SyntaxCheck {
    private static final JavaCompiler JAVAC = ToolProvider.getSystemJavaCompiler();

    private SyntaxCheck() {
    }

    /** True when no form of {@code snippet} parses. */
    static boolean unparseable(String snippet) {
        if (JAVAC == null) return false;
        String s = snippet.strip();
        String expr = s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
        return !parses("class W { void m() {\n" + s + "\n;} }")
                && !parses("class W {\n" + s + "\n}")
                && !parses(s)
                && !parses("class W { Object m() { return (\n" + expr + "\n); } }");
    }

    private static boolean parses(String source) {
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///W.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        try {
            JavacTask task = (JavacTask) JAVAC.getTask(null, null, diags, List.of("-proc:none"), null, List.of(file));
            task.parse();
        } catch (Exception e) {
            return false;
        }
        return diags.getDiagnostics().stream().noneMatch(d -> d.getKind() == Diagnostic.Kind.ERROR);
    }
}
