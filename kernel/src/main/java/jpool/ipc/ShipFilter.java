package jpool.ipc;

import java.io.ObjectInputFilter;
import java.util.List;
import java.util.function.Predicate;

/**
 * The allow-list for deserializing what crosses between kernel and workers: JDK value and collection types, jpool's
 * own classes (not the libraries relocated to {@code jpool.shaded}), classes the notebook defined (JShell's
 * {@code REPL} package) and classes from jars the notebook added (recognised by the caller's predicate). Everything
 * else, in particular the JDK's gadget-prone internals, is refused before it is instantiated.
 */
public final class ShipFilter implements ObjectInputFilter {
    private static final List<String> ALLOWED_PREFIXES = List.of(
            "java.lang.", "java.util.", "java.time.", "java.math.", "java.text.", "java.net.URI", "java.net.URL",
            "java.nio.file.", "java.io.File", "java.io.IOException", "java.io.UncheckedIOException",
            "java.io.Serializable", "jpool.", "REPL.");
    private static final List<String> DENIED = List.of(
            "java.lang.reflect.", "java.lang.invoke.MethodHandle", "java.lang.ProcessBuilder", "java.lang.Runtime",
            "java.lang.Thread", "java.lang.ClassLoader", "java.util.ServiceLoader",
            // the libraries bundled in jpool.jar, relocated there: their classes are jpool's means, never values
            "jpool.shaded.");
    private static final long MAX_DEPTH = 2_000;
    private final Predicate<Class<?>> userClass;

    /** @param userClass true for classes from the notebook's own jars, which are allowed too */
    public ShipFilter(Predicate<Class<?>> userClass) {
        this.userClass = userClass;
    }

    @Override
    public Status checkInput(FilterInfo info) {
        if (info.depth() > MAX_DEPTH) return Status.REJECTED;
        Class<?> c = info.serialClass();
        if (c == null) return Status.UNDECIDED;
        return allows(c) ? Status.ALLOWED : Status.REJECTED;
    }

    /** Whether values of class {@code c} may cross (a sender checks this to fail early and precisely). */
    public boolean allows(Class<?> c) {
        while (c.isArray()) c = c.getComponentType();
        if (c.isPrimitive()) return true;
        String n = c.getName();
        if (n.equals("java.lang.invoke.SerializedLambda")) return true; // lambdas travel as these
        for (String d : DENIED) if (n.startsWith(d)) return false;
        for (String p : ALLOWED_PREFIXES) if (n.startsWith(p)) return true;
        return userClass.test(c);
    }
}
