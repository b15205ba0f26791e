package jpool.eval;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the methods of a class file and what each method's bytecode refers to: static fields it reads or writes,
 * methods it calls, classes it names, and the implementation methods of lambdas it creates (through the
 * invokedynamic bootstrap arguments). This lets jpool ship exactly the notebook variables a task's code can reach,
 * instead of every variable its cell mentions.
 */
public final class MethodScanner {
    /** A method: owner class (binary name), name and descriptor. */
    public record MethodKey(String owner, String name, String descriptor) {
    }

    /** What one method's code refers to. */
    public record Refs(List<ClassFile.FieldRef> staticFields, List<MethodKey> calls, List<String> classes, List<MethodKey> lambdas) {
    }

    private final ClassFile cf;
    private final byte[] b;
    private final Map<String, int[]> codeRanges = new LinkedHashMap<>(); // name+desc -> {start, length}
    private final List<int[]> bootstrapArgs = new ArrayList<>();         // per bootstrap method: its argument indexes

    public MethodScanner(byte[] bytes) {
        this.b = bytes;
        this.cf = new ClassFile(bytes);
        int p = cf.poolEnd() + 6;
        p += 2 + 2 * u2(p);                  // interfaces
        p = skipMembers(p, false);           // fields
        p = skipMembers(p, true);            // methods (records code ranges)
        int attrs = u2(p);
        p += 2;
        for (int i = 0; i < attrs; i++) {
            String name = cf.utf8(u2(p));
            int len = u4(p + 2);
            if (name.equals("BootstrapMethods")) readBootstraps(p + 6);
            p += 6 + len;
        }
    }

    /** Every method of the class as name+descriptor keys. */
    public List<MethodKey> methods() {
        List<MethodKey> out = new ArrayList<>();
        for (String k : codeRanges.keySet()) {
            int paren = k.indexOf('(');
            out.add(new MethodKey(cf.name(), k.substring(0, paren), k.substring(paren)));
        }
        return out;
    }

    /** The references in one method's code (empty for abstract/native methods or unknown names). */
    public Refs refs(String name, String descriptor) {
        List<ClassFile.FieldRef> fields = new ArrayList<>();
        List<MethodKey> calls = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        List<MethodKey> lambdas = new ArrayList<>();
        int[] range = codeRanges.get(name + descriptor);
        if (range == null) return new Refs(fields, calls, classes, lambdas);
        int start = range[0], end = range[0] + range[1];
        int pc = start;
        while (pc < end) {
            int op = b[pc] & 0xff;
            switch (op) {
                case 0xb2, 0xb3 -> { // getstatic, putstatic
                    ClassFile.FieldRef f = cf.fieldRefAt(u2(pc + 1));
                    if (f != null) fields.add(f);
                }
                case 0xb6, 0xb7, 0xb8, 0xb9 -> { // invokevirtual/special/static/interface
                    MethodKey m = methodRefAt(u2(pc + 1));
                    if (m != null) calls.add(m);
                }
                case 0xba -> { // invokedynamic: lambdas name their body through bootstrap arguments
                    int bsm = cf.indyBootstrapIndex(u2(pc + 1));
                    if (bsm >= 0 && bsm < bootstrapArgs.size())
                        for (int arg : bootstrapArgs.get(bsm)) {
                            MethodKey m = methodHandleAt(arg);
                            if (m != null) lambdas.add(m);
                        }
                }
                case 0xbb, 0xbd, 0xc0, 0xc1, 0xc5 -> { // new, anewarray, checkcast, instanceof, multianewarray
                    String c = cf.classAt(u2(pc + 1));
                    if (c != null) classes.add(c);
                }
                case 0x12, 0x13 -> { // ldc, ldc_w of a Class constant
                    int idx = op == 0x12 ? b[pc + 1] & 0xff : u2(pc + 1);
                    String c = cf.classAt(idx);
                    if (c != null) classes.add(c);
                }
                default -> {
                }
            }
            pc += length(op, pc, start);
        }
        return new Refs(fields, calls, classes, lambdas);
    }

    /**
     * One method's code as text that stays the same when the same source is compiled again into another class or
     * beside other code: each instruction with its operands, constant-pool operands as the constants they name
     * (invokedynamic with its bootstrap arguments). Null for a method without code.
     */
    public String canonical(String name, String descriptor) {
        int[] range = codeRanges.get(name + descriptor);
        if (range == null) return null;
        StringBuilder out = new StringBuilder();
        int start = range[0], end = range[0] + range[1];
        for (int pc = start; pc < end; ) {
            int op = b[pc] & 0xff, len = length(op, pc, start);
            out.append(op);
            switch (op) {
                case 0x12 -> out.append('(').append(cf.constantText(b[pc + 1] & 0xff)).append(')');
                case 0x13, 0x14, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xbb, 0xbd, 0xc0, 0xc1, 0xc5 ->
                        out.append('(').append(cf.constantText(u2(pc + 1))).append(')')
                                .append(HexFormat.of().formatHex(b, pc + 3, pc + len));
                case 0xba -> {
                    out.append('(').append(cf.constantText(u2(pc + 1)));
                    int bsm = cf.indyBootstrapIndex(u2(pc + 1));
                    if (bsm >= 0 && bsm < bootstrapArgs.size()) for (int arg : bootstrapArgs.get(bsm)) out.append(',').append(cf.constantText(arg));
                    out.append(')');
                }
                default -> out.append(HexFormat.of().formatHex(b, pc + 1, pc + len));
            }
            out.append(';');
            pc += len;
        }
        return out.toString();
    }

    /**
     * Offsets (in the class file's bytes) of every instruction, in any method, with opcode {@code op} whose 2-byte
     * constant-pool operand is one of {@code poolIndexes}. Only for opcodes whose operand directly follows them.
     */
    List<Integer> instructionsAt(int op, Set<Integer> poolIndexes) {
        List<Integer> out = new ArrayList<>();
        for (int[] range : codeRanges.values()) {
            int start = range[0], end = range[0] + range[1];
            for (int pc = start; pc < end; ) {
                int o = b[pc] & 0xff;
                if (o == op && poolIndexes.contains(u2(pc + 1))) out.add(pc);
                pc += length(o, pc, start);
            }
        }
        return out;
    }

    private MethodKey methodRefAt(int index) {
        String[] m = cf.memberRefAt(index);
        return m == null ? null : new MethodKey(m[0], m[1], m[2]);
    }

    private MethodKey methodHandleAt(int index) {
        int ref = cf.methodHandleRef(index);
        return ref <= 0 ? null : methodRefAt(ref);
    }

    private int skipMembers(int p, boolean methods) {
        int n = u2(p);
        p += 2;
        for (int i = 0; i < n; i++) {
            String name = cf.utf8(u2(p + 2)), desc = cf.utf8(u2(p + 4));
            int attrs = u2(p + 6);
            p += 8;
            for (int a = 0; a < attrs; a++) {
                int len = u4(p + 2);
                if (methods && cf.utf8(u2(p)).equals("Code")) codeRanges.put(name + desc, new int[]{p + 14, u4(p + 10)});
                p += 6 + len;
            }
        }
        return p;
    }

    private void readBootstraps(int p) {
        int n = u2(p);
        p += 2;
        for (int i = 0; i < n; i++) {
            int argc = u2(p + 2);
            int[] args = new int[argc];
            for (int a = 0; a < argc; a++) args[a] = u2(p + 4 + 2 * a);
            bootstrapArgs.add(args);
            p += 4 + 2 * argc;
        }
    }

    /** Instruction length, including operands (JVMS 6.5). */
    private int length(int op, int pc, int codeStart) {
        switch (op) {
            case 0x10, 0x12, 0x15, 0x16, 0x17, 0x18, 0x19, 0x36, 0x37, 0x38, 0x39, 0x3a, 0xa9, 0xbc:
                return 2;
            case 0x11, 0x13, 0x14, 0x84, 0xa7, 0xa8, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xbb, 0xbd, 0xc0, 0xc1, 0xc6, 0xc7:
                return 3;
            case 0xc5:
                return 4;
            case 0xb9, 0xba, 0xc8, 0xc9:
                return 5;
            case 0xc4: // wide
                return (b[pc + 1] & 0xff) == 0x84 ? 6 : 4;
            case 0xaa: { // tableswitch
                int p = pc + 1 + ((4 - ((pc + 1 - codeStart) % 4)) % 4);
                int low = u4(p + 4), high = u4(p + 8);
                return p - pc + 12 + 4 * (high - low + 1);
            }
            case 0xab: { // lookupswitch
                int p = pc + 1 + ((4 - ((pc + 1 - codeStart) % 4)) % 4);
                int pairs = u4(p + 4);
                return p - pc + 8 + 8 * pairs;
            }
            default:
                if (op >= 0x99 && op <= 0xa6) return 3; // if* branches
                return 1;
        }
    }

    private int u2(int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }

    private int u4(int p) {
        return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }
}
