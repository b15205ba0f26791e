package jpool.ipc;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Queue items sent while earlier ones still wait for the socket join their frame, and order is kept. */
class JoiningCallsTest {
    private interface PairBody {
        void run(FrameChannel sender, FrameChannel receiver) throws Exception;
    }

    private static void withPair(PairBody body) throws Exception {
        Path dir = Files.createTempDirectory("jpool-join");
        Path sock = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
            client.connect(UnixDomainSocketAddress.of(sock));
            try (FrameChannel a = new FrameChannel(client); FrameChannel b = new FrameChannel(server.accept())) {
                body.run(a, b);
            }
        } finally {
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }

    private static void join(FrameChannel c, String object, int item) {
        try {
            c.sendSoonJoining(object, "addAll", new byte[]{(byte) item});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "queue-1[1, 2, 3]" for a call, "LOG" for a log frame. */
    private static String show(Message m) {
        if (!(m instanceof Message.Call c)) return m.getClass().getSimpleName().toUpperCase();
        List<Integer> items = new ArrayList<>();
        for (byte[] a : c.args()) items.add((int) a[0]);
        assertEquals(0, c.requestId());
        assertEquals("addAll", c.op());
        return c.objectId() + items;
    }

    @Test
    void itemsJoinTheCallRightBeforeThemOnlyWhileItWaitsInTheBuffer() throws Exception {
        withPair((a, b) -> {
            a.withSendLock(() -> { // the flusher cannot write meanwhile: everything below waits in the buffer
                join(a, "queue-1", 1);
                join(a, "queue-1", 2);
                join(a, "queue-1", 3);
                join(a, "queue-2", 4);  // another queue: a frame of its own
                join(a, "queue-1", 5);  // queue-1 again, after queue-2's frame: a new frame, so order is kept
                join(a, "queue-1", 6);
                try {
                    a.sendSoon(Frame.LOG, new Message.Log(1, new byte[]{'x'}).toFrame().payload());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                join(a, "queue-1", 7);  // after another frame: never joins a call before it
            });
            a.flush();
            join(a, "queue-1", 8); // written before: a frame of its own
            a.flush();
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 6; i++) got.add(show(b.receiveMessage()));
            assertEquals(List.of("queue-1[1, 2, 3]", "queue-2[4]", "queue-1[5, 6]", "LOG", "queue-1[7]", "queue-1[8]"), got);
        });
    }

    @Test
    void manyItemsFromAFastProducerArriveAllInOrder() throws Exception {
        withPair((a, b) -> {
            int n = 200_000;
            Thread producer = new Thread(() -> {
                for (int i = 0; i < n; i++) join(a, "queue-1", i);
            });
            producer.start();
            int next = 0;
            while (next < n) {
                Message.Call c = (Message.Call) b.receiveMessage();
                for (byte[] item : c.args()) assertEquals((byte) next++, item[0]);
            }
            producer.join();
            assertEquals(n, next);
        });
    }
}
