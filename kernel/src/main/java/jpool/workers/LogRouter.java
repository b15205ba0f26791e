package jpool.workers;

import jpool.display.CellScope;
import jpool.display.LateOutput;
import jpool.display.OutputTarget;
import jpool.display.Throttle;
import jpool.protocol.Cell;
import jpool.log.KernelLog;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;

/**
 * Carries worker output into the notebook cell that started the work, each line tagged with the worker's name:
 * as stream output while that cell runs, afterwards into the display the cell reserved for late output. Every line
 * also goes to a log file on disk; what reaches the frontend is rate-limited (a burst, then a steady rate), with a
 * note saying how many lines were left out and where the whole log is. The file is open only while output
 * arrives: {@link #close()} releases it and later output reopens it for appending, so a long session does not hold
 * one open file per process or cell it ever ran.
 */
public final class LogRouter implements AutoCloseable {
    static final int BURST_LINES = 2_000;
    static final int LINES_PER_SECOND = 500;
    private final Cell origin;
    private final Path file;
    private BufferedWriter writer;
    private boolean fileFailed;
    private double tokens = BURST_LINES;
    private long lastRefill = System.nanoTime();
    private long suppressed;
    private String suppressedStream = "stdout";
    private long lastSuppressed;
    /** Announces held-back lines soon after a flood stops, when no shown line or cell end would announce them. */
    private final Throttle tailNote = new Throttle(this::announceTail);
    private final BooleanSupplier stillRunning;

    /**
     * @param fileStem name of the log file (without extension), e.g. the process name
     * @param stillRunning whether the work may still print when the cell's code ends (then the cell keeps a
     *                     display for output arriving later)
     */
    public LogRouter(Cell origin, String fileStem, BooleanSupplier stillRunning) {
        this.origin = origin;
        this.stillRunning = stillRunning;
        LateOutput.reserve(origin, this::cellEnding);
        Path f = null;
        try {
            f = createUnique(Workers.logDirectory(), fileStem.replaceAll("[^A-Za-z0-9_.-]", "_"));
        } catch (IOException e) {
            KernelLog.warn("no log file for " + fileStem + ": " + e.getMessage());
            fileFailed = true;
        }
        this.file = f;
    }

    /** stem.log, or stem-2.log, ... when a process of the same name already has one (names may be reused). */
    private static Path createUnique(Path dir, String stem) throws IOException {
        for (int n = 1; ; n++) {
            Path p = dir.resolve(n == 1 ? stem + ".log" : stem + "-" + n + ".log");
            try {
                return Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                // taken: try the next suffix
            }
        }
    }

    /** The file holding every line, or null when it could not be created. */
    public Path file() {
        return file;
    }

    /** Output from worker {@code who}; stream 1 = stdout, 2 = stderr. */
    public synchronized void output(String who, int stream, String text) {
        String name = stream == 2 ? "stderr" : "stdout";
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            String line = nl < 0 ? text.substring(start) : text.substring(start, nl);
            start = nl < 0 ? text.length() : nl + 1;
            String tagged = "[" + who + "] " + line + "\n";
            toFile(tagged);
            if (take()) {
                if (suppressed > 0) announceSuppressed(name);
                send(name, tagged);
                flushFile();
            } else {
                suppressed++;
                suppressedStream = name;
                lastSuppressed = System.nanoTime();
                tailNote.request();
            }
        }
    }

    /**
     * The cell's code is ending: the count of lines the rate limit held back goes into the cell now, while it still
     * runs (it would otherwise wait for the next shown line, perhaps in another cell). True if more may come.
     */
    private boolean cellEnding() {
        synchronized (this) {
            if (suppressed > 0) announceSuppressed("stdout");
        }
        return stillRunning.getAsBoolean();
    }

    private synchronized void announceTail() {
        if (suppressed > 0 && System.nanoTime() - lastSuppressed < Throttle.PERIOD_MS * 1_000_000L) {
            tailNote.request(); // still flooding: a shown line will carry the count, or a later check
            return;
        }
        if (suppressed > 0) announceSuppressed(suppressedStream);
    }

    /** A message from jpool itself about the work (a failure, an exit); never rate-limited. */
    public synchronized void note(int stream, String text) {
        String t = text.endsWith("\n") ? text : text + "\n";
        toFile(t);
        send(stream == 2 ? "stderr" : "stdout", t);
    }

    private boolean take() {
        long now = System.nanoTime();
        tokens = Math.min(BURST_LINES, tokens + (now - lastRefill) / 1e9 * LINES_PER_SECOND);
        lastRefill = now;
        if (tokens < 1) return false;
        tokens--;
        return true;
    }

    private void announceSuppressed(String stream) {
        send(stream, "… " + suppressed + " lines not shown (output rate limit)"
                + (file == null ? "" : "; the full log is " + file) + "\n");
        suppressed = 0;
        flushFile();
    }

    private void send(String stream, String text) {
        OutputTarget t = CellScope.targetFor(origin);
        if (t == null) {
            KernelLog.info(text.strip());
            return;
        }
        try {
            t.write(stream, text);
        } catch (RuntimeException e) {
            KernelLog.warn("could not send worker output to the notebook", e);
        }
    }

    private void toFile(String text) {
        if (fileFailed) return;
        try {
            if (writer == null)
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            writer.write(text);
        } catch (IOException e) {
            KernelLog.warn("log file " + file + " failed: " + e.getMessage());
            fileFailed = true;
            closeWriter();
        }
    }

    private void closeWriter() {
        if (writer == null) return;
        try {
            writer.close();
        } catch (IOException ignored) {
            // the lines were flushed or reported already
        }
        writer = null;
    }

    private void flushFile() {
        if (writer == null) return;
        try {
            writer.flush();
        } catch (IOException ignored) {
            // reported when writing
        }
    }

    /** Reports lines still held back and closes the file (later output reopens it and appends). */
    @Override
    public synchronized void close() {
        if (suppressed > 0) announceSuppressed("stdout");
        closeWriter();
    }
}
