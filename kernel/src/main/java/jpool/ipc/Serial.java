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
import java.lang.invoke.SerializedLambda;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Java serialization as jpool uses it: writing records which classes the stream names (so the kernel knows which
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
    public record Written(byte[] bytes, Set<String> classNames, List<String[]> lambdas) {
    }

    /** Serializes {@code value}; NotSerializableException names the first class that is not serializable. */
    public static Written write(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Set<String> names = new LinkedHashSet<>();
        List<String[]> lambdas = new ArrayList<>();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes) {
            {
                enableReplaceObject(true); // only to observe lambdas; nothing is replaced
            }

            @Override
            protected Object replaceObject(Object obj) {
                if (obj instanceof SerializedLambda l)
                    lambdas.add(new String[]{l.getImplClass().replace('/', '.'), l.getImplMethodName(), l.getImplMethodSignature()});
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
        return new Written(bytes.toByteArray(), names, lambdas);
    }

    /** Reads an object written by {@link #write}, resolving classes with {@code loader}. */
    public static Object read(byte[] bytes, ClassLoader loader, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    return super.resolveClass(desc); // primitives' descriptors and platform classes
                }
            }
        }) {
            in.setObjectInputFilter(filter);
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
