package jpool.checkpoint;

/** A checkpoint cannot be used (bad name, unwritable folder, damaged store, in use by another kernel); nothing ran. */
public class CheckpointUnavailable extends RuntimeException {
    /** @param message one line: the checkpoint, the file, what is wrong and what to do */
    public CheckpointUnavailable(String message) {
        super(message, null, false, false);
    }
}
