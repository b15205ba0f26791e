package jpool.checkpoint;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * One named checkpoint on disk: an H2 MVStore file holding each input's stored outcome under its key, and which
 * code the outcomes belong to. Writes are group-committed by a thread of its own as they arrive, so an outcome is
 * in the file within one commit of arriving (a commit is a new append-only chunk: a kernel killed mid-write leaves
 * the last complete commit). The store holds an exclusive file lock while open: a second kernel gets a clear error.
 */
public final class CheckpointStore implements AutoCloseable {
    private static final String FINGERPRINT = "fingerprint", SINCE = "since", LAST_WRITE = "lastWrite";
    private final String name;
    private final Path file;
    private final MVStore store;
    private final MVMap<String, byte[]> outcomes;
    private final MVMap<String, String> meta;
    private final Object dirtyLock = new Object();
    /** Puts since the last commit; guarded by dirtyLock. */
    private long puts, committed;
    private boolean closing;
    private final Thread committer;
    private volatile RuntimeException writeFailure;

    private CheckpointStore(String name, Path file, MVStore store) {
        this.name = name;
        this.file = file;
        this.store = store;
        this.outcomes = store.openMap("outcomes");
        this.meta = store.openMap("meta");
        committer = new Thread(this::commitLoop, "jpool-checkpoint-" + name);
        committer.setDaemon(true);
        committer.start();
    }

    /**
     * Opens (or creates) checkpoint {@code name} in {@link Checkpoints#directory()}; a one-line
     * {@link CheckpointUnavailable} when the name, the folder or the file will not do.
     */
    public static CheckpointStore open(String name) {
        Path file = Checkpoints.fileOf(name);
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException | SecurityException e) {
            throw new CheckpointUnavailable("checkpoint '" + name + "': cannot create the folder " + file.getParent()
                    + " (" + e.getMessage() + "); set JPOOL_CHECKPOINT_DIR to a writable folder");
        }
        if (!Files.isWritable(file.getParent()))
            throw new CheckpointUnavailable("checkpoint '" + name + "': the folder " + file.getParent()
                    + " is not writable; set JPOOL_CHECKPOINT_DIR to a writable folder");
        return new CheckpointStore(name, file, openFile(name, file, false));
    }

    /** Opens the MVStore file, turning its errors into one line that names the file and what to do. */
    static MVStore openFile(String name, Path file, boolean readOnly) {
        MVStore.Builder b = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled();
        if (readOnly) b.readOnly();
        try {
            return b.open();
        } catch (MVStoreException | IllegalStateException e) {
            int code = e instanceof MVStoreException m ? m.getErrorCode() : -1;
            if (code == DataUtils.ERROR_FILE_LOCKED)
                throw new CheckpointUnavailable("checkpoint '" + name + "' is in use by another kernel (" + file
                        + " is locked); wait until its run ends, or use another name");
            if (code == DataUtils.ERROR_WRITING_FAILED)
                throw new CheckpointUnavailable("checkpoint '" + name + "': cannot write " + file + " (" + firstLine(e) + ")");
            throw new CheckpointUnavailable("checkpoint '" + name + "': " + file + " is not a jpool checkpoint store or is"
                    + " damaged (" + firstLine(e) + "); clear it with %checkpoints clear " + name + " (or delete the file)");
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int cut = m.indexOf(" [");
        return (cut > 0 ? m.substring(0, cut) : m).split("\n")[0];
    }

    /** This checkpoint's name. */
    public String name() {
        return name;
    }

    /**
     * Says which code the outcomes about to be stored belong to. Outcomes of other code are dropped (a changed
     * function or notebook variable starts afresh); returns when the dropped ones were stored from, or null.
     */
    public Instant belongTo(String fingerprint) {
        String old = meta.get(FINGERPRINT);
        if (fingerprint.equals(old)) return null;
        Instant since = old == null || outcomes.isEmpty() ? null : Instant.parse(meta.getOrDefault(SINCE, Instant.EPOCH.toString()));
        outcomes.clear();
        meta.put(FINGERPRINT, fingerprint);
        meta.put(SINCE, Instant.now().toString());
        store.commit();
        return since;
    }

    /** The stored outcome of the input with {@code key}, or null. */
    public byte[] get(String key) {
        return outcomes.get(key);
    }

    /** How many outcomes are stored. */
    public long size() {
        return outcomes.sizeAsLong();
    }

    /** When the last outcome was stored, or null. */
    public Instant lastWrite() {
        String w = meta.get(LAST_WRITE);
        return w == null ? null : Instant.parse(w);
    }

    /** Stores an outcome; it reaches the file with the next commit (see {@link #flush}). */
    public void put(String key, byte[] outcome) {
        outcomes.put(key, outcome);
        synchronized (dirtyLock) {
            puts++;
            dirtyLock.notifyAll();
        }
    }

    /** Commits whatever was put, as often as commits go: each commit takes along all puts made during the last. */
    private void commitLoop() {
        while (true) {
            long upTo;
            synchronized (dirtyLock) {
                while (puts == committed && !closing) {
                    try {
                        dirtyLock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (puts == committed) return; // closing, nothing left
                upTo = puts;
            }
            try {
                meta.put(LAST_WRITE, Instant.now().toString());
                store.commit();
            } catch (RuntimeException e) {
                writeFailure = e;
            }
            synchronized (dirtyLock) {
                committed = upTo;
                dirtyLock.notifyAll();
            }
        }
    }

    /** Waits until everything put so far is in the file; throws what the last commit failed with. */
    public void flush() {
        synchronized (dirtyLock) {
            long target = puts;
            while (committed < target) {
                try {
                    dirtyLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        RuntimeException failed = writeFailure;
        if (failed != null)
            throw new CheckpointUnavailable("checkpoint '" + name + "': writing " + file + " failed: " + firstLine(failed));
    }

    /** Commits what is left and closes the file (its lock goes with it). */
    @Override
    public void close() {
        synchronized (dirtyLock) {
            closing = true;
            dirtyLock.notifyAll();
        }
        try {
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    /** Every stored outcome (key to bytes), for listing. */
    Map<String, byte[]> outcomes() {
        return outcomes;
    }
}
