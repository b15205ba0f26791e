package jpool.maven;

import org.eclipse.aether.transfer.AbstractTransferListener;
import org.eclipse.aether.transfer.TransferEvent;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Counts what the resolver downloads and hands one status line to {@code sink} as it changes (at most every 200 ms,
 * so a large download does not flood the notebook with updates); the caller draws it in one display.
 */
final class DownloadProgress extends AbstractTransferListener {
    private final Consumer<String> sink;
    private int started, done, failed;
    private long bytes;
    private long lastShown;
    private String current = "";

    DownloadProgress(Consumer<String> sink) {
        this.sink = sink;
    }

    @Override
    public synchronized void transferStarted(TransferEvent e) {
        started++;
        current = e.getResource().getResourceName();
        show(true);
    }

    @Override
    public synchronized void transferProgressed(TransferEvent e) {
        bytes += e.getDataLength();
        show(false);
    }

    @Override
    public synchronized void transferSucceeded(TransferEvent e) {
        done++;
        show(false);
    }

    @Override
    public synchronized void transferFailed(TransferEvent e) {
        failed++;
    }

    /** Files downloaded so far. */
    synchronized int files() {
        return done;
    }

    /** Bytes downloaded so far. */
    synchronized long bytes() {
        return bytes;
    }

    private void show(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastShown < 200_000_000L) return;
        lastShown = now;
        sink.accept(String.format(Locale.ROOT, "downloading: %d of %d files, %s  %s", done, started, size(bytes), current));
    }

    static String size(long b) {
        if (b < 10_000) return b + " B";
        if (b < 10_000_000) return String.format(Locale.ROOT, "%.1f KB", b / 1024.0);
        return String.format(Locale.ROOT, "%.1f MB", b / 1048576.0);
    }
}
