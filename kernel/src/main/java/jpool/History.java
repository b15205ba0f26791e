package jpool;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The inputs of this kernel session, answering history_request (tail, range and search). With {@code output: true}
 * each entry is {@code [input, output]}, output being the plain text of the cell's result (null when it had none),
 * as the protocol asks.
 */
final class History {
    private static final class Entry {
        final int line;
        final String input;
        String output;

        Entry(int line, String input) {
            this.line = line;
            this.input = input;
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(int line, String input) {
        entries.add(new Entry(line, input));
    }

    /** Records the plain-text result of the cell {@code line} (the latest entry with that number). */
    synchronized void setOutput(int line, String output) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).line == line) {
                entries.get(i).output = output;
                return;
            }
        }
    }

    synchronized JsonObject answer(JsonObject request) {
        String access = request.has("hist_access_type") ? request.get("hist_access_type").getAsString() : "tail";
        boolean withOutput = request.has("output") && request.get("output").getAsBoolean();
        int n = request.has("n") && !request.get("n").isJsonNull() ? request.get("n").getAsInt() : 10;
        List<Entry> picked = new ArrayList<>();
        switch (access) {
            case "range" -> {
                int start = request.has("start") ? request.get("start").getAsInt() : 0;
                int stop = request.has("stop") && !request.get("stop").isJsonNull() ? request.get("stop").getAsInt() : Integer.MAX_VALUE;
                for (Entry e : entries) if (e.line >= start && e.line < stop) picked.add(e);
            }
            case "search" -> {
                String pattern = request.has("pattern") ? request.get("pattern").getAsString() : "*";
                boolean unique = request.has("unique") && request.get("unique").getAsBoolean();
                Pattern glob = Pattern.compile(globToRegex(pattern), Pattern.DOTALL);
                List<String> seen = new ArrayList<>();
                for (int i = entries.size() - 1; i >= 0 && picked.size() < n; i--) {
                    Entry e = entries.get(i);
                    if (!glob.matcher(e.input).matches()) continue;
                    if (unique && seen.contains(e.input)) continue;
                    seen.add(e.input);
                    picked.add(0, e);
                }
            }
            default -> picked.addAll(entries.subList(Math.max(0, entries.size() - n), entries.size()));
        }
        JsonArray history = new JsonArray();
        for (Entry e : picked) {
            JsonArray row = new JsonArray();
            row.add(0); // session number: this session
            row.add(e.line);
            if (withOutput) {
                JsonArray io = new JsonArray();
                io.add(e.input);
                io.add(e.output);
                row.add(io);
            } else {
                row.add(e.input);
            }
            history.add(row);
        }
        JsonObject c = new JsonObject();
        c.add("history", history);
        return c;
    }

    private static String globToRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            switch (ch) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                default -> sb.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return sb.toString();
    }
}
