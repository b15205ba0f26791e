package jpool.ipc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Array;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Values as jpool sends them: plain values (numbers, strings, small primitive arrays, ArrayLists of these) in the
 * {@link Compact} form, anything else in Java serialization. Writing records which classes the stream names (so the kernel knows which
 * notebook classes and variables a task needs), and reading resolves classes through a given loader and admits
 * only classes the {@link ShipFilter} allows.
 */
public final class Serial {
    private Serial() {
    }

    /**
     * Bytes of an object graph plus every class named in it and the lambdas in it, each as
     * {@code {implementation class (binary name), method name, descriptor}}.
     */
    public record Written(byte[] bytes, Set<String> classNames, List<String[]> lambdas, Object[] arrays) {
        public Written(byte[] bytes, Set<String> classNames, List<String[]> lambdas) {
            this(bytes, classNames, lambdas, null);
        }
    }

    /**
     * Primitive arrays at least this large (in bytes) leave the Java serialization stream: the stream holds a
     * {@link BulkRef} and the array's contents follow it raw (one bulk copy each way instead of
     * ObjectOutputStream's 1 KB blocks and per-element conversion of int/long/double arrays).
     */
    static final int BULK_MIN_BYTES = 64 << 10;
    /**
     * First bytes of a value with bulk arrays (a plain value starts with the serialization magic 0xACED instead).
     * Layout: magic, int stream length, int array count, per array (byte kind, int element count), the stream,
     * then each array's elements, little-endian.
     */
    private static final int BULK_MAGIC = 0x4A504231; // "JPB1"
    /**
     * First bytes of a value written by {@link #writeDetached}: the same layout up to the stream, whose big arrays
     * are not in the bytes but travel beside them ({@link Written#arrays()}).
     */
    private static final int DETACHED_MAGIC = 0x4A504232; // "JPB2"

    /** Stands in the serialization stream for the bulk array with this index. */
    record BulkRef(int index) implements Serializable {
    }

    /** Serializes {@code value}; NotSerializableException names the first class that is not serializable. */
    public static Written write(Object value) throws IOException {
        Written w = writeDetached(value);
        return w.arrays() == null ? w : new Written(attach(w.bytes(), w.arrays()), w.classNames(), w.lambdas());
    }

    /**
     * Like {@link #write}, but big primitive arrays are not copied into the bytes: they are returned as they are in
     * {@link Written#arrays()} (null when there are none), for a sender that can pass arrays on without a copy
     * ({@link FrameChannel#send(byte, byte[], byte[][], Object[])}). {@link #read(byte[], Object[], ClassLoader,
     * ObjectInputFilter)} takes them back.
     */
    public static Written writeDetached(Object value) throws IOException {
        byte[] compact = Compact.encode(value);
        if (compact != null) return new Written(compact, Set.of(), List.of());
        Bytes bytes = new Bytes();
        List<Object> bulk = new ArrayList<>();
        Written w = write(value, bytes, bulk);
        if (bulk.isEmpty()) return new Written(bytes.exact(), w.classNames(), w.lambdas());
        ByteBuffer b = ByteBuffer.allocate(12 + 5 * bulk.size() + bytes.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(DETACHED_MAGIC).putInt(bytes.size()).putInt(bulk.size());
        for (Object a : bulk) b.put((byte) PrimitiveArrays.KINDS.charAt(PrimitiveArrays.kind(a))).putInt(Array.getLength(a));
        b.put(bytes.buffer(), 0, bytes.size());
        return new Written(b.array(), w.classNames(), w.lambdas(), bulk.toArray());
    }

    /**
     * The classes a value's serialized form names, without keeping the bytes (a sender checking what it is about
     * to send: big arrays are not even copied).
     */
    public static Set<String> classNames(Object value) throws IOException {
        if (Compact.encode(value) != null) return Set.of(); // JDK value types only
        return write(value, OutputStream.nullOutputStream(), new ArrayList<>()).classNames();
    }

    private static Written write(Object value, OutputStream bytes, List<Object> bulk) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        List<String[]> lambdas = new ArrayList<>();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes) {
            {
                enableReplaceObject(true); // to observe lambdas and to take big primitive arrays out of the stream
            }

            @Override
            protected Object replaceObject(Object obj) {
                if (obj instanceof SerializedLambda l)
                    lambdas.add(new String[]{l.getImplClass().replace('/', '.'), l.getImplMethodName(), l.getImplMethodSignature()});
                int kind = PrimitiveArrays.kind(obj);
                if (kind >= 0 && (long) Array.getLength(obj) * PrimitiveArrays.SIZES[kind] >= BULK_MIN_BYTES) {
                    bulk.add(obj); // each array once: the stream refers back to its first replacement
                    return new BulkRef(bulk.size() - 1);
                }
                return obj;
            }

            @Override
            protected void annotateClass(Class<?> cl) {
                names.add(cl.getName());
            }

            @Override
            protected void annotateProxyClass(Class<?> cl) {
                for (Class<?> i : cl.getInterfaces()) names.add(i.getName());
            }
        }) {
            out.writeObject(value);
        }
        return new Written(null, names, lambdas);
    }

    /**
     * The self-contained layout of a detached value: the same header (marked as holding its arrays) and stream,
     * then each array's elements, little-endian; each array is copied once, straight into place.
     */
    private static byte[] attach(byte[] detached, Object[] arrays) throws IOException {
        long total = detached.length + PrimitiveArrays.bytes(arrays);
        if (total > Frame.MAX_LENGTH) throw new IOException("value too large to send: " + total + " bytes");
        byte[] out = Arrays.copyOf(detached, (int) total);
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(0, BULK_MAGIC).position(detached.length);
        for (Object a : arrays) PrimitiveArrays.put(b, a, 0, Array.getLength(a));
        return out;
    }

    /**
     * Reads the arrays of a bulk value (from its bytes, or for a detached one checks the {@code given} arrays
     * against its header) and sets {@code streamRange} to where its serialization stream is.
     */
    private static Object[] readBulk(byte[] bytes, Object[] given, ObjectInputFilter filter, int[] streamRange) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            boolean detached = b.getInt() == DETACHED_MAGIC;
            int streamLength = b.getInt(), count = b.getInt();
            if (streamLength < 0 || count < 0 || count > bytes.length / 5) throw new StreamCorruptedException("bad bulk header");
            int[] kinds = new int[count], lengths = new int[count];
            long data = 0;
            for (int i = 0; i < count; i++) {
                kinds[i] = PrimitiveArrays.KINDS.indexOf((char) b.get());
                lengths[i] = b.getInt();
                if (kinds[i] < 0 || lengths[i] < 0) throw new StreamCorruptedException("bad bulk array " + i);
                data += (long) lengths[i] * PrimitiveArrays.SIZES[kinds[i]];
                // the allow-list decides about these arrays as if they were in the stream
                Class<?> type = PrimitiveArrays.CLASSES[kinds[i]];
                if (filter.checkInput(new BulkInfo(type, lengths[i], bytes.length)) == ObjectInputFilter.Status.REJECTED)
                    throw new InvalidClassException(type.getName(), "this array may not be sent between the kernel and a worker");
            }
            int streamStart = b.position();
            if ((long) streamStart + streamLength + (detached ? 0 : data) != bytes.length)
                throw new StreamCorruptedException("bad bulk lengths");
            streamRange[0] = streamStart;
            streamRange[1] = streamLength;
            if (detached) {
                if (given == null || given.length != count) throw new StreamCorruptedException("detached arrays missing");
                for (int i = 0; i < count; i++) {
                    if (PrimitiveArrays.kind(given[i]) != kinds[i] || Array.getLength(given[i]) != lengths[i])
                        throw new StreamCorruptedException("detached array " + i + " does not match");
                }
                return given;
            }
            b.position(streamStart + streamLength);
            Object[] arrays = new Object[count];
            for (int i = 0; i < count; i++) {
                arrays[i] = PrimitiveArrays.allocate(kinds[i], lengths[i]);
                PrimitiveArrays.get(b, arrays[i], 0, lengths[i]);
            }
            return arrays;
        } catch (BufferUnderflowException e) {
            throw new StreamCorruptedException("truncated bulk value");
        }
    }

    private record BulkInfo(Class<?> serialClass, long arrayLength, long streamBytes) implements ObjectInputFilter.FilterInfo {
        @Override
        public long depth() {
            return 1;
        }

        @Override
        public long references() {
            return 0;
        }
    }

    static boolean isBulk(byte[] bytes) {
        if (bytes.length < 12) return false;
        int magic = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        return magic == BULK_MAGIC || magic == DETACHED_MAGIC;
    }

    /** A ByteArrayOutputStream whose buffer can be used without another copy. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes() {
            super(256);
        }

        byte[] buffer() {
            return buf;
        }

        byte[] exact() {
            return count == buf.length ? buf : Arrays.copyOf(buf, count);
        }
    }

    /**
     * Reads an object written by {@link #write}, resolving classes with {@code loader}. A class the filter refuses
     * gives an InvalidClassException that names it (the JDK's own says only "filter status: REJECTED"); so does a value
     * over the {@link ReadLimits} of its stream (depth, references, array sizes, time).
     */
    public static Object read(byte[] bytes, ClassLoader loader, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        return read(bytes, null, loader, filter);
    }

    /** Reads what {@link #writeDetached} wrote, with the big arrays that travelled beside the bytes (or null). */
    public static Object read(byte[] bytes, Object[] arrays, ClassLoader loader, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        if (bytes.length > 0 && bytes[0] == Compact.MAGIC) return Compact.decode(bytes);
        ObjectInputFilter.FilterInfo[] refused = new ObjectInputFilter.FilterInfo[1];
        ObjectInputFilter recording = info -> {
            ObjectInputFilter.Status status = filter.checkInput(info);
            if (status == ObjectInputFilter.Status.REJECTED && refused[0] == null) refused[0] = info;
            return status;
        };
        ReadLimits limits = new ReadLimits(bytes.length);
        try {
            return readFiltered(bytes, arrays, loader, recording, limits);
        } catch (StackOverflowError e) {
            // nesting the reading thread's stack cannot hold, though under MAX_DEPTH: refused like any other limit,
            // so the reading thread (the one serving a worker's results) lives on and the task fails, not the pool
            throw new ValueRefused("its objects are nested too deeply to read on the kernel's stack");
        } catch (InvalidClassException e) {
            if (limits.refusal() != null) {
                InvalidClassException bounded = new ValueRefused(limits.refusal());
                bounded.initCause(e);
                throw bounded;
            }
            ObjectInputFilter.FilterInfo info = refused[0];
            if (info == null) throw e;
            Class<?> c = info.serialClass();
            InvalidClassException named = c == null
                    ? new InvalidClassException("the object graph is nested too deeply (depth " + info.depth() + ") to be sent")
                    : new InvalidClassException(c.getName(), "this type may not be sent between the kernel and a worker"
                    + " (allowed: JDK value and collection types, java.time, jpool's own types, classes defined in the"
                    + " notebook and classes from jars it added)");
            named.initCause(e);
            throw named;
        }
    }

    private static Object readFiltered(byte[] bytes, Object[] arrays, ClassLoader loader, ObjectInputFilter filter,
                                       ReadLimits limits) throws IOException, ClassNotFoundException {
        int[] range = {0, bytes.length};
        Object[] bulk = isBulk(bytes) ? readBulk(bytes, arrays, filter, range) : new Object[0];
        limits.admit(bulk);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes, range[0], range[1])) {
            {
                enableResolveObject(true); // also so that a stray BulkRef in a plain stream is refused
            }

            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    return super.resolveClass(desc); // primitives' descriptors and platform classes
                }
            }

            @Override
            protected Object resolveObject(Object obj) throws IOException {
                if (!(obj instanceof BulkRef ref)) return obj;
                if (ref.index() < 0 || ref.index() >= bulk.length) throw new StreamCorruptedException("bad bulk reference");
                return bulk[ref.index()];
            }
        }) {
            // the stream's own limits first (they refuse), then the allow-list (which decides about classes)
            in.setObjectInputFilter(info -> limits.checkInput(info) == ObjectInputFilter.Status.REJECTED
                    ? ObjectInputFilter.Status.REJECTED : filter.checkInput(info));
            return in.readObject();
        }
    }

    /** A one-line explanation of why a value could not be serialized. */
    public static String explain(IOException e) {
        if (e instanceof NotSerializableException n)
            return "class " + n.getMessage() + " is not Serializable";
        if (e instanceof InvalidClassException i) return i.getMessage();
        return e.toString();
    }
}
