package jpool.magics;

import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;
import io.github.spencerpark.jupyter.kernel.magic.registry.UndefinedMagicException;
import jpool.eval.CellResult;
import jpool.eval.JShellEvaluator;
import jpool.protocol.Cell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs cells that start with {@code %name} (line magic) or {@code %%name} (cell magic) through the base kernel's
 * magics registry. Each magic has one line of help for {@code %lsmagic} and full help for {@code --help}.
 */
public final class MagicDispatcher {
    private final Magics registry = new Magics();
    private final Map<String, MagicHelp> help = new TreeMap<>();
    private final JShellEvaluator evaluator;
    private volatile Cell currentCell;

    /** The cell whose magic is running (magics evaluate Java on its behalf and draw into it). */
    public Cell currentCell() {
        return currentCell;
    }

    /** One-line and full help of a magic. */
    public record MagicHelp(String kind, String summary, String usage) {
    }

    public MagicDispatcher(JShellEvaluator evaluator) {
        this.evaluator = evaluator;
        registerLine("lsmagic", "list every magic with one line of help", "%lsmagic", args -> lsmagic());
        BuiltinMagics.registerAll(this, evaluator);
    }

    /** Registers a line magic {@code %name}. */
    public void registerLine(String name, String summary, String usage, LineMagic m) {
        registry.registerLineMagic(name, args -> m.run(args));
        help.put("%" + name, new MagicHelp("line", summary, usage));
    }

    /** Registers a cell magic {@code %%name}. */
    public void registerCell(String name, String summary, String usage, CellMagic m) {
        registry.registerCellMagic(name, (args, body) -> m.run(args, body));
        help.put("%%" + name, new MagicHelp("cell", summary, usage));
    }

    /** A line magic's body: the arguments after its name; returns a value to display (or null). */
    @FunctionalInterface
    public interface LineMagic {
        Object run(List<String> args) throws Exception;
    }

    /** A cell magic's body: its arguments and the rest of the cell. */
    @FunctionalInterface
    public interface CellMagic {
        Object run(List<String> args, String body) throws Exception;
    }

    /** True when the cell starts with a magic. */
    public boolean isMagic(String code) {
        return code.stripLeading().startsWith("%");
    }

    /** Runs a magic cell: a cell magic, or line magics each on its own line (other lines are Java). */
    public CellResult run(String code, Cell cell) {
        currentCell = cell;
        String trimmed = code.stripLeading();
        try {
            if (trimmed.startsWith("%%")) {
                // parsed here rather than by the base kernel's parser: option values may be Java expressions with
                // spaces, commas and quotes (e.g. --map List.of("a", "b")), which a shell-like split would break
                int nl = trimmed.indexOf('\n');
                String head = (nl < 0 ? trimmed : trimmed.substring(0, nl)).substring(2).strip();
                String body = nl < 0 ? "" : trimmed.substring(nl + 1);
                List<String> parts = ArgSplitter.splitJava(head);
                if (parts.isEmpty()) throw new MagicException("'%%' must be followed by a magic name; try %lsmagic");
                String name = parts.get(0);
                List<String> args = new ArrayList<>(parts.subList(1, parts.size()));
                if (wantsHelp(args)) return CellResult.ofValue(helpText("%%" + name));
                return CellResult.ofValue(registry.applyCellMagic(name, args, body));
            }
            Object last = null;
            StringBuilder java = new StringBuilder();
            for (String line : trimmed.split("\n", -1)) {
                String l = line.strip();
                if (l.startsWith("%")) {
                    if (!java.toString().isBlank()) {
                        CellResult r = evaluator.eval(java.toString(), cell.executionCount());
                        if (r.error() != null) return r;
                        java.setLength(0);
                    }
                    List<String> parts = ArgSplitter.split(l.substring(1));
                    if (parts.isEmpty()) throw new MagicException("'%' must be followed by a magic name; try %lsmagic");
                    String name = parts.get(0);
                    List<String> args = parts.subList(1, parts.size());
                    if (wantsHelp(args)) last = helpText("%" + name);
                    else last = registry.applyLineMagic(name, new ArrayList<>(args));
                } else {
                    java.append(line).append('\n');
                }
            }
            if (!java.toString().isBlank()) return evaluator.eval(java.toString(), cell.executionCount());
            return CellResult.ofValue(last);
        } catch (MagicFailure e) {
            return e.result;
        } catch (UndefinedMagicException e) {
            return CellResult.ofError("UnknownMagic", e.getMessage().replace("Undefined", "Unknown")
                    + ". %lsmagic lists the magics.");
        } catch (MagicException e) {
            return CellResult.ofError("MagicError", e.getMessage());
        } catch (Exception e) {
            Throwable t = e.getCause() != null && e.getClass() == RuntimeException.class ? e.getCause() : e;
            if (t instanceof MagicException me) return CellResult.ofError("MagicError", me.getMessage());
            if (t instanceof MagicFailure mf) return mf.result;
            return CellResult.ofError(t.getClass().getName(), String.valueOf(t.getMessage()));
        }
    }

    private static boolean wantsHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    private String helpText(String name) {
        MagicHelp h = help.get(name);
        return h == null ? "no help for " + name : name + ": " + h.summary() + "\nusage: " + h.usage();
    }

    private String lsmagic() {
        StringBuilder sb = new StringBuilder("Available magics (add --help to any for its usage):\n");
        help.forEach((name, h) -> sb.append(String.format("  %-12s %s%n", name, h.summary())));
        return sb.toString().stripTrailing();
    }

    /** Completes magic names after % or %%. */
    public JShellEvaluator.Completion complete(String code, int cursor) {
        int lineStart = code.lastIndexOf('\n', Math.max(0, cursor - 1)) + 1;
        String line = code.substring(lineStart, cursor).stripLeading();
        int start = cursor - line.length();
        List<String> matches = new ArrayList<>();
        if (line.startsWith("%") && !line.contains(" ")) {
            for (String name : help.keySet()) if (name.startsWith(line)) matches.add(name);
            return new JShellEvaluator.Completion(start, cursor, matches);
        }
        return evaluator.complete(code, cursor);
    }

    /** Help for the magic at the start of the cell (inspect_request). */
    public String help(String code) {
        String first = code.stripLeading().split("\\s", 2)[0];
        return help.containsKey(first) ? helpText(first) : null;
    }
}
