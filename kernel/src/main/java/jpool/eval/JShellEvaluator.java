package jpool.eval;

import jdk.jshell.DeclarationSnippet;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Evaluates cells with JShell in this JVM. Definitions persist across cells; the last expression's value is returned
 * as a real object; compile errors name the cell's line and column; runtime errors carry the real exception.
 */
public final class JShellEvaluator implements AutoCloseable {
    /** Imports every cell starts with: JShell's usual defaults. */
    public static final List<String> DEFAULT_IMPORTS = List.of("java.io.*", "java.math.*", "java.net.*",
            "java.nio.file.*", "java.util.*", "java.util.concurrent.*", "java.util.function.*", "java.util.regex.*",
            "java.util.stream.*");

    private final ClassStore classes = new ClassStore();
    private final CapturingExecutionControl.Provider provider = new CapturingExecutionControl.Provider(classes);
    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final CapturingExecutionControl control;
    private final ErrorFormatter errors = new ErrorFormatter();
    private final CompileCheck compileCheck;
    private final CellValueWindow values;
    /** snippet id -> where it came from, so stack frames can name cell and line */
    private final Map<String, ErrorFormatter.Origin> origins = new ConcurrentHashMap<>();
    /** Set by {@link #stop()}, cleared when a cell starts. */

    /** Starts JShell with {@code classpath} visible to cells and the given extra imports. */
    public JShellEvaluator(String classpath, List<String> extraImports) {
        PrintStream sink = new PrintStream(System.err, true);
        shell = JShell.builder()
                .executionEngine(provider, Map.of())
                .in(new ByteArrayInputStream(new byte[0]))
                .out(sink).err(sink)
                .compilerOptions("-Xlint:-options")
                .build();
        // Through JShell's own class path rather than a --class-path compiler option: that option would override
        // the class path JShell keeps, so jars added later (%classpath) would load but never compile.
        for (String entry : classpath.split(File.pathSeparator)) if (!entry.isBlank()) shell.addToClasspath(entry);
        analysis = shell.sourceCodeAnalysis();
        control = provider.control();
        List<String> imports = new ArrayList<>();
        DEFAULT_IMPORTS.forEach(p -> imports.add("import " + p + ";"));
        extraImports.forEach(p -> imports.add((p.startsWith("static ") ? "import " : "import ") + p + ";"));
        for (String imp : imports) {
            for (SnippetEvent e : shell.eval(imp)) {
                if (e.status() == Snippet.Status.REJECTED)
                    throw new IllegalStateException("default import failed: " + imp);
            }
        }
        compileCheck = new CompileCheck(classpath, imports);
        values = new CellValueWindow(shell);
    }

    /** The classes cells have defined so far (shipped to worker JVMs). */
    public ClassStore classes() {
        return classes;
    }

    private final List<String> addedClasspath = new CopyOnWriteArrayList<>();

    /** Makes a jar or class directory visible to cells (and, through {@link #addedClasspath()}, to workers). */
    public void addToClasspath(Path path) {
        Path p = path.toAbsolutePath().normalize();
        if (!Files.exists(p)) throw new IllegalArgumentException("no such file or directory: " + p);
        shell.addToClasspath(p.toString());
        compileCheck.addToClasspath(p.toString());
        addedClasspath.add(p.toUri().toString());
    }

    /** URLs of the class-path entries added with {@link #addToClasspath}, in order. */
    public List<String> addedClasspath() {
        return List.copyOf(addedClasspath);
    }

    /** The in-process execution engine (class loader of cell-defined classes). */
    public CapturingExecutionControl control() {
        return control;
    }

    /** The underlying JShell, e.g. to look up variables. */
    public JShell jshell() {
        return shell;
    }

    /** Runs a cell; {@code cellNumber} is its execution count, used to point at lines in errors. */
    public CellResult eval(String code, int cellNumber) {
        control.clearStop();
        List<SnippetSplitter.Piece> pieces = SnippetSplitter.split(analysis, code);
        List<String> sources = pieces.stream().map(SnippetSplitter.Piece::source).toList();
        // a cell of several snippets is compiled as a whole first: one that does not compile runs nothing
        boolean checked = pieces.size() > 1;
        if (checked) {
            CompileCheck.Rejection r = compileCheck.check(sources, this::declarationSources);
            if (r != null) return CellResult.failed(errors.compileError(code, pieces.get(r.index()), r.diagnostics(), cellNumber));
        }
        int[] accepted = {0};
        List<String> declared = new ArrayList<>();
        try {
            return run(code, cellNumber, pieces, accepted, declared);
        } finally {
            if (checked) {
                if (accepted[0] < pieces.size()) compileCheck.ranOnly(accepted[0]);
            } else {
                compileCheck.record(declared);
            }
        }
    }

    /** The notebook's live declarations and imports, in order, as typed (to rebuild the compile check's mirror). */
    private List<String> declarationSources() {
        return shell.snippets().filter(s -> s instanceof DeclarationSnippet || s instanceof jdk.jshell.ImportSnippet)
                .filter(s -> shell.status(s).isActive()).map(Snippet::source).toList();
    }

    /** Runs the pieces in order; {@code accepted[0]} counts those JShell compiled (and ran, or tried to). */
    private CellResult run(String code, int cellNumber, List<SnippetSplitter.Piece> pieces, int[] accepted,
                           List<String> declared) {
        CellResult result = CellResult.NOTHING;
        for (SnippetSplitter.Piece piece : pieces) {
            if (control.wasStopped()) return interruptedResult();
            List<SnippetEvent> events = shell.eval(piece.source());
            if (events.stream().noneMatch(e -> e.causeSnippet() == null && e.status() == Snippet.Status.REJECTED)) {
                accepted[0]++;
                if (events.stream().anyMatch(e -> e.causeSnippet() == null && declares(e.snippet())))
                    declared.add(piece.source());
            }
            // JShell turns a stopped run into a normal completion without value; the user asked to stop the cell,
            // so it must end as an error (and later snippets of the cell must not run)
            if (control.wasStopped()) return interruptedResult();
            result = CellResult.NOTHING;
            for (SnippetEvent e : events) {
                if (e.causeSnippet() != null) continue; // knock-on updates of other snippets
                Snippet s = e.snippet();
                ErrorFormatter.Origin origin = new ErrorFormatter.Origin(cellNumber, lineOf(code, piece.offset()));
                origins.put(s.id(), origin);
                if (e.status() != Snippet.Status.REJECTED) {
                    try {
                        CellLines.remember(analysis.wrapper(s), origin); // for traces that come back from workers
                    } catch (RuntimeException noWrapper) {
                        // imports and erroneous snippets have none
                    }
                }
                if (e.status() == Snippet.Status.REJECTED) {
                    return CellResult.failed(errors.compileError(code, piece, shell.diagnostics(s).toList(), cellNumber));
                }
                if (e.exception() != null) {
                    return CellResult.failed(runtimeError(e.exception()));
                }
                if (s instanceof DeclarationSnippet d && e.status() == Snippet.Status.RECOVERABLE_DEFINED) {
                    List<String> missing = shell.unresolvedDependencies(d).toList();
                    if (!missing.isEmpty())
                        System.err.println("note: " + describe(d) + " was defined, but cannot be used until "
                                + String.join(", ", missing) + " is declared");
                }
                if (s instanceof VarSnippet v && v.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND
                        && e.status() == Snippet.Status.VALID) values.added(v);
                if (producesValue(s) && !StatementValues.isStatementLike(control.lastValue()))
                    result = CellResult.value(control.lastValue());
            }
        }
        return result;
    }

    private CellResult interruptedResult() {
        return CellResult.failed(errors.simple("Interrupted", "the cell was interrupted"));
    }

    private CellError runtimeError(Exception jshellException) {
        if (jshellException instanceof UnresolvedReferenceException u) {
            String what = describe(u.getSnippet());
            List<String> missing = shell.unresolvedDependencies(u.getSnippet()).toList();
            return errors.simple("UnresolvedReference", what + " cannot be used until "
                    + String.join(", ", missing) + " is declared");
        }
        Throwable real = control.lastException();
        // JShell's EvalException carries frames already mapped to snippet ids and snippet lines, but it is a copy
        // made of strings: the error keeps the real exception object as its cause (its class, fields, cause chain)
        // a pool or process failure has no local frames worth showing (it is made without a stack), but the real
        // object carries the worker's trace, which the error shows
        if (real instanceof RemoteTraced)
            return errors.runtimeError(real, origins);
        if (jshellException instanceof EvalException ev) {
            CellError shown = errors.runtimeError(ev, origins);
            return new CellError(shown.ename(), shown.evalue(), shown.traceback(), real != null ? real : ev);
        }
        if (real == null) {
            return errors.simple("Interrupted", "the cell was interrupted");
        }
        return errors.runtimeError(real, origins);
    }

    private static String describe(Snippet s) {
        if (s instanceof DeclarationSnippet d) {
            String kind = d.kind().name().toLowerCase(Locale.ROOT).replace("type_decl", "type");
            return kind + " " + d.name();
        }
        return "snippet";
    }

    /** A snippet later cells can name: an import, or a declaration other than an expression's {@code $N}. */
    private static boolean declares(Snippet s) {
        if (s instanceof VarSnippet v) return v.subKind() != Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
        return s instanceof DeclarationSnippet || s instanceof jdk.jshell.ImportSnippet;
    }

    private boolean producesValue(Snippet s) {
        if (s instanceof ExpressionSnippet ex) return !"void".equals(ex.typeName());
        if (s instanceof VarSnippet v) return v.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
        return false;
    }

    static int lineOf(String code, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < code.length(); i++) if (code.charAt(i) == '\n') line++;
        return line;
    }

    /** Stops the running snippet and the rest of its cell (interrupt). */
    public void stop() {
        control.stop(); // also marks the cell stopped, so its later snippets do not run
    }

    /** Stops the cell that was current at {@code cellGeneration} ({@link #cellGeneration()}), if it still is. */
    public void stop(long cellGeneration) {
        control.stop(cellGeneration);
    }

    /** A number that changes with every cell; see {@link #stop(long)}. */
    public long cellGeneration() {
        return control.generation();
    }

    /** Completion candidates at {@code cursor}: the replacement start and the sorted, de-duplicated matches. */
    public Completion complete(String code, int cursor) {
        cursor = Math.max(0, Math.min(cursor, code.length()));
        int start = currentSnippetStart(code.substring(0, cursor));
        String snippet = code.substring(start, cursor);
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions = analysis.completionSuggestions(snippet, snippet.length(), anchor);
        Set<String> matches = new LinkedHashSet<>();
        suggestions.stream().filter(SourceCodeAnalysis.Suggestion::matchesType).forEach(s -> matches.add(s.continuation()));
        suggestions.forEach(s -> matches.add(s.continuation()));
        int replaceFrom = suggestions.isEmpty() ? cursor : start + anchor[0];
        // JShell never suggests keywords ("whi" -> while); offer them where a statement or expression word is typed
        String word = identifierBefore(code, cursor);
        if (!word.isEmpty() && !isMemberAccess(code, cursor - word.length())) {
            List<String> keywords = KEYWORDS.stream().filter(k -> k.startsWith(word) && !k.equals(word)).toList();
            if (!keywords.isEmpty()) {
                matches.addAll(keywords);
                replaceFrom = cursor - word.length();
            }
        }
        return new Completion(replaceFrom, cursor, new ArrayList<>(matches));
    }

    /** Java's keywords and literals as a cell may start them (JShell's completion has none of them). */
    private static final List<String> KEYWORDS = List.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "continue", "default", "do", "double", "else", "enum", "extends", "false",
            "final", "finally", "float", "for", "if", "implements", "import", "instanceof", "int", "interface", "long",
            "new", "null", "private", "protected", "public", "record", "return", "short", "static", "super", "switch",
            "synchronized", "this", "throw", "throws", "transient", "true", "try", "var", "void", "volatile", "while",
            "yield");

    /** Whether the word starting at {@code wordStart} follows a '.', i.e. names a member, never a keyword. */
    private static boolean isMemberAccess(String code, int wordStart) {
        int i = wordStart;
        while (i > 0 && Character.isWhitespace(code.charAt(i - 1))) i--;
        return i > 0 && code.charAt(i - 1) == '.';
    }

    /** Completion result: replace code[start, end) with one of {@code matches}. */
    public record Completion(int start, int end, List<String> matches) {
    }

    private int currentSnippetStart(String before) {
        int offset = 0;
        String remaining = before;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (!info.completeness().isComplete() || info.remaining().isEmpty()) break;
            offset += remaining.length() - info.remaining().length();
            remaining = info.remaining();
        }
        return offset;
    }

    /** {@code Type.member} (the type possibly qualified): group 1 the type, group 2 the member. */
    private static final Pattern TYPE_MEMBER = Pattern.compile(
            "((?:\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*\\s*\\.\\s*)*\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)"
                    + "\\s*\\.\\s*(\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)");

    /** Signature and Javadoc (when the JDK's sources are installed) of what is at {@code cursor} as plain text, or null. */
    public String inspect(String code, int cursor) {
        return inspect(code, cursor, false);
    }

    /**
     * Like {@link #inspect(String, int)} but as Markdown (signatures as Java code, Javadoc's markup rendered) for
     * notebook pagers and tooltips; a notebook variable is shown as code.
     */
    public String inspectMarkdown(String code, int cursor) {
        return inspect(code, cursor, true);
    }

    private String inspect(String code, int cursor, boolean markdown) {
        cursor = Math.max(0, Math.min(cursor, code.length()));
        // Shift-Tab with the cursor inside a name ("twi|ce(3)") asks about the whole name
        int at = cursor;
        while (at < code.length() && Character.isJavaIdentifierPart(code.charAt(at))) at++;
        // inspecting "foo(|" or "foo|" both mean foo: step back over an opening parenthesis
        while (at > 0 && (code.charAt(at - 1) == '(' || code.charAt(at - 1) == ' ')) at--;
        String name = identifierBefore(code, at);
        if (!name.isEmpty() && !isMemberAccess(code, at - name.length())) {
            // a notebook variable: its type and current value say more than JShell's "name:type"
            String variable = shell.variables().filter(v -> v.name().equals(name)
                            && shell.status(v) == Snippet.Status.VALID).findFirst()
                    .map(v -> v.typeName() + " " + v.name() + " = " + abbreviate(shell.varValue(v))).orElse(null);
            if (variable != null) return markdown ? "```java\n" + variable + "\n```" : variable;
        }
        int start = currentSnippetStart(code.substring(0, at));
        String snippet = code.substring(start, at);
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(snippet, snippet.length(), true);
        if (docs.isEmpty()) {
            // JShell documents methods when the cursor is inside the call's parentheses
            String call = snippet + "(";
            docs = analysis.documentation(call, call.length(), true);
        }
        Matcher member = TYPE_MEMBER.matcher(snippet.strip());
        if (docs.isEmpty() && member.matches()) {
            // an instance method named through its type ("String.substring", "Pool.map"), as IPython's str.upper?
            String call = "((" + member.group(1) + ") null)." + member.group(2) + "(";
            docs = analysis.documentation(call, call.length(), true);
        }
        if (docs.isEmpty()) return null;
        return docs.stream().map(d -> {
                    String javadoc = d.javadoc() != null ? d.javadoc() : BundledJavadoc.forSignature(d.signature());
                    String doc = javadoc == null || javadoc.isBlank() ? ""
                            : "\n\n" + (markdown ? JavadocText.markdown(javadoc) : JavadocText.plain(javadoc));
                    return (markdown ? "```java\n" + d.signature() + "\n```" : d.signature()) + doc;
                }).distinct().collect(Collectors.joining(markdown ? "\n\n---\n\n" : "\n\n"));
    }

    /**
     * The source of the notebook's current declarations of {@code name} (a variable, method overloads, a class), as
     * typed in the cells, or null when the notebook declares nothing of that name (IPython's {@code name??}).
     */
    public String source(String name) {
        List<String> sources = shell.snippets()
                .filter(s -> s instanceof DeclarationSnippet d && !(s instanceof jdk.jshell.ImportSnippet)
                        && d.name().equals(name))
                .filter(s -> shell.status(s).isActive())
                .map(s -> s.source().strip()).toList();
        return sources.isEmpty() ? null : String.join("\n\n", sources);
    }

    /** Longest value text an inspection shows: a tooltip, not a dump of a million-element list. */
    static final int MAX_INSPECTED_VALUE = 2000;

    private static String abbreviate(String value) {
        if (value.length() <= MAX_INSPECTED_VALUE) return value;
        return value.substring(0, MAX_INSPECTED_VALUE) + "… (" + (value.length() - MAX_INSPECTED_VALUE) + " more characters)";
    }

    private static String identifierBefore(String code, int at) {
        int s = at;
        while (s > 0 && Character.isJavaIdentifierPart(code.charAt(s - 1))) s--;
        return code.substring(s, at);
    }

    /** is_complete status for a cell: "complete", "incomplete" or "invalid". */
    public String isComplete(String code) {
        if (code.isBlank()) return "complete";
        List<SnippetSplitter.Piece> pieces = SnippetSplitter.split(analysis, code);
        if (pieces.isEmpty()) return "complete";
        // JShell calls a whole but wrong statement ("int = 7q;") complete: a piece that does not even parse is invalid
        for (SnippetSplitter.Piece p : pieces) {
            if (p.completeness().isComplete() && isErroneous(p.source()) && SyntaxCheck.unparseable(p.source())) return "invalid";
        }
        return switch (pieces.get(pieces.size() - 1).completeness()) {
            case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> "complete";
            case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> "incomplete";
            case UNKNOWN -> "invalid";
        };
    }

    /** JShell's quick judgement: could not make a snippet of it (parse errors, but also some unknown names). */
    private boolean isErroneous(String source) {
        List<Snippet> snippets = analysis.sourceToSnippets(source);
        return snippets.isEmpty() || snippets.stream().anyMatch(sn -> sn.kind() == Snippet.Kind.ERRONEOUS);
    }

    /** The cell split into its complete snippets, as source text (used by magics that wrap a cell body). */
    public List<String> snippets(String code) {
        return SnippetSplitter.split(analysis, code).stream().map(SnippetSplitter.Piece::source).toList();
    }

    /** JShell's source analysis (completion, snippet kinds). */
    public SourceCodeAnalysis analysis() {
        return analysis;
    }

    @Override
    public void close() {
        compileCheck.close();
        shell.close();
    }
}
