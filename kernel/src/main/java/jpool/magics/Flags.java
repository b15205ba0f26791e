package jpool.magics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a magic's options against a declared set, with one-line errors that name the magic and the problem:
 * unknown options, missing values, numbers out of range.
 */
final class Flags {
    /** How many values an option takes. */
    enum Arity { NONE, ONE, OPTIONAL }

    private final String magic;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Flags(String magic) {
        this.magic = magic;
    }

    /** @param spec option name (with dashes, e.g. "--map" or "-n") to arity */
    static Flags parse(String magic, List<String> args, Map<String, Arity> spec) {
        Flags f = new Flags(magic);
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a, inline = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                inline = a.substring(eq + 1);
            }
            if (!a.startsWith("-") || isNumber(a)) {
                f.positional.add(a);
                continue;
            }
            Arity arity = spec.get(name);
            if (arity == null)
                throw new MagicException(magic + ": unknown option " + name + " (see " + magic + " --help)");
            switch (arity) {
                case NONE -> {
                    if (inline != null) throw new MagicException(magic + ": " + name + " takes no value");
                    f.values.put(name, "");
                }
                case ONE -> {
                    if (inline == null) {
                        if (i + 1 >= args.size()) throw new MagicException(magic + ": " + name + " needs a value");
                        inline = args.get(++i);
                    }
                    f.values.put(name, inline);
                }
                case OPTIONAL -> {
                    if (inline == null && i + 1 < args.size() && (!args.get(i + 1).startsWith("-") || isNumber(args.get(i + 1))))
                        inline = args.get(++i);
                    f.values.put(name, inline == null ? "" : inline);
                }
            }
        }
        return f;
    }

    private static boolean isNumber(String s) {
        return s.matches("-?\\d+(\\.\\d+)?");
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String get(String name, String fallback) {
        String v = values.get(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    List<String> positional() {
        return positional;
    }

    /** A whole number option, at least {@code min}. */
    int intValue(String name, int fallback, int min) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) return fallback;
        try {
            int n = Integer.parseInt(v);
            if (n < min) throw new MagicException(magic + ": " + name + " must be at least " + min + ", got " + v);
            return n;
        } catch (NumberFormatException e) {
            throw new MagicException(magic + ": " + name + " needs a whole number, got '" + v + "'");
        }
    }

    /** A positive decimal option (seconds), or null when absent or given without value. */
    Double seconds(String name) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) return null;
        try {
            double d = Double.parseDouble(v);
            if (!(d > 0)) throw new MagicException(magic + ": " + name + " must be a positive number of seconds, got " + v);
            return d;
        } catch (NumberFormatException e) {
            throw new MagicException(magic + ": " + name + " needs a number of seconds, got '" + v + "'");
        }
    }
}
