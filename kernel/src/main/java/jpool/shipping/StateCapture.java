package jpool.shipping;

import jpool.KernelServices;
import jpool.api.NotShippable;
import jpool.eval.ClassFile;
import jpool.eval.ClassStore;
import jpool.eval.ErrorFormatter;
import jpool.eval.MethodScanner;
import jpool.ipc.Payload;
import jpool.ipc.Serial;

import java.io.IOException;
import java.io.NotSerializableException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Finds the notebook variables a task depends on and snapshots their values. Starting from the classes named in
 * the serialized task (for a lambda, the cell wrapper class that holds its body), it follows references between
 * notebook classes and collects every static field of a cell wrapper class they read.
 */
public final class StateCapture {
    private static final AtomicLong IDS = new AtomicLong();
    /** Parsed notebook classes; a class name always maps to the same bytes (JShell never redefines in place). */
    private static final Map<String, MethodScanner> SCANNERS = new ConcurrentHashMap<>();

    private StateCapture() {
    }

    /** The serialized task plus the state it needs; NotShippable when the task itself cannot be serialized. */
    public static Shipment prepare(WorkerTask task, String what) {
        return prepare(task, what, null);
    }

    /**
     * Like {@link #prepare(WorkerTask, String)} for a task that carries part of its code already serialized
     * ({@code alsoRuns}, e.g. a function serialized once for many tasks): the state that code reads is captured too.
     */
    public static Shipment prepare(WorkerTask task, String what, Serial.Written alsoRuns) {
        Serial.Written written;
        try {
            written = Serial.writeDetached(task);
        } catch (IOException e) {
            // a lambda's class name ("REPL.$JShell$12$$Lambda$384/0x...") means nothing to the user: say what it is
            boolean lambda = e instanceof NotSerializableException n && String.valueOf(n.getMessage()).contains("$$Lambda");
            throw new NotShippable(what + " cannot be sent to a worker: " + (lambda
                    ? "it holds a lambda or method reference of a type that is not Serializable (e.g. a Runnable,"
                    + " Supplier or Function kept in a variable); write it as a Job, Call or Fn lambda instead"
                    : Serial.explain(e) + ". Everything a task uses (captured variables, arguments, the object whose"
                    + " method it calls) must be Serializable; classes defined in cells are made Serializable automatically."));
        }
        if (alsoRuns != null) {
            Set<String> names = new LinkedHashSet<>(written.classNames());
            names.addAll(alsoRuns.classNames());
            List<String[]> lambdas = new ArrayList<>(written.lambdas());
            lambdas.addAll(alsoRuns.lambdas());
            written = new Serial.Written(written.bytes(), names, lambdas, written.arrays());
        }
        Shipment s = prepare(written.bytes(), written, what);
        return new Shipment(s.task(), s.state(), written.arrays());
    }

    /**
     * A task already encoded ({@code taskBytes}, e.g. in a compact form) whose code and classes are those of
     * {@code code}: captures the state that code reads.
     */
    public static Shipment prepare(byte[] taskBytes, Serial.Written code, String what) {
        return prepare(taskBytes, code, false, what);
    }

    /**
     * Like {@link #prepare(byte[], Serial.Written, String)}; {@code kept}: {@code code} is a form kept for good,
     * so the walk through it is remembered (see {@link #snapshot(Serial.Written, boolean)}).
     */
    public static Shipment prepare(byte[] taskBytes, Serial.Written code, boolean kept, String what) {
        StateSnapshot state = snapshot(code, kept);
        // a variable the task's code reads but that cannot travel would be null in the worker, and the task would
        // fail there with a NullPointerException far from the cause: refuse now, naming it
        if (!state.skipped().isEmpty())
            throw new NotShippable(what + " reads notebook " + String.join("; ", state.skipped())
                    + ". A task gets a copy of every notebook variable its code reads: make that type Serializable,"
                    + " or create the value inside the task (in the worker).");
        return new Shipment(taskBytes, state);
    }

    /**
     * Follows the code a serialized graph can run: the bodies of its lambdas, every method of the notebook classes
     * it contains, and from there the notebook methods they call and the lambdas they create. Every top-level
     * variable read on the way (a static field of a cell wrapper class) is snapshotted. Only code paths are
     * followed, so a variable that merely appears elsewhere in the same cell is not shipped.
     */
    public static StateSnapshot snapshot(Serial.Written written) {
        return snapshot(written, false);
    }

    /**
     * Which variables a function's code reads, by its serialized form: only for forms kept for good (one per lambda
     * class, {@code jpool.shipping.ShippedFn}), so the map holds one entry per such lambda. Code never changes under a
     * class name (JShell compiles a changed snippet into a new class), so the walk through it is done once; the
     * variables' values, and what code they bring along, are read at every snapshot.
     */
    private static final Map<Serial.Written, List<ClassFile.FieldRef>> CODE_READS =
            Collections.synchronizedMap(new IdentityHashMap<>());

    /**
     * @param kept {@code written} is a form kept for good (see {@link #CODE_READS}): the walk through its code is
     *             remembered
     */
    public static StateSnapshot snapshot(Serial.Written written, boolean kept) {
        return snapshot(written, kept, new LinkedHashMap<>());
    }

    /** {@link #snapshot(Serial.Written, boolean)}, also handing over the values read, by variable key ({@code class#name}). */
    public static StateSnapshot snapshot(Serial.Written written, boolean kept, Map<String, Object> values) {
        var evaluator = KernelServices.evaluator();
        if (evaluator == null) return StateSnapshot.EMPTY;
        ClassStore store = evaluator.classes();
        List<ClassFile.FieldRef> reads = null;
        if (kept) {
            reads = CODE_READS.get(written);
            if (reads == null) {
                List<ClassFile.FieldRef> found = new ArrayList<>();
                Walk code = new Walk(store, found::add);
                code.seed(written);
                code.run();
                CODE_READS.put(written, reads = List.copyOf(found));
            }
            if (reads.isEmpty()) return StateSnapshot.EMPTY; // the common case: a function of its arguments only
        }
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        Walk[] walk = new Walk[1];
        walk[0] = new Walk(store, f -> {
            String key = f.owner() + "#" + f.name();
            if (values.containsKey(key)) return;
            Object value;
            try {
                Field field = evaluator.control().classForName(f.owner()).getDeclaredField(f.name());
                if (!Modifier.isStatic(field.getModifiers())) return;
                field.setAccessible(true);
                value = field.get(null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return; // a field JShell has since replaced; nothing to ship
            }
            values.put(key, value);
            try {
                Serial.Written w = Serial.write(value);
                encoded.put(key, w.bytes());
                walk[0].seed(w); // a value's own classes and lambdas may read further variables
            } catch (IOException e) {
                // kernel-side handles (a Pool, a Proc) are never meant to travel; the rest is worth a note
                if (value != null && value.getClass().getName().startsWith("jpool.")) return;
                // ... nor are collections of them (a List of AsyncResults built in the submitting cell)
                if (e instanceof NotSerializableException n && String.valueOf(n.getMessage()).startsWith("jpool.")) return;
                skipped.add("variable '" + f.name() + "' (" + typeName(value) + "): " + Serial.explain(e));
            }
        });
        if (reads != null) {
            for (ClassFile.FieldRef f : reads) walk[0].onField.accept(f);
        } else {
            walk[0].seed(written);
        }
        walk[0].run();
        Payload p = new Payload().putInt(values.size());
        for (String key : values.keySet()) {
            byte[] b = encoded.get(key);
            p.putString(key);
            if (b != null) p.putByte(1).putBytes(b);
            else p.putByte(0);
        }
        return new StateSnapshot(IDS.incrementAndGet(), p.toBytes(), skipped);
    }

    /**
     * The notebook code a serialized value can run (the methods and lambda bodies the walk of {@link #snapshot}
     * follows), one text per method: its owner, name, descriptor and code as {@link MethodScanner#canonical} writes
     * it. What a checkpoint's fingerprint hashes.
     */
    public static List<String> reachedCode(Serial.Written written) {
        List<String> out = new ArrayList<>();
        var evaluator = KernelServices.evaluator();
        if (evaluator == null) return out;
        Walk walk = new Walk(evaluator.classes(), f -> { });
        walk.onMethod = (m, scanner) -> out.add(m.owner() + "." + m.name() + m.descriptor() + "=" + scanner.canonical(m.name(), m.descriptor()));
        walk.seed(written);
        walk.run();
        return out;
    }

    /** A walk through notebook code, handing every top-level variable it reads to {@code onField}. */
    private static final class Walk {
        private final ClassStore store;
        final Consumer<ClassFile.FieldRef> onField;
        private final Set<String> seen = new HashSet<>();
        private final Deque<MethodScanner.MethodKey> todo = new ArrayDeque<>();
        /** Told the owner of every notebook method the walk goes through. */
        BiConsumer<MethodScanner.MethodKey, MethodScanner> onMethod = (m, s) -> { };

        Walk(ClassStore store, Consumer<ClassFile.FieldRef> onField) {
            this.store = store;
            this.onField = onField;
        }

        /** Adds the code a serialized value can run: its lambdas' bodies and its notebook classes' methods. */
        void seed(Serial.Written w) {
            for (String[] l : w.lambdas()) todo.add(new MethodScanner.MethodKey(l[0], l[1], l[2]));
            for (String c : w.classNames()) addWholeClass(c, store, todo);
        }

        void run() {
            while (!todo.isEmpty()) {
                MethodScanner.MethodKey m = todo.pop();
                if (!seen.add(m.owner() + "." + m.name() + m.descriptor())) continue;
                MethodScanner scanner = scanner(m.owner(), store);
                if (scanner == null) continue; // not a notebook class
                onMethod.accept(m, scanner);
                MethodScanner.Refs refs = scanner.refs(m.name(), m.descriptor());
                for (MethodScanner.MethodKey call : refs.calls()) {
                    if (store.bytes(call.owner()) == null) continue;
                    if (isWrapper(call.owner())) todo.add(call); // a top-level method: just that method
                    else addWholeClass(call.owner(), store, todo);
                }
                todo.addAll(refs.lambdas());
                for (String c : refs.classes()) addWholeClass(c, store, todo);
                for (ClassFile.FieldRef f : refs.staticFields())
                    if (isWrapper(f.owner()) && store.bytes(f.owner()) != null) onField.accept(f);
            }
        }
    }

    /** Every method of a notebook type (not of a cell wrapper, whose methods are followed one by one). */
    private static void addWholeClass(String name, ClassStore store,
                                      Deque<MethodScanner.MethodKey> todo) {
        if (isWrapper(name)) return;
        MethodScanner s = scanner(name, store);
        if (s != null) todo.addAll(s.methods());
    }

    private static MethodScanner scanner(String name, ClassStore store) {
        byte[] bytes = store.bytes(name);
        if (bytes == null) return null;
        return SCANNERS.computeIfAbsent(name, n -> new MethodScanner(bytes));
    }

    private static String typeName(Object v) {
        return v == null ? "null" : ErrorFormatter.userName(v.getClass().getName());
    }

    /** A cell wrapper class (holds top-level variables and methods) as opposed to a type declared in a cell. */
    static boolean isWrapper(String binaryName) {
        int w = binaryName.indexOf("$JShell$");
        return binaryName.startsWith("REPL.") && w >= 0 && binaryName.indexOf('$', w + "$JShell$".length()) < 0;
    }
}
