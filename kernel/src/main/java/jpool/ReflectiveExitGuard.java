package jpool;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;

/**
 * Where cell code's reflective and method-handle calls go, so that {@code System.exit}, {@code Runtime.exit} and
 * {@code Runtime.halt} reached indirectly meet {@link ExitGuard} just like direct calls. The kernel rewrites calls of
 * {@code Method.invoke} and of the {@code MethodHandles.Lookup} methods that produce a handle to a named method
 * ({@code findStatic}, {@code findVirtual}, {@code findSpecial}, {@code bind}, {@code unreflect},
 * {@code unreflectSpecial}) to the static methods of the same name here. Each one does what the original does,
 * except that a guarded target (the exits, and these very methods, so that reflection on reflection is guarded
 * too) is replaced by its guard. Other indirect routes (for example {@code java.beans.Statement}) are not
 * covered; README's Reliability section says so.
 */
public final class ReflectiveExitGuard {
    private static final MethodHandles.Lookup OWN = MethodHandles.lookup();
    /** Methods replaced by a method of the same name here (or in ExitGuard): "class name descriptor". */
    private static final Set<String> GUARDED = Set.of(
            "java.lang.System exit (I)V",
            "java.lang.Runtime exit (I)V",
            "java.lang.Runtime halt (I)V",
            "java.lang.reflect.Method invoke (Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;",
            "java.lang.invoke.MethodHandles$Lookup findStatic (Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/MethodHandle;",
            "java.lang.invoke.MethodHandles$Lookup findVirtual (Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/MethodHandle;",
            "java.lang.invoke.MethodHandles$Lookup findSpecial (Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/Class;)Ljava/lang/invoke/MethodHandle;",
            "java.lang.invoke.MethodHandles$Lookup bind (Ljava/lang/Object;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/MethodHandle;",
            "java.lang.invoke.MethodHandles$Lookup unreflect (Ljava/lang/reflect/Method;)Ljava/lang/invoke/MethodHandle;",
            "java.lang.invoke.MethodHandles$Lookup unreflectSpecial (Ljava/lang/reflect/Method;Ljava/lang/Class;)Ljava/lang/invoke/MethodHandle;");

    private ReflectiveExitGuard() {
    }

    /** The calls to rewrite in cell code: {owner, name, descriptor} of each guarded instance method. */
    public static String[][] rewrittenCalls() {
        return GUARDED.stream().filter(g -> !g.startsWith("java.lang.System ") && !g.startsWith("java.lang.Runtime "))
                .map(g -> g.split(" ")).toArray(String[][]::new);
    }

    /** The replacement of {@code method.invoke(target, args)}. */
    public static Object invoke(Method method, Object target, Object... args) throws IllegalAccessException, InvocationTargetException {
        MethodHandle guard = guardFor(method.getDeclaringClass(), method.getName(),
                MethodType.methodType(method.getReturnType(), method.getParameterTypes()), Modifier.isStatic(method.getModifiers()));
        if (guard == null) return invokeAsCell(method, target, args);
        Object[] all = args == null ? new Object[0] : args;
        if (!Modifier.isStatic(method.getModifiers())) {
            if (target == null) throw new NullPointerException("invoke of an instance method with a null target");
            all = prepend(target, all);
        }
        try {
            return guard.asFixedArity().asSpreader(Object[].class, all.length).invoke(all);
        } catch (Throwable t) {
            throw new InvocationTargetException(t); // as Method.invoke reports what the method threw
        }
    }

    /**
     * Method.invoke as the cell would have called it. Its access check sees this class as the caller, not the cell;
     * a method of a class the notebook declared (package REPL), which the cell could call, is made accessible.
     */
    private static Object invokeAsCell(Method method, Object target, Object[] args) throws IllegalAccessException, InvocationTargetException {
        try {
            return method.invoke(target, args);
        } catch (IllegalAccessException e) {
            if (!method.getDeclaringClass().getName().startsWith("REPL.") || !method.trySetAccessible()) throw e;
            return method.invoke(target, args);
        }
    }

    /** The replacement of {@code lookup.findStatic(refc, name, type)}. */
    public static MethodHandle findStatic(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type)
            throws NoSuchMethodException, IllegalAccessException {
        MethodHandle guard = guardFor(refc, name, type, true);
        return guard != null ? guard : lookup.findStatic(refc, name, type);
    }

    /** The replacement of {@code lookup.findVirtual(refc, name, type)}. */
    public static MethodHandle findVirtual(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type)
            throws NoSuchMethodException, IllegalAccessException {
        MethodHandle guard = guardFor(refc, name, type, false);
        return guard != null ? guard : lookup.findVirtual(refc, name, type);
    }

    /** The replacement of {@code lookup.findSpecial(refc, name, type, specialCaller)}. */
    public static MethodHandle findSpecial(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type,
                                           Class<?> specialCaller) throws NoSuchMethodException, IllegalAccessException {
        MethodHandle guard = guardFor(refc, name, type, false);
        return guard != null ? guard : lookup.findSpecial(refc, name, type, specialCaller);
    }

    /** The replacement of {@code lookup.bind(receiver, name, type)}. */
    public static MethodHandle bind(MethodHandles.Lookup lookup, Object receiver, String name, MethodType type)
            throws NoSuchMethodException, IllegalAccessException {
        MethodHandle guard = receiver == null ? null : guardFor(receiver.getClass(), name, type, false);
        return guard != null ? guard.bindTo(receiver) : lookup.bind(receiver, name, type);
    }

    /** The replacement of {@code lookup.unreflect(method)}. */
    public static MethodHandle unreflect(MethodHandles.Lookup lookup, Method method) throws IllegalAccessException {
        MethodHandle guard = guardFor(method);
        return guard != null ? guard : lookup.unreflect(method);
    }

    /** The replacement of {@code lookup.unreflectSpecial(method, specialCaller)}. */
    public static MethodHandle unreflectSpecial(MethodHandles.Lookup lookup, Method method, Class<?> specialCaller)
            throws IllegalAccessException {
        MethodHandle guard = guardFor(method);
        return guard != null ? guard : lookup.unreflectSpecial(method, specialCaller);
    }

    private static MethodHandle guardFor(Method m) {
        return guardFor(m.getDeclaringClass(), m.getName(), MethodType.methodType(m.getReturnType(), m.getParameterTypes()),
                Modifier.isStatic(m.getModifiers()));
    }

    /**
     * A handle to the guard of {@code refc.name type} (its receiver, for an instance method, as first parameter),
     * or null when that method is not guarded. Matching is on the declaring class: System, Runtime, Method and
     * Lookup are final, so no subclass can name these methods under another class.
     */
    private static MethodHandle guardFor(Class<?> refc, String name, MethodType type, boolean isStatic) {
        if (refc == null || name == null || type == null) return null;
        if (!GUARDED.contains(refc.getName() + " " + name + " " + type.toMethodDescriptorString())) return null;
        if (refc == System.class && !isStatic) return null;
        if (refc != System.class && isStatic) return null;
        Class<?> owner = refc == System.class || refc == Runtime.class ? ExitGuard.class : ReflectiveExitGuard.class;
        MethodType guardType = refc == System.class ? type : type.insertParameterTypes(0, refc);
        try {
            MethodHandle h = OWN.findStatic(owner, name, guardType);
            return refc == Method.class ? h.asVarargsCollector(Object[].class) : h;
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException("jpool's guard for " + refc.getName() + "." + name + " is missing", e);
        }
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

}
