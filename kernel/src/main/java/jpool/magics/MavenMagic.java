package jpool.magics;

import jpool.display.Display;
import jpool.eval.JShellEvaluator;
import jpool.maven.Coordinates;
import jpool.maven.PomFragment;
import jpool.maven.Repository;
import jpool.maven.Resolution;
import jpool.maven.ResolutionFailed;
import jpool.maven.Resolver;
import jpool.protocol.Cell;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code %maven} and {@code %%loadFromPOM}: resolve Maven artifacts and put the jars on the class path through
 * {@code %classpath}'s mechanism, so cells see them at once and every worker (running, spare or later) before its
 * next task.
 */
final class MavenMagic {
    static final String USAGE = "%maven GROUP:ARTIFACT:VERSION [...] [--exclude GROUP:ARTIFACT ...]\n"
            + "                                  resolve (with transitive runtime dependencies) and add to cells and workers;\n"
            + "                                  also GROUP:ARTIFACT:CLASSIFIER:VERSION\n"
            + "%maven --repo NAME=URL            also search this repository (https:, http: or file:)\n"
            + "%maven --list                     every jar added: artifact, version, where it came from\n"
            + "settings: ~/.m2/settings.xml (or $JPOOL_MAVEN_SETTINGS): localRepository, offline, mirrors, proxies";
    static final String POM_USAGE = "%%loadFromPOM\n<dependency>...</dependency> <repositories>...</repositories>\n"
            + "  resolve the <dependency> elements of a POM fragment (whole POM, <dependencies> or bare <dependency>s)";

    private final JShellEvaluator evaluator;
    private final MagicDispatcher dispatcher;
    private final Resolver resolver = new Resolver();
    /** Jars added, by file, with where they came from: what {@code --list} shows. */
    private final Map<Path, Resolution.Jar> added = new LinkedHashMap<>();

    MavenMagic(JShellEvaluator evaluator, MagicDispatcher dispatcher) {
        this.evaluator = evaluator;
        this.dispatcher = dispatcher;
    }

    Object line(List<String> args) {
        if (args.isEmpty() || args.equals(List.of("--list"))) return list();
        if (args.get(0).equals("--repo")) {
            if (args.size() != 2) throw new MagicException("%maven: --repo takes one NAME=URL, e.g. %maven --repo mine=https://repo.example.com/maven2/");
            try {
                Repository r = Repository.parse(args.get(1));
                resolver.addRepository(r);
                return "%maven will also search " + r.id() + " (" + r.url() + ")";
            } catch (IllegalArgumentException e) {
                throw new MagicException("%maven --repo: " + e.getMessage());
            }
        }
        List<String> coords = new ArrayList<>();
        List<String> exclusions = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--exclude")) {
                if (i + 1 >= args.size()) throw new MagicException("%maven: --exclude needs GROUP:ARTIFACT");
                exclusions.add(args.get(++i));
            } else if (a.startsWith("--")) {
                throw new MagicException("%maven: unknown option '" + a + "'; usage: %maven GROUP:ARTIFACT:VERSION [...] | --repo NAME=URL | --list");
            } else {
                coords.add(a);
            }
        }
        if (coords.isEmpty()) throw new MagicException("%maven: no coordinates; usage: %maven GROUP:ARTIFACT:VERSION [...]");
        List<Coordinates> wanted = new ArrayList<>();
        try {
            for (String c : coords) wanted.add(Coordinates.parse(c, exclusions));
        } catch (IllegalArgumentException e) {
            throw new MagicException("%maven: " + e.getMessage());
        }
        return resolveAndAdd("%maven", wanted, List.of());
    }

    Object loadFromPom(List<String> args, String body) {
        if (!args.isEmpty()) throw new MagicException("%%loadFromPOM takes no arguments, only a POM fragment in the cell body");
        PomFragment f;
        try {
            f = PomFragment.parse(body);
        } catch (IllegalArgumentException e) {
            throw new MagicException("%%loadFromPOM: " + e.getMessage());
        }
        return resolveAndAdd("%%loadFromPOM", f.dependencies(), f.repositories());
    }

    private Object resolveAndAdd(String magic, List<Coordinates> wanted, List<Repository> extra) {
        Cell cell = dispatcher.currentCell();
        String id = "jpool-maven-" + UUID.randomUUID();
        boolean[] shown = {false};
        Resolution r;
        try {
            r = resolver.resolve(wanted, extra, text -> {
                if (cell == null) return;
                if (!shown[0]) cell.display(Map.of("text/plain", text), Map.of(), id);
                else cell.updateDisplay(Map.of("text/plain", text), Map.of(), id);
                shown[0] = true;
            });
        } catch (ResolutionFailed e) {
            if (shown[0]) cell.updateDisplay(Map.of("text/plain", "download stopped: nothing was added"), Map.of(), id);
            throw new MagicException(magic + ": " + e.getMessage());
        }
        int fresh = 0;
        for (Resolution.Jar j : r.jars()) {
            if (added.containsKey(j.file())) continue;
            evaluator.addToClasspath(j.file());
            added.put(j.file(), j);
            fresh++;
        }
        StringBuilder out = new StringBuilder(r.summary()).append("; ")
                .append(fresh == 0 ? "all were already on the class path" : fresh + " added to the class path of cells and workers");
        for (String c : r.conflicts()) out.append('\n').append(c);
        if (shown[0]) {
            cell.updateDisplay(Map.of("text/plain", out.toString()), Map.of(), id);
            return null;
        }
        return out.toString();
    }

    private Object list() {
        if (added.isEmpty()) return "no jars added with %maven yet (repositories searched: " + names() + ")";
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Resolution.Jar j : added.values()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("artifact", j.artifact());
            row.put("version", j.version());
            row.put("jar", j.file().getFileName().toString());
            row.put("from", j.from());
            rows.add(row);
        }
        return Display.table(rows);
    }

    private String names() {
        List<String> n = new ArrayList<>();
        for (Repository r : resolver.repositories()) n.add(r.id() + " (" + r.url() + ")");
        return String.join(", ", n);
    }
}
