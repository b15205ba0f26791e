package jpool.workers;

import jpool.KernelServices;
import jpool.eval.ClassFile;
import jpool.eval.ClassStore;
import jpool.eval.ErrorFormatter;
import jpool.ipc.Payload;
import jpool.ipc.Serial;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finds the notebook variables a task depends on and snapshots their values. Starting from the classes named in
 * the serialized task (for a lambda, the cell wrapper class that holds its body), it follows references between
 * notebook classes and collects every static field of a cell wrapper class they read.
 */
public final class StateCapture {
    private static final AtomicLong IDS = new AtomicLong();

    private StateCapture() {
    }

    /** The serialized task plus the state it needs; NotShippable when the task itself cannot be serialized. */
    public static Shipment prepare(WorkerTask task, String what) {
        Serial.Written written;
        try {
            written = Serial.write(task);
        } catch (IOException e) {
            throw new NotShippable(what + " cannot be sent to a worker: " + Serial.explain(e)
                    + ". Everything a task uses (captured variables, arguments, the object whose method it calls)"
                    + " must be Serializable; classes defined in cells are made Serializable automatically.");
        }
        return new Shipment(written.bytes(), snapshot(written.classNames()));
    }

    public static StateSnapshot snapshot(Set<String> startClasses) {
        var evaluator = KernelServices.evaluator();
        if (evaluator == null) return StateSnapshot.EMPTY;
        ClassStore store = evaluator.classes();
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(startClasses);
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (!seen.add(name)) continue;
            byte[] bytes = store.bytes(name);
            if (bytes == null) continue; // not a notebook class
            ClassFile cf = new ClassFile(bytes);
            for (String ref : cf.referencedClasses()) if (store.bytes(ref) != null) todo.add(ref);
            for (ClassFile.FieldRef f : cf.fieldRefs()) {
                String key = f.owner() + "#" + f.name();
                if (!isWrapper(f.owner()) || store.bytes(f.owner()) == null || values.containsKey(key)) continue;
                Object value;
                try {
                    Field field = evaluator.control().classForName(f.owner()).getDeclaredField(f.name());
                    if (!Modifier.isStatic(field.getModifiers())) continue;
                    field.setAccessible(true);
                    value = field.get(null);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue; // a field JShell has since replaced; nothing to ship
                }
                values.put(key, value);
                try {
                    Serial.Written w = Serial.write(value);
                    encoded.put(key, w.bytes());
                    todo.addAll(w.classNames()); // a value's own class may read further variables
                } catch (IOException e) {
                    // kernel-side handles (a Pool, a Proc) are never meant to travel; the rest is worth a note
                    if (value != null && value.getClass().getName().startsWith("jpool.")) continue;
                    // ... nor are collections of them (a List of AsyncResults built in the submitting cell)
                    if (e instanceof java.io.NotSerializableException n && String.valueOf(n.getMessage()).startsWith("jpool.")) continue;
                    skipped.add("variable '" + f.name() + "' (" + typeName(value) + "): " + Serial.explain(e));
                }
            }
        }
        Payload p = new Payload().putInt(values.size());
        for (String key : values.keySet()) {
            byte[] b = encoded.get(key);
            p.putString(key);
            if (b != null) p.putByte(1).putBytes(b);
            else p.putByte(0);
        }
        return new StateSnapshot(IDS.incrementAndGet(), p.toBytes(), skipped);
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
