package jpool.ipc;

import org.junit.jupiter.api.Test;

import java.awt.Point;
import java.io.EOFException;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Big primitive arrays travel outside the serialization stream, through frames with parts. */
class BulkTransferTest {
    private static final ShipFilter FILTER = new ShipFilter(c -> false);

    record Holder(String name, double[] values, List<long[]> more) implements Serializable {
    }

    private static Object roundTrip(Object v) throws Exception {
        return Serial.read(Serial.write(v).bytes(), BulkTransferTest.class.getClassLoader(), FILTER);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void bigArrayOfEveryPrimitiveTypeRoundTrips() throws Exception {
        int n = 300_000;
        Random r = new Random(3);
        byte[] bytes = randomBytes(n);
        char[] chars = new char[n];
        short[] shorts = new short[n];
        int[] ints = r.ints(n).toArray();
        long[] longs = r.longs(n).toArray();
        float[] floats = new float[n];
        double[] doubles = r.doubles(n).toArray();
        boolean[] bools = new boolean[n];
        for (int i = 0; i < n; i++) {
            chars[i] = (char) r.nextInt();
            shorts[i] = (short) r.nextInt();
            floats[i] = r.nextFloat();
            bools[i] = r.nextBoolean();
        }
        doubles[7] = Double.NaN;
        doubles[8] = -0.0;
        List<Object> all = new ArrayList<>(List.of(bytes, chars, shorts, ints, longs, floats, doubles, bools));
        byte[] wire = Serial.write(all).bytes();
        assertTrue(Serial.isBulk(wire));
        List<?> back = (List<?>) Serial.read(wire, getClass().getClassLoader(), FILTER);
        assertArrayEquals(bytes, (byte[]) back.get(0));
        assertArrayEquals(chars, (char[]) back.get(1));
        assertArrayEquals(shorts, (short[]) back.get(2));
        assertArrayEquals(ints, (int[]) back.get(3));
        assertArrayEquals(longs, (long[]) back.get(4));
        assertArrayEquals(floats, (float[]) back.get(5));
        assertTrue(Arrays.equals(doubles, (double[]) back.get(6))); // bit-exact, NaN and -0.0 included
        assertArrayEquals(bools, (boolean[]) back.get(7));
    }

    @Test
    void topLevelBigArrayRoundTrips() throws Exception {
        byte[] blob = randomBytes(5 << 20);
        assertArrayEquals(blob, (byte[]) roundTrip(blob));
    }

    @Test
    void nestedInRecordsListsAndMapsKeepsIdentityAndSmallArraysStayInline() throws Exception {
        double[] shared = new Random(1).doubles(100_000).toArray();
        long[] big = new long[50_000];
        Arrays.fill(big, 42);
        int[] small = {1, 2, 3};
        Holder h = new Holder("h", shared, List.of(big, new long[]{5}));
        Map<String, Object> m = Map.of("holder", h, "again", shared, "small", small);
        byte[] wire = Serial.write(m).bytes();
        @SuppressWarnings("unchecked") Map<String, Object> back = (Map<String, Object>) Serial.read(wire, getClass().getClassLoader(), FILTER);
        Holder hb = (Holder) back.get("holder");
        assertEquals("h", hb.name());
        assertArrayEquals(shared, hb.values());
        assertSame(hb.values(), back.get("again")); // one array sent once, shared as before
        assertArrayEquals(big, hb.more().get(0));
        assertArrayEquals(new long[]{5}, hb.more().get(1));
        assertArrayEquals(small, (int[]) back.get("small"));
        // the big arrays are raw after the stream: the wire is barely larger than their contents
        assertTrue(wire.length < shared.length * 8 + big.length * 8 + 2_000, "wire " + wire.length);
    }

    @Test
    void smallValuesKeepThePlainFormat() throws Exception {
        // small and plain: the compact form; small inside a record: Java serialization; big: bulk
        byte[] wire = Serial.write(new ArrayList<>(List.of(new byte[Serial.BULK_MIN_BYTES - 1]))).bytes();
        assertFalse(Serial.isBulk(wire));
        assertEquals(Compact.MAGIC, wire[0]);
        byte[] record = Serial.write(new Holder("h", new double[10], List.of())).bytes();
        assertFalse(Serial.isBulk(record));
        assertEquals((byte) 0xAC, record[0]);
        assertTrue(Serial.isBulk(Serial.write(new byte[Serial.BULK_MIN_BYTES]).bytes()));
    }

    @Test
    void compactValuesReadBackThroughSerialAndKeepSharedListsShared() throws Exception {
        ArrayList<Object> inner = new ArrayList<>(List.of(1, "a"));
        ArrayList<Object> outer = new ArrayList<>(List.of(inner, 2.5, new int[]{1, 2}));
        Object back = roundTrip(outer);
        assertEquals(List.of(inner, 2.5), ((List<?>) back).subList(0, 2));
        assertEquals(Serial.write(outer).classNames(), Set.of(), "JDK value types name no class to ship");
        // a list that appears twice is one object after the trip (Java serialization keeps that; compact could not)
        ArrayList<Object> twice = new ArrayList<>(List.of(inner, inner));
        assertEquals((byte) 0xAC, Serial.write(twice).bytes()[0]);
        List<?> b = (List<?>) roundTrip(twice);
        assertSame(b.get(0), b.get(1));
    }

    @Test
    void allowListStillAppliesAroundBulkArrays() throws Exception {
        byte[] wire = Serial.write(new ArrayList<>(List.of(new double[100_000], new Point(1, 2)))).bytes();
        assertTrue(Serial.isBulk(wire));
        InvalidClassException e = assertThrows(InvalidClassException.class, () -> Serial.read(wire, getClass().getClassLoader(), FILTER));
        assertTrue(e.getMessage().contains("java.awt.Point"), e.getMessage());
    }

    @Test
    void theFilterDecidesAboutBulkArraysToo() throws Exception {
        byte[] wire = Serial.write(new double[100_000]).bytes();
        ObjectInputFilter noDoubleArrays = info -> info.serialClass() == double[].class
                ? ObjectInputFilter.Status.REJECTED : FILTER.checkInput(info);
        assertThrows(InvalidClassException.class, () -> Serial.read(wire, getClass().getClassLoader(), noDoubleArrays));
    }

    @Test
    void corruptOrForgedBulkValuesAreRefused() throws Exception {
        byte[] wire = Serial.write(new int[100_000]).bytes();
        // truncated data
        assertThrows(StreamCorruptedException.class, () -> Serial.read(Arrays.copyOf(wire, wire.length - 1), getClass().getClassLoader(), FILTER));
        // an element count that claims more than there is
        byte[] bad = wire.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(13, Integer.MAX_VALUE);
        assertThrows(StreamCorruptedException.class, () -> Serial.read(bad, getClass().getClassLoader(), FILTER));
        // a reference to an array that is not there, in a plain stream
        byte[] plain = Serial.write(new ArrayList<>(List.of(new Serial.BulkRef(0)))).bytes();
        assertFalse(Serial.isBulk(plain));
        assertThrows(StreamCorruptedException.class, () -> Serial.read(plain, getClass().getClassLoader(), FILTER));
    }

    @Test
    void classNamesDoesNotNeedTheBytes() throws Exception {
        var names = Serial.classNames(new ArrayList<>(List.of(new Holder("x", new double[1 << 20], List.of()))));
        assertTrue(names.contains(Holder.class.getName()), names.toString());
        assertTrue(names.contains("java.util.ArrayList"), names.toString());
    }

    @Test
    void payloadKeepsBigArraysInOrder() throws Exception {
        byte[] big = randomBytes(1 << 20);
        byte[] p = new Payload().putLong(7).putBytes(big).putString("after").putBytes(new byte[]{1, 2}).putBytes(big).toBytes();
        Payload.Reader r = new Payload.Reader(p);
        assertEquals(7, r.getLong());
        assertArrayEquals(big, r.getBytes());
        assertEquals("after", r.getString());
        assertArrayEquals(new byte[]{1, 2}, r.getBytes());
        assertArrayEquals(big, r.getBytes());
        assertThrows(EOFException.class, r::getInt);
    }

    private interface ChannelPairTest {
        void run(FrameChannel a, FrameChannel b) throws Exception;
    }

    /** Runs {@code body} with two FrameChannels connected over a UNIX socket. */
    private static void withChannelPair(ChannelPairTest body) throws Exception {
        Path dir = Files.createTempDirectory("jpool-frames");
        Path sock = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
            client.connect(UnixDomainSocketAddress.of(sock));
            body.run(new FrameChannel(client), new FrameChannel(server.accept()));
        } finally {
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }

    /** The next {@code n} frames {@code c} receives, read on another thread (the sender may block until then). */
    private static CompletableFuture<List<Frame>> receiveAsync(FrameChannel c, int n) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                List<Frame> frames = new ArrayList<>();
                for (int i = 0; i < n; i++) frames.add(c.receive());
                return frames;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void framesWithPartsCrossASocket() throws Exception {
        withChannelPair((a, b) -> {
            byte[] big = randomBytes(20 << 20);
            byte[] head = new Payload().putLong(99).putString("w").toBytes();
            CompletableFuture<List<Frame>> got = receiveAsync(b, 4);
            a.send(Frame.LOG, new byte[]{1, 'x'});
            a.send(Frame.RUN, head, new byte[0], big);
            a.send(Frame.RESULT, new byte[0]);
            a.send(Frame.RESULT, head, big);
            List<Frame> frames = got.get();
            assertEquals(Frame.LOG, frames.get(0).type());
            assertArrayEquals(new byte[]{1, 'x'}, frames.get(0).payload());
            assertNull(frames.get(0).parts());
            Frame run = frames.get(1);
            assertEquals(Frame.RUN, run.type());
            assertArrayEquals(head, run.payload());
            assertEquals(2, run.parts().length);
            assertEquals(0, run.parts()[0].length);
            assertArrayEquals(big, run.parts()[1]);
            assertEquals(0, frames.get(2).payload().length);
            assertArrayEquals(big, frames.get(3).parts()[0]);
            a.close();
            assertThrows(EOFException.class, b::receive);
            b.close();
        });
    }

    @Test
    void detachedArraysCrossInlineAndThroughSharedMemoryBothWaysWithNoFilesLeft() throws Exception {
        withChannelPair((a, b) -> {
            Random r = new Random(5);
            double[] small = r.doubles(1000).toArray();                        // 8 KB: inline in the frame
            byte[] big = randomBytes(30 << 20);                                // through the lane
            Holder holder = new Holder("h", r.doubles(3 << 20).toArray(), List.of(r.longs(200_000).toArray()));
            // a value serialized detached, its arrays beside it, read back on the other side
            // many arrays of odd sizes: each starts 8-byte aligned in the lane, so the padding adds up
            ArrayList<byte[]> odd = new ArrayList<>();
            for (int i = 0; i < 250; i++) odd.add(randomBytes(70_001 + i)); // 17.5 MB: the first lane is this size
            for (Object value : new Object[]{odd, small, big, holder, randomBytes(40 << 20) /* lane grows */, big}) {
                Serial.Written w = Serial.writeDetached(value);
                CompletableFuture<List<Frame>> got = receiveAsync(b, 1);
                a.send(Frame.RESULT, new byte[]{7}, new byte[][]{w.bytes()}, w.arrays());
                Frame f = got.get().get(0);
                Object back = Serial.read(f.parts()[0], f.arrays(), getClass().getClassLoader(), FILTER);
                if (value instanceof Holder h) {
                    Holder hb = (Holder) back;
                    assertArrayEquals(h.values(), hb.values());
                    assertArrayEquals(h.more().get(0), hb.more().get(0));
                } else if (value instanceof List<?> l) {
                    assertEquals(l.size(), ((List<?>) back).size());
                    for (int i = 0; i < l.size(); i++) assertArrayEquals((byte[]) l.get(i), (byte[]) ((List<?>) back).get(i));
                } else if (value instanceof byte[] x) {
                    assertArrayEquals(x, (byte[]) back);
                } else {
                    assertArrayEquals((double[]) value, (double[]) back);
                }
            }
            // the other way too, and plain frames in between keep their order
            Serial.Written w = Serial.writeDetached(big);
            CompletableFuture<List<Frame>> got = receiveAsync(a, 2);
            b.send(Frame.RUN, new byte[0], new byte[][]{w.bytes()}, w.arrays());
            b.send(Frame.LOG, new byte[]{1, 'x'});
            List<Frame> frames = got.get();
            assertArrayEquals(big, (byte[]) frames.get(0).arrays()[0]);
            assertEquals(Frame.LOG, frames.get(1).type());
            assertTrue(BulkLane.available(), "this test needs a writable /dev/shm");
            String lanes = "/dev/shm/jpool-lane-" + ProcessHandle.current().pid() + "-";
            assertTrue(Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.contains(lanes)),
                    "the big arrays went through a mapped lane file, not the socket");
            try (var left = Files.newDirectoryStream(Path.of("/dev/shm"), "jpool-lane-" + ProcessHandle.current().pid() + "-*")) {
                assertFalse(left.iterator().hasNext(), "each lane file is unlinked once both sides mapped it");
            }
            a.close();
            b.close();
        });
    }

    @Test
    void detachedValueWithoutItsArraysIsRefused() throws Exception {
        Serial.Written w = Serial.writeDetached(randomBytes(1 << 20));
        assertEquals(1, w.arrays().length);
        assertThrows(StreamCorruptedException.class, () -> Serial.read(w.bytes(), null, getClass().getClassLoader(), FILTER));
        assertThrows(StreamCorruptedException.class, () -> Serial.read(w.bytes(), new Object[]{new byte[5]}, getClass().getClassLoader(), FILTER));
        assertThrows(StreamCorruptedException.class, () -> Serial.read(w.bytes(), new Object[]{new int[1 << 18]}, getClass().getClassLoader(), FILTER));
    }

    @Test
    void aReceiverWaitingForSharedMemoryDataStopsWhenThePeerIsGone() throws Exception {
        BulkLane.Out out = new BulkLane.Out();
        String path = out.prepare(8 << 20, 1, () -> true); // announced, never written: the sender died
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(path))),
                "other users must not read what travels through shared memory");
        BulkLane.In in = new BulkLane.In();
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> in.read(out.seq(), path, new int[]{0}, new int[]{8 << 20}, () -> false));
        assertTrue(e.getMessage().contains("connection closed"), e.getMessage());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "gave up at once, not after the 30 s stall limit");
        assertFalse(Files.exists(Path.of(path)), "the receiver unlinked the file once mapped");
        out.close();
    }
}
