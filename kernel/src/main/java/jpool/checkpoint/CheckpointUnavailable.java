package jpool.checkpoint;

import jpool.api.JpoolException;

/** A checkpoint cannot be used (bad name, unwritable folder, damaged store, in use by another kernel); nothing ran. */
public class CheckpointUnavailable extends JpoolException {
    /** @param message one line: the checkpoint, the file, what is wrong and what to do */
    public CheckpointUnavailable(String message) {
        super(message, null, false);
    }
}
