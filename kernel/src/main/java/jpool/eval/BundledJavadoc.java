package jpool.eval;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;

import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Javadoc of jpool's own API for inspect and {@code ?}. JShell documents only what it finds in the JDK's src.zip;
 * jpool's sources travel inside the kernel jar (see kernel/pom.xml), and this reads the comment of the class or
 * method a signature names from there.
 */
final class BundledJavadoc {
    /**
     * A type ("jpool.pool.Pool") or a method as JShell prints it, with simple names and type parameters
     * ("List<R> Pool.<A, R>map(Fn<A,R> fn, Iterable<A> items)", "void MpQueue<T>.put(T item)").
     */
    private static final Pattern TYPE = Pattern.compile("^jpool\\.(\\w+)\\.(\\w+)$");
    private static final Pattern METHOD = Pattern.compile("(?:^|\\s)(?:[\\w.]*\\.)?(\\w+)(?:<[^>]*>)?\\.(?:<[^>]*>)?(\\w+)\\(([^)]*)\\)");
    /** The packages whose sources the jar carries (kernel/pom.xml). */
    private static final List<String> PACKAGES = List.of("pool", "workers", "sharing", "display");
    private static final Map<String, DocIndex> PARSED = new ConcurrentHashMap<>();

    private BundledJavadoc() {
    }

    /** The Javadoc text for a JShell documentation signature of a jpool type or method, or null. */
    static String forSignature(String signature) {
        String s = signature.strip();
        Matcher t = TYPE.matcher(s);
        if (t.matches()) {
            DocIndex index = index("jpool/" + t.group(1) + "/" + t.group(2) + ".java");
            return index == null ? null : index.lookup(t.group(2), null, 0);
        }
        Matcher m = METHOD.matcher(s);
        if (!m.find()) return null;
        String type = m.group(1), method = m.group(2);
        int params = m.group(3).isBlank() ? 0 : splitParams(m.group(3));
        for (String pkg : PACKAGES) {
            DocIndex index = index("jpool/" + pkg + "/" + type + ".java");
            if (index != null) return index.lookup(type, method, params);
        }
        return null;
    }

    private static DocIndex index(String resource) {
        if (BundledJavadoc.class.getClassLoader().getResource(resource) == null) return null;
        return PARSED.computeIfAbsent(resource, DocIndex::load);
    }

    /** Parameters in a signature's list, counting only commas outside generic brackets. */
    private static int splitParams(String list) {
        int depth = 0, n = 1;
        for (char c : list.toCharArray()) {
            if (c == '<') depth++;
            else if (c == '>') depth--;
            else if (c == ',' && depth == 0) n++;
        }
        return n;
    }

    /** Doc comments of one bundled source file, by "Type", "Type#method/params". */
    private record DocIndex(Map<String, String> docs) {
        static DocIndex load(String resource) {
            try (InputStream in = BundledJavadoc.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) return new DocIndex(Map.of());
                String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + resource), JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return source;
                    }
                };
                JavacTask task = (JavacTask) ToolProvider.getSystemJavaCompiler().getTask(null, null, d -> { }, List.of("-proc:none"), null, List.of(file));
                DocTrees trees = DocTrees.instance(task);
                Map<String, String> docs = new ConcurrentHashMap<>();
                for (CompilationUnitTree unit : task.parse()) {
                    new TreePathScanner<Void, String>() {
                        @Override
                        public Void visitClass(ClassTree c, String outer) {
                            put(docs, c.getSimpleName().toString(), trees.getDocComment(getCurrentPath()));
                            return super.visitClass(c, c.getSimpleName().toString());
                        }

                        @Override
                        public Void visitMethod(MethodTree md, String owner) {
                            String name = md.getName().contentEquals("<init>") ? owner : md.getName().toString();
                            put(docs, owner + "#" + name + "/" + md.getParameters().size(), trees.getDocComment(getCurrentPath()));
                            put(docs, owner + "#" + name, trees.getDocComment(getCurrentPath()));
                            return null;
                        }
                    }.scan(new TreePath(unit), null);
                }
                return new DocIndex(docs);
            } catch (IOException | RuntimeException e) {
                return new DocIndex(Map.of()); // no docs is not worth failing an inspect over
            }
        }

        private static void put(Map<String, String> docs, String key, String doc) {
            if (doc != null && !doc.isBlank()) docs.putIfAbsent(key, doc.strip());
        }

        String lookup(String type, String method, int params) {
            if (method == null) return docs.get(type);
            String exact = docs.get(type + "#" + method + "/" + params);
            return exact != null ? exact : docs.get(type + "#" + method);
        }
    }
}
