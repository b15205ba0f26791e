package jpool;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import jpool.api.CellImports;
import jpool.display.CellScope;
import jpool.display.LateOutput;
import jpool.display.Renderer;
import jpool.eval.CellError;
import jpool.eval.CellResult;
import jpool.eval.JShellEvaluator;
import jpool.magics.CellMagicInput;
import jpool.magics.MagicDispatcher;
import jpool.protocol.Cell;
import jpool.protocol.KernelBackend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Java language behind the protocol: JShell evaluation, magics, completion, inspection, history. */
public final class JavaKernel implements KernelBackend {
    /** The packages whose API types every cell imports; each names them in its package-info ({@link CellImports}). */
    static final List<String> API_PACKAGES = List.of("jpool.display", "jpool.workers", "jpool.api", "jpool.pool", "jpool.sharing",
            "jpool.cluster");

    private final JShellEvaluator evaluator;
    private final MagicDispatcher magics;
    private final History history = new History();

    public JavaKernel() {
        evaluator = new JShellEvaluator(System.getProperty("java.class.path"),
                cellImports());
        KernelServices.init(evaluator);
        magics = new MagicDispatcher(evaluator);
    }

    /**
     * Runs what a kernel does in its first seconds (JShell, its compiler on a declaration, an expression, a lambda,
     * a completion, a first pool) without a frontend: install.sh runs it once under {@code -XX:ArchiveClassesAtExit} so that
     * the classes it loads go into a class-data sharing archive, which later kernels map instead of loading them.
     */
    static void rehearseStart() {
        JavaKernel k = new JavaKernel();
        k.evaluator.eval("int rehearsal = 1 + 1;", 1);
        k.evaluator.eval("rehearsal * 2", 2);
        k.evaluator.eval("List.of(1, 2, 3).stream().map(x -> x * rehearsal).toList()", 3);
        k.evaluator.eval("String greet(String who) { return \"hi \" + who; }", 4);
        // a first pool: its shipping path (capture, class bytes, serialization) is most of a first map's time
        k.evaluator.eval("Pool rehearsalPool = new Pool(1);", 5);
        k.evaluator.eval("rehearsalPool.map(x -> greet(\"#\" + x), List.of(1, 2, 3))", 6);
        k.evaluator.eval("rehearsalPool.terminate();", 7);
        k.complete("Math.ma", 7);
        k.isComplete("for (int i = 0;");
    }

    /** The API types of {@link #API_PACKAGES}, by full name. */
    static List<String> cellImports() {
        List<String> imports = new ArrayList<>();
        for (String pkg : API_PACKAGES) {
            CellImports declared;
            try {
                declared = Class.forName(pkg + ".package-info", false, JavaKernel.class.getClassLoader())
                        .getAnnotation(CellImports.class);
            } catch (ClassNotFoundException e) {
                continue;
            }
            if (declared == null) continue;
            for (String type : declared.value()) if (exists(pkg + "." + type)) imports.add(pkg + "." + type);
        }
        return imports;
    }

    private static boolean exists(String className) {
        try {
            Class.forName(className, false, JavaKernel.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Override
    public JsonObject kernelInfo() {
        return info();
    }

    /** kernel_info content: it needs no JShell, so it can be answered while JShell is still starting. */
    static JsonObject info() {
        JsonObject c = new JsonObject();
        c.addProperty("implementation", "jpool");
        c.addProperty("implementation_version", Version.VERSION);
        JsonObject lang = new JsonObject();
        lang.addProperty("name", "java");
        lang.addProperty("version", Runtime.version().toString());
        lang.addProperty("mimetype", "text/x-java");
        lang.addProperty("file_extension", ".java");
        lang.addProperty("pygments_lexer", "java");
        lang.addProperty("codemirror_mode", "text/x-java");
        lang.addProperty("nbconvert_exporter", "script");
        c.add("language_info", lang);
        c.addProperty("banner", "jpool " + Version.VERSION + " — Java " + Runtime.version().feature()
                + " in JShell, with worker processes and pools.\nType %lsmagic for magics.");
        JsonArray links = new JsonArray();
        links.add(link("Java " + Runtime.version().feature() + " API",
                "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature() + "/docs/api/"));
        links.add(link("JShell guide", "https://docs.oracle.com/en/java/javase/17/jshell/"));
        c.add("help_links", links);
        return c;
    }

    private static JsonObject link(String text, String url) {
        JsonObject l = new JsonObject();
        l.addProperty("text", text);
        l.addProperty("url", url);
        return l;
    }

    @Override
    public ExecutionError execute(String code, Cell cell, boolean silent, boolean storeHistory) {
        if (storeHistory) history.add(cell.executionCount(), code);
        CellScope.enter(cell);
        KernelEvents.fireCellStart();
        Set<Thread> before = BackgroundThreads.snapshot();
        try {
            return run(code, cell, silent, storeHistory);
        } finally {
            // Frontends ignore stream output of a cell that already finished, but apply display updates to it: a cell
            // that leaves threads running reserves a display now, which their later output then updates.
            if (!silent && BackgroundThreads.startedSince(before)) LateOutput.reserve(cell, () -> true);
            LateOutput.cellEnded(cell); // the reserved display goes below what the cell printed
            // late output still waiting for the display timer goes out while this cell runs (nbclient reads it then)
            if (!silent) LateOutput.flushAll();
            KernelEvents.fireCellEnd();
        }
    }

    private ExecutionError run(String code, Cell cell, boolean silent, boolean storeHistory) {
        if (isExitCommand(code)) {
            cell.askExit(false);
            return null;
        }
        PagerRequest help = PagerRequest.parse(code);
        if (help != null) {
            page(help, cell, silent);
            return null;
        }
        CellResult result;
        if (magics.isMagic(code)) {
            result = magics.run(code, cell);
        } else {
            result = evaluator.eval(code, cell.executionCount());
        }
        if (result.error() != null) {
            CellError e = result.error();
            if (e.cause() != null) LastCellError.set(e.cause());
            return new ExecutionError(e.ename(), e.evalue(), e.traceback());
        }
        if (result.hasValue() && !silent) {
            try {
                Map<String, Object> bundle = Renderer.render(result.value());
                cell.executeResult(bundle, Map.of());
                if (storeHistory) history.setOutput(cell.executionCount(), String.valueOf(bundle.get("text/plain")));
            } catch (RuntimeException ex) {
                return new ExecutionError(ex.getClass().getName(), "could not render the value: " + ex.getMessage(), List.of(String.valueOf(ex)));
            }
        }
        return null;
    }

    /**
     * Answers {@code NAME?} as IPython does: the inspection of NAME goes to the frontend's pager (the execute_reply's
     * "page" payload: jupyter console prints it, JupyterLab and Notebook open their pager panel). An unknown name
     * gets IPython's one-line answer on stdout rather than an error, which would abort the cells queued after it.
     */
    private void page(PagerRequest help, Cell cell, boolean silent) {
        String text = inspectText(help.name(), help.name().length());
        if (text != null && help.detailed() && !help.isMagic()) {
            String source = evaluator.source(help.name());
            if (source != null) text += "\n\nSource:\n" + source;
        }
        if (text == null) {
            if (!silent) cell.write("stdout", "Object `" + help.name() + "` not found.\n");
            return;
        }
        String markdown = help.isMagic() || help.detailed() ? null : evaluator.inspectMarkdown(help.name(), help.name().length());
        cell.page(new LinkedHashMap<>(bundle(text, markdown)));
    }

    /**
     * A cell that is just {@code exit} or {@code quit} (not Java, unless a variable has that name) asks a console to
     * close, as in IPython.
     */
    private boolean isExitCommand(String code) {
        String word = code.strip();
        if (!word.equals("exit") && !word.equals("quit")) return false;
        return evaluator.jshell().variables().noneMatch(v -> v.name().equals(word));
    }

    @Override
    public JsonObject complete(String code, int cursor) {
        JShellEvaluator.Completion c = magics.isMagic(code) ? magics.complete(code, cursor) : evaluator.complete(code, cursor);
        c = Keywords.addTo(c, code, cursor);
        JsonObject o = new JsonObject();
        JsonArray matches = new JsonArray();
        c.matches().forEach(matches::add);
        o.add("matches", matches);
        o.addProperty("cursor_start", c.start());
        o.addProperty("cursor_end", c.end());
        o.add("metadata", new JsonObject());
        return o;
    }

    @Override
    public JsonObject inspect(String code, int cursor, int detailLevel) {
        String text = inspectText(code, cursor);
        JsonObject o = new JsonObject();
        o.addProperty("found", text != null);
        JsonObject data = new JsonObject();
        if (text != null) {
            String markdown = magics.isMagic(code) ? null : evaluator.inspectMarkdown(code, cursor);
            bundle(text, markdown).forEach(data::addProperty);
        }
        o.add("data", data);
        o.add("metadata", new JsonObject());
        return o;
    }

    /**
     * An inspection for frontends: text/plain for consoles and text/markdown (Javadoc rendered, signatures as code)
     * for notebook pagers and tooltips, which show the richest type they can.
     */
    private static Map<String, String> bundle(String text, String markdown) {
        return markdown == null ? Map.of("text/plain", text) : Map.of("text/plain", text, "text/markdown", markdown);
    }

    /** What Shift-Tab and {@code NAME?} show for the code at {@code cursor}, or null when nothing is known. */
    private String inspectText(String code, int cursor) {
        return magics.isMagic(code) ? magics.help(code) : evaluator.inspect(code, cursor);
    }

    @Override
    public JsonObject isComplete(String code) {
        // "Math.max?" would look like a ternary still being typed, and the console would wait for more lines
        String status = PagerRequest.parse(code) != null ? "complete"
                : magics.isMagic(code) ? CellMagicInput.isComplete(code) : evaluator.isComplete(code);
        JsonObject o = new JsonObject();
        o.addProperty("status", status);
        if ("incomplete".equals(status)) o.addProperty("indent", "    ");
        return o;
    }

    @Override
    public JsonObject history(JsonObject request) {
        return history.answer(request);
    }

    @Override
    public void interrupt() {
        // the cell running now, before anything else: the listeners below (a pool cancelling the cell's tasks) can
        // end it at once, and the next cell may start before stop() runs; that one must not be interrupted
        long cell = evaluator.cellGeneration();
        KernelEvents.fireInterrupt();
        evaluator.stop(cell);
    }

    @Override
    public void shutdown(boolean restart) {
        KernelEvents.fireShutdown();
        LateOutput.flushAll();
    }
}
