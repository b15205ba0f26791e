package jpool.cluster;

import org.junit.jupiter.api.Test;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class OutputServerTest {
    private static void send(DataOutputStream out, long task, int stream, String tag, String text) throws IOException {
        out.writeLong(task);
        out.writeByte(stream);
        out.writeUTF(tag);
        out.writeUTF(text);
    }

    @Test
    void linesAfterTheSecretReachTheSinkInOrderAndAStrangersNever() throws Exception {
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        try (OutputServer server = new OutputServer("127.0.0.1", (task, stream, tag, text) -> lines.add(task + " " + stream + " " + tag + " " + text))) {
            assertEquals("127.0.0.1", server.host());
            try (Socket stranger = new Socket(server.host(), server.port());
                 DataOutputStream out = new DataOutputStream(stranger.getOutputStream())) {
                stranger.setSoTimeout(30_000); // a kept connection fails the test rather than hanging it
                out.writeUTF("0".repeat(server.secret().length()));
                send(out, 1, 1, "executor 0 @ host", "should never be shown");
                out.flush();
                // the server closes a stranger's connection unread: our read sees the end of the stream
                assertEquals(-1, stranger.getInputStream().read());
            }
            try (Socket executor = new Socket(server.host(), server.port());
                 DataOutputStream out = new DataOutputStream(executor.getOutputStream())) {
                out.writeUTF(server.secret());
                send(out, 7, 1, "executor 1 @ 127.0.0.1", "fitting topic 3");
                send(out, 7, 2, "executor 1 @ 127.0.0.1", "warning: slow");
                out.flush();
                List<String> got = List.of(lines.poll(30, TimeUnit.SECONDS), lines.poll(30, TimeUnit.SECONDS));
                assertEquals(List.of("7 1 executor 1 @ 127.0.0.1 fitting topic 3", "7 2 executor 1 @ 127.0.0.1 warning: slow"), got);
            }
            assertNull(lines.poll(), "nothing of the stranger's arrived");
        }
    }
}
