package jpool.protocol;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Buffers a cell's stdout or stderr and sends it at most every {@value #FLUSH_MS} ms, so a print loop streams live
 * without one message per print. Text is also sent at once when the buffer grows large.
 */
final class StreamBuffer {
    static final int FLUSH_MS = 40;
    private static final int MAX_BUFFER = 64 * 1024;
    private static final ScheduledExecutorService FLUSHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jpool-stream-flusher");
        t.setDaemon(true);
        return t;
    });

    private final Cell cell;
    private final String name;
    private final StringBuilder pending = new StringBuilder();
    private boolean scheduled;

    StreamBuffer(Cell cell, String name) {
        this.cell = cell;
        this.name = name;
    }

    void append(String text) {
        boolean flushNow;
        synchronized (this) {
            pending.append(text);
            flushNow = pending.length() >= MAX_BUFFER;
            if (!flushNow && !scheduled) {
                scheduled = true;
                FLUSHER.schedule(this::flush, FLUSH_MS, TimeUnit.MILLISECONDS);
            }
        }
        if (flushNow) flush();
    }

    void flush() {
        String text;
        synchronized (this) {
            scheduled = false;
            if (pending.length() == 0) return;
            text = pending.toString();
            pending.setLength(0);
            // send inside the lock so two flushes of one stream can never overtake each other
            cell.sendStream(name, text);
        }
    }
}
