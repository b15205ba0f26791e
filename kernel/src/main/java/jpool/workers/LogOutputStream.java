package jpool.workers;

import jpool.shipping.TaskProgress;
import jpool.ipc.Message;
import jpool.ipc.FrameChannel;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * A worker's System.out or System.err: bytes are collected up to the end of a line and then sent to the kernel as
 * one LOG frame, so lines from one worker arrive whole and in order. {@link #flush()} sends a partial line.
 */
final class LogOutputStream extends OutputStream {
    static final int STDOUT = 1, STDERR = 2;
    private final FrameChannel channel;
    private final int stream;
    private final PrintStream fallback;
    private byte[] buf = new byte[256];
    private int count;

    LogOutputStream(FrameChannel channel, int stream, PrintStream fallback) {
        this.channel = channel;
        this.stream = stream;
        this.fallback = fallback;
    }

    @Override
    public synchronized void write(int b) {
        append(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        append(b, off, len);
    }

    private void append(byte[] b, int off, int len) {
        if (count + len > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
        System.arraycopy(b, off, buf, count, len);
        count += len;
        // send complete lines, keep the tail
        int lastNl = -1;
        for (int i = count - 1; i >= count - len && i >= 0; i--) if (buf[i] == '\n') { lastNl = i; break; }
        if (lastNl >= 0) send(lastNl + 1);
    }

    @Override
    public synchronized void flush() {
        if (count > 0) send(count);
    }

    private void send(int n) {
        TaskProgress.beforeOutput();
        byte[] text = Arrays.copyOf(buf, n);
        System.arraycopy(buf, n, buf, 0, count - n);
        count -= n;
        try {
            channel.send(new Message.Log(stream, text));
        } catch (IOException e) {
            fallback.write(text, 0, text.length); // the kernel is gone; the worker is about to exit anyway
        }
    }
}
