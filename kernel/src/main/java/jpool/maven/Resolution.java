package jpool.maven;

import java.nio.file.Path;
import java.util.List;

/**
 * What one {@code %maven} resolved: every jar (the requested artifacts and their transitive dependencies), the version
 * conflicts the resolver settled, and how much it downloaded.
 */
public record Resolution(List<Jar> jars, List<String> conflicts, int downloadedFiles, long downloadedBytes, long millis) {
    /** One resolved jar: GROUP:ARTIFACT[:CLASSIFIER], version, its file in the local repository and where it came from. */
    public record Jar(String artifact, String version, Path file, String from) {
    }

    /** One line: how many jars, how much was downloaded and how long it took. */
    public String summary() {
        return "resolved " + jars.size() + " jar" + (jars.size() == 1 ? "" : "s") + " in " + millis + " ms"
                + (downloadedFiles == 0 ? " (all from the local repository)"
                : ", downloaded " + downloadedFiles + " file" + (downloadedFiles == 1 ? "" : "s") + " (" + DownloadProgress.size(downloadedBytes) + ")");
    }
}
