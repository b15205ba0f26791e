package jpool.protocol;

import jpool.log.KernelLog;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The heartbeat channel: echoes every message, whole, back to its sender. A message of several frames is read to
 * its end before the echo (a REP socket refuses to answer a message it has read only part of, and that refusal
 * used to end the thread and with it the kernel). A failure on one message is logged and the next one served;
 * the heartbeat must outlive whatever a peer sends, since a frontend takes its silence for a dead kernel.
 */
final class Heartbeat implements Runnable {
    /** Frames of one message beyond this many are read and dropped: a ping is one frame. */
    static final int MAX_FRAMES = 16;

    private final ZMQ.Socket socket;
    private final BooleanSupplier running;
    private long failures;

    Heartbeat(ZMQ.Socket socket, BooleanSupplier running) {
        this.socket = socket;
        this.running = running;
    }

    @Override
    public void run() {
        socket.setReceiveTimeOut(200);
        while (running.getAsBoolean()) {
            try {
                echoOne();
            } catch (ZMQException | IllegalStateException e) {
                if (!running.getAsBoolean()) break;
                // logged once per ten failures after the first few, so a flood cannot fill the log
                if (failures++ < 3 || failures % 10 == 0)
                    KernelLog.warn("heartbeat: could not echo a message (" + failures + " so far), serving on", e);
            }
        }
    }

    private void echoOne() {
        byte[] first = socket.recv(0);
        if (first == null) return; // the receive timeout: look at `running` again
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (socket.hasReceiveMore()) {
            byte[] more = socket.recv(0);
            if (frames.size() < MAX_FRAMES) frames.add(more);
        }
        for (int i = 0; i < frames.size(); i++) socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
    }
}
