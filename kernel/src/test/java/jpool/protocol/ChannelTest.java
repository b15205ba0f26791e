package jpool.protocol;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wire format, over an in-process ZeroMQ pair: frames in, WireMessage out, and back. */
class ChannelTest {
    private static final String KEY = "channel-test-key";
    private ZContext zmq;
    private ZMQ.Socket peer;
    private Channel channel;
    private Signer signer;

    @BeforeEach
    void connect() throws GeneralSecurityException {
        zmq = new ZContext();
        String address = "inproc://channel-" + UUID.randomUUID();
        ZMQ.Socket kernelSide = zmq.createSocket(SocketType.PAIR);
        kernelSide.bind(address);
        kernelSide.setReceiveTimeOut(10_000);
        peer = zmq.createSocket(SocketType.PAIR);
        peer.connect(address);
        peer.setReceiveTimeOut(10_000);
        signer = new Signer("hmac-sha256", KEY);
        channel = new Channel("shell", kernelSide, signer);
    }

    @AfterEach
    void close() {
        zmq.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void sendFrames(byte[]... frames) {
        for (int i = 0; i < frames.length - 1; i++) peer.sendMore(frames[i]);
        peer.send(frames[frames.length - 1], 0);
    }

    private static final String HEADER = "{\"msg_id\":\"m1\",\"msg_type\":\"execute_request\",\"session\":\"s\"}";
    private static final String CONTENT = "{\"code\":\"1 + 1\",\"silent\":false,\"cursor_pos\":5}";

    @Test
    void parsesIdentitiesPartsAndBuffers() throws Exception {
        String sig = signer.sign(b(HEADER), b("{}"), b("{}"), b(CONTENT));
        sendFrames(b("router-id-1"), b("router-id-2"), b("<IDS|MSG>"), b(sig), b(HEADER), b("{}"), b("{}"), b(CONTENT),
                new byte[]{0, 1, 2});
        WireMessage m = channel.receive();
        assertEquals(2, m.identities().size());
        assertArrayEquals(b("router-id-1"), m.identities().get(0));
        assertArrayEquals(b("router-id-2"), m.identities().get(1));
        assertEquals("execute_request", m.type());
        assertEquals("m1", m.id());
        assertEquals("1 + 1", m.contentString("code", null));
        assertEquals(5, m.contentInt("cursor_pos", -1));
        assertFalse(m.contentBool("silent", true));
        assertEquals(1, m.buffers().size());
        assertArrayEquals(new byte[]{0, 1, 2}, m.buffers().get(0));
    }

    @Test
    void aMessageWithoutIdentitiesIsFine() throws Exception {
        String sig = signer.sign(b(HEADER), b("{}"), b("{}"), b(CONTENT));
        sendFrames(b("<IDS|MSG>"), b(sig), b(HEADER), b("{}"), b("{}"), b(CONTENT));
        WireMessage m = channel.receive();
        assertEquals(List.of(), m.identities());
        assertEquals(List.of(), m.buffers());
    }

    @Test
    void aBadSignatureIsRejected() {
        sendFrames(b("id"), b("<IDS|MSG>"), b("0".repeat(64)), b(HEADER), b("{}"), b("{}"), b(CONTENT));
        MalformedMessageException e = assertThrows(MalformedMessageException.class, channel::receive);
        assertTrue(e.getMessage().contains("signature does not match"), e.getMessage());
    }

    @Test
    void aMissingDelimiterIsRejected() {
        sendFrames(b("id"), b("sig"), b(HEADER), b("{}"), b("{}"), b(CONTENT));
        MalformedMessageException e = assertThrows(MalformedMessageException.class, channel::receive);
        assertTrue(e.getMessage().contains("no <IDS|MSG> delimiter"), e.getMessage());
    }

    @Test
    void tooFewPartsAreRejected() {
        sendFrames(b("<IDS|MSG>"), b("sig"), b(HEADER));
        MalformedMessageException e = assertThrows(MalformedMessageException.class, channel::receive);
        assertTrue(e.getMessage().contains("too few parts (3 frames)"), e.getMessage());
    }

    @Test
    void brokenJsonIsRejected() {
        String bad = "{\"code\":";
        String sig = signer.sign(b(HEADER), b("{}"), b("{}"), b(bad));
        sendFrames(b("<IDS|MSG>"), b(sig), b(HEADER), b("{}"), b("{}"), b(bad));
        MalformedMessageException e = assertThrows(MalformedMessageException.class, channel::receive);
        assertTrue(e.getMessage().startsWith("shell: execute_request JSON could not be parsed"), e.getMessage());
        // its header was readable and it is a request: the kernel can answer it with an error reply
        assertEquals("execute_request", e.answerable().type());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "\"msg_type\":null,|null", "\"msg_type\":7,|a number", "\"msg_type\":{\"a\":1},|an object",
            "\"msg_type\":[\"execute_request\"],|a list", "|missing", "\"msg_type\":\"\",|empty"})
    void aHeaderWithoutAStringMsgTypeIsRejectedWithTheReason(String field, String why) throws Exception {
        String header = "{" + (field == null ? "" : field) + "\"msg_id\":\"m\",\"session\":\"s\"}";
        String sig = signer.sign(b(header), b("{}"), b("{}"), b(CONTENT));
        sendFrames(b("<IDS|MSG>"), b(sig), b(header), b("{}"), b("{}"), b(CONTENT));
        MalformedMessageException e = assertThrows(MalformedMessageException.class, channel::receive);
        assertTrue(e.getMessage().startsWith("shell: header msg_type is " + why), e.getMessage());
    }

    @Test
    void sentMessagesAreSignedAndKeepIdentitiesAndBuffers() throws Exception {
        JsonObject header = JsonParser.parseString(HEADER).getAsJsonObject();
        JsonObject content = new JsonObject();
        content.addProperty("text", "héllo");
        channel.send(new WireMessage(List.of(b("client")), header, new JsonObject(), new JsonObject(), content,
                List.of(new byte[]{9})));
        // identity, delimiter, signature, header, parent header, metadata, content, buffer
        byte[][] frames = new byte[8][];
        for (int i = 0; i < 8; i++) {
            frames[i] = peer.recv(0);
            assertEquals(i < 7, peer.hasReceiveMore(), "frame " + i);
        }
        assertArrayEquals(b("client"), frames[0]);
        assertArrayEquals(b("<IDS|MSG>"), frames[1]);
        assertEquals(signer.sign(frames[3], frames[4], frames[5], frames[6]), new String(frames[2], StandardCharsets.US_ASCII));
        assertEquals("héllo", JsonParser.parseString(new String(frames[6], StandardCharsets.UTF_8))
                .getAsJsonObject().get("text").getAsString());
        assertArrayEquals(new byte[]{9}, frames[7]);
    }

    @Test
    void wireMessageFieldsFallBack() {
        WireMessage m = new WireMessage(List.of(), new JsonObject(), new JsonObject(), new JsonObject(),
                JsonParser.parseString("{\"n\":\"not a number\",\"flag\":1}").getAsJsonObject(), List.of());
        assertEquals("", m.type());
        assertEquals("", m.id());
        assertEquals(3, m.contentInt("n", 3));
        assertEquals(3, m.contentInt("missing", 3));
        assertTrue(m.contentBool("flag", true));
        assertEquals("fb", m.contentString("missing", "fb"));
    }
}
