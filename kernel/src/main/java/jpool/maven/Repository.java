package jpool.maven;

import java.net.URI;

/** A remote repository by name and URL ({@code %maven --repo NAME=URL}, or a POM's {@code <repository>}). */
public record Repository(String id, String url) {
    /** Checks that the name is not empty and the URL is absolute (http, https or file). */
    public Repository {
        if (id == null || id.isBlank() || !id.matches("[A-Za-z0-9_.\\-]+")) {
            throw new IllegalArgumentException("repository name '" + id + "' must be letters, digits, '.', '-' or '_'");
        }
        String scheme;
        try {
            scheme = URI.create(url).getScheme();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("repository URL '" + url + "' is not a URL");
        }
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https") || scheme.equals("file"))) {
            throw new IllegalArgumentException("repository URL '" + url + "' must start with https:, http: or file:");
        }
    }

    /** Parses {@code NAME=URL}. */
    public static Repository parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("'" + text + "' is not NAME=URL");
        return new Repository(text.substring(0, eq).strip(), text.substring(eq + 1).strip());
    }
}
