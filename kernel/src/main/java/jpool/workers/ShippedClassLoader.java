package jpool.workers;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In a worker, the loader of the notebook's classes: it defines each class from the exact bytes the kernel's JShell
 * produced (on first use, so a class shipped before its dependencies is fine), and reads jars the notebook added to
 * its class path. Parent: the worker's own class path (jpool and the JDK).
 */
final class ShippedClassLoader extends URLClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> shipped = new ConcurrentHashMap<>();

    ShippedClassLoader(ClassLoader parent) {
        super("jpool-notebook", new URL[0], parent);
    }

    void add(String name, byte[] bytes) {
        shipped.putIfAbsent(name, bytes);
    }

    void addJar(URL url) {
        addURL(url);
    }

    boolean defines(Class<?> c) {
        return c.getClassLoader() == this;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = shipped.get(name);
        if (b != null) return defineClass(name, b, 0, b.length);
        return super.findClass(name);
    }
}
