package jpool.checkpoint;

import org.h2.mvstore.MVStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The checkpoints of this notebook: one store file each in the folder {@code jpool-checkpoints} of the kernel's
 * working directory (the notebook's folder), or in {@code $JPOOL_CHECKPOINT_DIR}.
 * <pre>{@code
 * Checkpoints.list();          // name, inputs stored, failures, size, last write
 * Checkpoints.clear("grid");   // the next checkpointed run of "grid" computes everything again
 * }</pre>
 */
public final class Checkpoints {
    private static final String SUFFIX = ".mv.db";

    private Checkpoints() {
    }

    /** What one checkpoint holds. */
    public record Info(String name, long stored, long failures, long bytes, Instant lastWrite, String problem) {
    }

    /** The folder checkpoint files live in. */
    public static Path directory() {
        String dir = System.getenv("JPOOL_CHECKPOINT_DIR");
        return (dir != null && !dir.isBlank() ? Path.of(dir) : Path.of("jpool-checkpoints")).toAbsolutePath();
    }

    /** Throws a one-line {@link CheckpointUnavailable} when {@code name} will not do as a checkpoint's name. */
    public static void checkName(String name) {
        fileOf(name);
    }

    /** The store file of checkpoint {@code name}; one line naming the problem when the name will not do. */
    static Path fileOf(String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}"))
            throw new CheckpointUnavailable("a checkpoint name is letters, digits, '.', '_' and '-' (up to 100, starting"
                    + " with a letter or digit), got " + (name == null ? "null" : "'" + name + "'"));
        return directory().resolve(name + SUFFIX);
    }

    /** Every checkpoint in {@link #directory()}, by name. */
    public static List<Info> list() {
        List<Info> out = new ArrayList<>();
        Path dir = directory();
        if (!Files.isDirectory(dir)) return out;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new CheckpointUnavailable("cannot list " + dir + ": " + e.getMessage());
        }
        for (Path f : files) {
            String file = f.getFileName().toString();
            String name = file.substring(0, file.length() - SUFFIX.length());
            long bytes = f.toFile().length();
            try {
                MVStore store = CheckpointStore.openFile(name, f, true);
                try {
                    var outcomes = store.<String, byte[]>openMap("outcomes");
                    long failures = 0;
                    for (byte[] v : outcomes.values()) if (StoredOutcome.failed(v)) failures++;
                    String w = store.<String, String>openMap("meta").get("lastWrite");
                    out.add(new Info(name, outcomes.sizeAsLong(), failures, bytes, w == null ? null : Instant.parse(w), null));
                } finally {
                    store.close();
                }
            } catch (CheckpointUnavailable e) {
                out.add(new Info(name, 0, 0, bytes, null, e.getMessage()));
            }
        }
        return out;
    }

    /** Deletes checkpoint {@code name}; returns whether it existed. */
    public static boolean clear(String name) {
        Path f = fileOf(name);
        try {
            return Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new CheckpointUnavailable("checkpoint '" + name + "': cannot delete " + f + ": " + e.getMessage());
        }
    }

    /** Deletes every checkpoint; returns their names. */
    public static List<String> clearAll() {
        List<String> names = new ArrayList<>();
        for (Info i : list()) if (clear(i.name())) names.add(i.name());
        return names;
    }
}
