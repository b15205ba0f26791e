package jpool.maven;

import java.util.List;

/**
 * One Maven artifact a user asks for: {@code GROUP:ARTIFACT:VERSION}, {@code GROUP:ARTIFACT:CLASSIFIER:VERSION} or
 * {@code GROUP:ARTIFACT:EXTENSION:CLASSIFIER:VERSION}, with the {@code GROUP:ARTIFACT} pairs to leave out of its
 * transitive dependencies.
 */
public record Coordinates(String groupId, String artifactId, String extension, String classifier, String version,
                          List<String> exclusions) {
    /** The shapes a coordinate may take, for usage lines. */
    public static final String FORMS = "GROUP:ARTIFACT:VERSION, GROUP:ARTIFACT:CLASSIFIER:VERSION or GROUP:ARTIFACT:EXTENSION:CLASSIFIER:VERSION";

    /** Checks every part; exclusions are {@code GROUP:ARTIFACT} pairs ({@code *} allowed in either). */
    public Coordinates {
        exclusions = List.copyOf(exclusions);
        for (String e : exclusions) {
            String[] p = e.split(":", -1);
            if (p.length != 2 || p[0].isBlank() || p[1].isBlank()) {
                throw new IllegalArgumentException("exclusion '" + e + "' is not GROUP:ARTIFACT");
            }
        }
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} with a one-line reason when it is malformed. */
    public static Coordinates parse(String text, List<String> exclusions) {
        String s = text.strip();
        String[] p = s.split(":", -1);
        String why = null;
        if (p.length < 3 || p.length > 5) why = "has " + p.length + " part" + (p.length == 1 ? "" : "s");
        else for (String part : p) if (part.isBlank() || !part.matches("[A-Za-z0-9_.\\-\\[\\](),+]+")) why = "has an empty or invalid part";
        if (why != null) throw new IllegalArgumentException("'" + text + "' " + why + "; expected " + FORMS);
        return switch (p.length) {
            case 3 -> new Coordinates(p[0], p[1], "jar", "", p[2], exclusions);
            case 4 -> new Coordinates(p[0], p[1], "jar", p[2], p[3], exclusions);
            default -> new Coordinates(p[0], p[1], p[2], p[3], p[4], exclusions);
        };
    }

    /** {@code GROUP:ARTIFACT[:CLASSIFIER]:VERSION} as a user writes it. */
    @Override
    public String toString() {
        return groupId + ":" + artifactId + (extension.equals("jar") ? "" : ":" + extension)
                + (classifier.isEmpty() && extension.equals("jar") ? "" : ":" + classifier) + ":" + version;
    }
}
