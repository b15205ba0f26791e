package jpool.pool;

import jpool.api.NotShippable;
import jpool.ipc.Compact;
import jpool.ipc.Serial;
import jpool.shipping.ShippedFn;
import jpool.shipping.StateCapture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.ObjectStreamField;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a checkpoint keys its outcomes by. The code's fingerprint hashes the function's serialized form, the code of
 * every notebook method and lambda body it can reach (instructions with the constants they name) and the values of
 * the notebook variables it reads (the snapshot a worker is sent), with JShell's numbering taken out of class names:
 * the same cells run again in a new kernel give the same fingerprint, a changed method or variable another. An
 * input's key is its encoded bytes (a hash when they are long).
 */
final class Fingerprint {
    /**
     * JShell names each snippet's class {@code $JShell$N}, jpool its generated variables {@code __jpool_stemN}, and
     * javac a serializable lambda's body {@code lambda$method$HASH$N} (a hash of where it stands): none of it is code.
     */
    private static final Pattern NUMBERING = Pattern.compile("(\\$JShell\\$|__jpool_[a-z]+)\\d+|(lambda\\$)[A-Za-z0-9_$]*?\\$(?:[0-9a-f]{1,8}\\$)?\\d+");
    /** Inputs encoded in at most this many bytes are their own key. */
    private static final int KEY_BYTES = 48;

    private Fingerprint() {
    }

    /** The fingerprint of {@code fn}'s code and the notebook state it reads now. */
    static String of(Serializable fn, ShippedFn.Prepared prepared) {
        Serial.Written w;
        try {
            w = prepared.written() != null ? prepared.written() : Serial.write(fn);
        } catch (IOException e) {
            throw new NotShippable("the function cannot be sent to a worker: " + Serial.explain(e));
        }
        MessageDigest md = sha256();
        md.update(canonical(fn)); // which interface and body, and what a capturing function holds
        List<String> code = new ArrayList<>();
        for (String method : StateCapture.reachedCode(w)) code.add(unnumbered(method));
        Collections.sort(code);
        for (String method : code) md.update((method + "\n").getBytes(StandardCharsets.UTF_8));
        Map<String, Object> variables = new TreeMap<>();
        StateCapture.snapshot(w, prepared.written() != null, variables);
        List<String> names = new ArrayList<>();
        for (String key : variables.keySet()) names.add(unnumbered(key));
        Collections.sort(names);
        Map<String, Object> byName = new HashMap<>();
        variables.forEach((k, v) -> byName.put(unnumbered(k), v));
        for (String name : names) {
            md.update((name + "=").getBytes(StandardCharsets.UTF_8));
            md.update(canonical(byName.get(name)));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The key of one input: its compact or canonical serialized bytes, hashed when long. */
    static String inputKey(Object input) {
        byte[] bytes;
        Compact.Out out = new Compact.Out(32);
        bytes = out.value(input) ? out.toBytes() : canonical(input);
        if (bytes.length <= KEY_BYTES) return "=" + new String(bytes, StandardCharsets.ISO_8859_1);
        return "#" + HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /**
     * A value's Java serialization with JShell's numbering taken out of every class name and string (a lambda's
     * capturing class and body name are strings of its serialized form): the same value made by the same cells in
     * another kernel gives the same bytes.
     */
    static byte[] canonical(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CanonicalStream out = new CanonicalStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new NotShippable("a value cannot be sent to a worker: " + Serial.explain(e));
        }
        return bytes.toByteArray();
    }

    /** Object serialization that writes class names and strings without JShell's numbering, and no class hashes. */
    private static final class CanonicalStream extends ObjectOutputStream {
        CanonicalStream(OutputStream out) throws IOException {
            super(out);
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object obj) {
            return obj instanceof String s ? unnumbered(s) : obj;
        }

        @Override
        protected void writeClassDescriptor(ObjectStreamClass desc) throws IOException {
            writeUTF(unnumbered(desc.getName())); // not the serialVersionUID: by default a hash of the numbered name
            for (ObjectStreamField f : desc.getFields())
                writeUTF(f.getName() + ":" + unnumbered(f.getTypeString() == null ? String.valueOf(f.getTypeCode()) : f.getTypeString()));
        }
    }

    private static String unnumbered(String s) {
        return NUMBERING.matcher(s).replaceAll("$1$2");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
