package jpool.eval;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Just enough of the class-file format (JVMS chapter 4) to read a class's constant pool and to add an interface.
 * Used to find which notebook variables a shipped lambda reads, and to make cell-defined classes Serializable so
 * their instances travel to workers without the user declaring it.
 */
public final class ClassFile {
    private final byte[] bytes;
    private final Object[] pool;      // index -> String (utf8), int[] (refs) or null
    private final byte[] tags;
    private final int poolEnd;         // offset just after the constant pool
    private final int thisClass;
    private final int[] offsets;       // index -> offset of the entry's tag byte

    /** A field reference found in the constant pool: owner class (binary name with dots) and field name. */
    public record FieldRef(String owner, String name) {
    }

    public ClassFile(byte[] bytes) {
        this.bytes = bytes;
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            if (in.readInt() != 0xCAFEBABE) throw new IllegalArgumentException("not a class file");
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            pool = new Object[count];
            tags = new byte[count];
            offsets = new int[count];
            int offset = 10;
            for (int i = 1; i < count; i++) {
                offsets[i] = offset;
                int tag = in.readUnsignedByte();
                tags[i] = (byte) tag;
                offset++;
                switch (tag) {
                    case 1 -> {
                        int len = in.readUnsignedShort();
                        byte[] b = new byte[len];
                        in.readFully(b);
                        pool[i] = decodeModifiedUtf8(bytes, offset);
                        offset += 2 + len;
                    }
                    case 7, 8, 16, 19, 20 -> {
                        pool[i] = new int[]{in.readUnsignedShort()};
                        offset += 2;
                    }
                    case 3, 4 -> {
                        in.readInt();
                        offset += 4;
                    }
                    case 9, 10, 11, 12, 17, 18 -> {
                        pool[i] = new int[]{in.readUnsignedShort(), in.readUnsignedShort()};
                        offset += 4;
                    }
                    case 15 -> {
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                        offset += 3;
                    }
                    case 5, 6 -> {
                        in.readLong();
                        offset += 8;
                        i++; // 8-byte constants take two slots
                    }
                    default -> throw new IllegalArgumentException("unknown constant pool tag " + tag);
                }
            }
            poolEnd = offset;
            thisClass = ((bytes[offset + 2] & 0xff) << 8) | (bytes[offset + 3] & 0xff);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String decodeModifiedUtf8(byte[] b, int offset) {
        try {
            return new DataInputStream(new ByteArrayInputStream(b, offset, b.length - offset)).readUTF();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String className(int classIndex) {
        return ((String) pool[((int[]) pool[classIndex])[0]]).replace('/', '.');
    }

    /** This class's binary name. */
    public String name() {
        return className(thisClass);
    }

    /** Every class named in the constant pool (binary names; array descriptors skipped). */
    public Set<String> referencedClasses() {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 1; i < pool.length; i++) {
            if (tags[i] == 7) {
                String n = className(i);
                if (!n.startsWith("[")) out.add(n);
            }
        }
        return out;
    }

    /** Every field reference in the constant pool. */
    public List<FieldRef> fieldRefs() {
        List<FieldRef> out = new ArrayList<>();
        for (int i = 1; i < pool.length; i++) {
            if (tags[i] == 9) {
                int[] ref = (int[]) pool[i];
                int[] nat = (int[]) pool[ref[1]];
                out.add(new FieldRef(className(ref[0]), (String) pool[nat[0]]));
            }
        }
        return out;
    }

    /** Whether the class is an interface or annotation (those are never given an extra interface). */
    public boolean isInterface() {
        int flags = ((bytes[poolEnd] & 0xff) << 8) | (bytes[poolEnd + 1] & 0xff);
        return (flags & 0x0200) != 0;
    }

    /** Names of the interfaces the class declares directly. */
    public List<String> interfaces() {
        int p = poolEnd + 6;
        int n = u2(p);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(className(u2(p + 2 + 2 * i)));
        return out;
    }

    private int u2(int p) {
        return ((bytes[p] & 0xff) << 8) | (bytes[p + 1] & 0xff);
    }

    /**
     * Returns the class with {@code iface} (binary name) added to its direct interfaces, or the same bytes when it
     * already declares it or is an interface itself.
     */
    public byte[] withInterface(String iface) {
        if (isInterface() || interfaces().contains(iface)) return bytes;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 64);
            DataOutputStream d = new DataOutputStream(out);
            int count = pool.length;
            d.write(bytes, 0, 8);
            d.writeShort(count + 2);
            d.write(bytes, 10, poolEnd - 10);
            d.writeByte(1);
            d.writeUTF(iface.replace('.', '/'));
            d.writeByte(7);
            d.writeShort(count);           // the Utf8 just written
            int classIndex = count + 1;
            int p = poolEnd;
            d.write(bytes, p, 6);           // access_flags, this_class, super_class
            int n = u2(p + 6);
            d.writeShort(n + 1);
            d.write(bytes, p + 8, 2 * n);
            d.writeShort(classIndex);
            int rest = p + 8 + 2 * n;
            d.write(bytes, rest, bytes.length - rest);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns the class with every call of the static method {@code owner.name descriptor} redirected to the
     * method of the same name and descriptor in {@code newOwner} (binary names), or the same bytes when the class
     * makes no such call. Only the Methodref's class changes, so the bytecode itself is untouched.
     */
    public byte[] redirectStaticCall(String owner, String name, String descriptor, String newOwner) {
        Set<Integer> refs = methodRefs(owner, name, descriptor);
        if (refs.isEmpty()) return bytes;
        int count = pool.length;
        return withPool(2, entries -> {
            for (int i : refs) putU2(entries, offsets[i] - 10 + 1, count + 1); // past the tag: class_index
        }, d -> {
            d.writeByte(1);
            d.writeUTF(newOwner.replace('.', '/')); // count
            d.writeByte(7);
            d.writeShort(count);                    // count + 1
        });
    }

    /** Writes constant-pool entries. */
    private interface PoolWriter {
        void write(DataOutputStream d) throws IOException;
    }

    /**
     * The class with its constant pool's entries (a copy, from offset 10 of the file) changed by {@code patch} and
     * {@code added} new entries, written by {@code append}, after them; everything after the pool as it was, so
     * the rest of the class moves by the size of the new entries.
     */
    private byte[] withPool(int added, Consumer<byte[]> patch, PoolWriter append) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 128);
            DataOutputStream d = new DataOutputStream(out);
            d.write(bytes, 0, 8);
            d.writeShort(pool.length + added);
            byte[] entries = Arrays.copyOfRange(bytes, 10, poolEnd);
            patch.accept(entries);
            d.write(entries);
            append.write(d);
            d.write(bytes, poolEnd, bytes.length - poolEnd);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void putU2(byte[] b, int at, int value) {
        b[at] = (byte) (value >> 8);
        b[at + 1] = (byte) value;
    }

    /** Constant-pool indexes of the Methodrefs to {@code owner.name descriptor}, in pool order. */
    private Set<Integer> methodRefs(String owner, String name, String descriptor) {
        Set<Integer> refs = new LinkedHashSet<>();
        for (int i = 1; i < pool.length; i++) {
            if (tags[i] != 10) continue;
            int[] ref = (int[]) pool[i];
            int[] nat = (int[]) pool[ref[1]];
            if (className(ref[0]).equals(owner) && name.equals(pool[nat[0]]) && descriptor.equals(pool[nat[1]])) refs.add(i);
        }
        return refs;
    }

    /**
     * Returns the class with every call of the instance method {@code owner.name descriptor} (an
     * {@code invokevirtual}, or a method reference to it) turned into a call of the static method {@code name} in
     * {@code newOwner} that takes the receiver as its first argument, or the same bytes when the class makes no such
     * call. The Methodref is pointed at {@code newOwner.name(Lowner;...)}, each {@code invokevirtual} of it becomes
     * {@code invokestatic} (same length, same operand stack) and each REF_invokeVirtual method handle of it becomes
     * REF_invokeStatic (a bound method reference then captures the receiver as the first argument).
     */
    public byte[] redirectVirtualCall(String owner, String name, String descriptor, String newOwner) {
        Set<Integer> refs = methodRefs(owner, name, descriptor);
        if (refs.isEmpty()) return bytes;
        int nameIndex = ((int[]) pool[((int[]) pool[refs.iterator().next()])[1]])[0]; // the method's name, reused
        List<Integer> calls = new MethodScanner(bytes).instructionsAt(0xb6, refs); // invokevirtual
        String staticDescriptor = "(L" + owner.replace('.', '/') + ";" + descriptor.substring(1);
        int count = pool.length;
        byte[] result = withPool(4, entries -> {
            for (int i : refs) {
                int at = offsets[i] - 10 + 1; // past the tag: class_index, then name_and_type_index
                putU2(entries, at, count + 1);
                putU2(entries, at + 2, count + 3);
            }
            for (int i = 1; i < pool.length; i++) {
                if (tags[i] != 15) continue;
                int at = offsets[i] - 10 + 1; // reference_kind, reference_index
                if (entries[at] == 5 && refs.contains(u2(offsets[i] + 2))) entries[at] = 6; // REF_invokeVirtual -> REF_invokeStatic
            }
        }, d -> {
            d.writeByte(1);
            d.writeUTF(newOwner.replace('.', '/'));   // count
            d.writeByte(7);
            d.writeShort(count);                      // count + 1
            d.writeByte(1);
            d.writeUTF(staticDescriptor);             // count + 2
            d.writeByte(12);
            d.writeShort(nameIndex);
            d.writeShort(count + 2);                  // count + 3
        });
        int grown = result.length - bytes.length;     // the new entries: the code moved by that much
        for (int pc : calls) result[pc + grown] = (byte) 0xb8; // invokestatic
        return result;
    }

    // ---- accessors for MethodScanner -----------------------------------------------------------------------

    int poolEnd() {
        return poolEnd;
    }

    String utf8(int index) {
        return (String) pool[index];
    }

    /** The class named by a CONSTANT_Class entry, or null when {@code index} is something else or an array. */
    String classAt(int index) {
        if (index <= 0 || index >= pool.length || tags[index] != 7) return null;
        String n = className(index);
        return n.startsWith("[") ? null : n;
    }

    /** A Fieldref entry as a FieldRef, or null. */
    FieldRef fieldRefAt(int index) {
        if (index <= 0 || index >= pool.length || tags[index] != 9) return null;
        int[] ref = (int[]) pool[index];
        int[] nat = (int[]) pool[ref[1]];
        return new FieldRef(className(ref[0]), (String) pool[nat[0]]);
    }

    /** A Methodref/InterfaceMethodref entry as {owner, name, descriptor}, or null. */
    String[] memberRefAt(int index) {
        if (index <= 0 || index >= pool.length || (tags[index] != 10 && tags[index] != 11)) return null;
        int[] ref = (int[]) pool[index];
        int[] nat = (int[]) pool[ref[1]];
        return new String[]{className(ref[0]), (String) pool[nat[0]], (String) pool[nat[1]]};
    }

    /**
     * A constant as text that does not depend on where it stands in the pool: what a reference names, a literal's
     * bytes. Two compilations of the same code into differently laid out pools give the same text.
     */
    String constantText(int index) {
        if (index <= 0 || index >= pool.length) return "?";
        int tag = tags[index];
        return switch (tag) {
            case 1 -> (String) pool[index];
            case 7, 8, 16, 19, 20 -> tag + ":" + constantText(((int[]) pool[index])[0]);
            case 9, 10, 11, 12 -> tag + ":" + constantText(((int[]) pool[index])[0]) + "." + constantText(((int[]) pool[index])[1]);
            case 17, 18 -> tag + ":" + ((int[]) pool[index])[0] + "." + constantText(((int[]) pool[index])[1]);
            case 15 -> "15:" + bytes[offsets[index] + 1] + ":" + constantText(methodHandleRef(index));
            default -> { // numbers: their bytes
                int len = tag == 5 || tag == 6 ? 8 : 4;
                yield tag + ":" + HexFormat.of().formatHex(bytes, offsets[index] + 1, offsets[index] + 1 + len);
            }
        };
    }

    /** The bootstrap method index of an InvokeDynamic entry, or -1. */
    int indyBootstrapIndex(int index) {
        if (index <= 0 || index >= pool.length || tags[index] != 18) return -1;
        return ((int[]) pool[index])[0];
    }

    /** The member reference a MethodHandle entry points to, or -1. */
    int methodHandleRef(int index) {
        if (index <= 0 || index >= pool.length || tags[index] != 15) return -1;
        return u2(offsets[index] + 2); // tag, reference_kind, reference_index
    }
}
