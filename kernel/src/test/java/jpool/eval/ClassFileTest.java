package jpool.eval;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassFileTest {
    static byte[] bytesOf(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Defines one class from bytes in a loader of its own (its other dependencies come from the parent). */
    static final class OneClassLoader extends ClassLoader {
        private final String name;
        private final byte[] bytes;

        OneClassLoader(String name, byte[] bytes) {
            super(ClassFileTest.class.getClassLoader());
            this.name = name;
            this.bytes = bytes;
        }

        @Override
        protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(n)) {
                if (n.equals(name)) {
                    Class<?> c = findLoadedClass(n);
                    return c != null ? c : defineClass(n, bytes, 0, bytes.length);
                }
                return super.loadClass(n, resolve);
            }
        }
    }

    @Test
    void readsTheNameInterfacesAndFlags() throws IOException {
        ClassFile cf = new ClassFile(bytesOf(ClassFileSample.class));
        assertEquals("jpool.eval.ClassFileSample", cf.name());
        assertEquals(List.of("java.util.concurrent.Callable", "java.lang.Runnable"), cf.interfaces());
        assertFalse(cf.isInterface());
        assertTrue(new ClassFile(bytesOf(Runnable.class)).isInterface());
    }

    @Test
    void readsClassesAndFieldsTheConstantPoolNames() throws IOException {
        ClassFile cf = new ClassFile(bytesOf(ClassFileSample.class));
        assertTrue(cf.referencedClasses().containsAll(List.of("jpool.eval.ClassFileSample", "java.lang.StringBuilder",
                "java.lang.Object", "java.lang.Runnable")), cf.referencedClasses().toString());
        assertTrue(cf.fieldRefs().contains(new ClassFile.FieldRef("jpool.eval.ClassFileSample", "counter")), cf.fieldRefs().toString());
        assertTrue(cf.fieldRefs().contains(new ClassFile.FieldRef("jpool.eval.ClassFileSample", "runs")), cf.fieldRefs().toString());
    }

    @Test
    void rejectsWhatIsNotAClassFile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClassFile(new byte[]{1, 2, 3, 4, 0, 0, 0, 0, 0, 0}));
        assertEquals("not a class file", e.getMessage());
    }

    @Test
    void addingSerializableGivesALoadableWorkingClass() throws Exception {
        byte[] original = bytesOf(ClassFileSample.class);
        byte[] rewritten = new ClassFile(original).withInterface(Serializable.class.getName());
        assertEquals(List.of("java.util.concurrent.Callable", "java.lang.Runnable", "java.io.Serializable"),
                new ClassFile(rewritten).interfaces());

        Class<?> c = new OneClassLoader("jpool.eval.ClassFileSample", rewritten).loadClass("jpool.eval.ClassFileSample");
        assertTrue(Serializable.class.isAssignableFrom(c));
        assertTrue(Runnable.class.isAssignableFrom(c) && Callable.class.isAssignableFrom(c));
        Object o = c.getConstructor().newInstance();
        assertEquals("héllo ✓ \u0000 end!1", ((Callable<?>) o).call(), "constants and code survive the rewrite");

        // and an instance really serializes and comes back, through the loader that defined it
        ((Runnable) o).run();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                return desc.getName().equals(c.getName()) ? c : super.resolveClass(desc);
            }
        }) {
            Object back = in.readObject();
            assertSame(c, back.getClass());
            assertEquals(1, c.getField("runs").get(back));
        }
    }

    @Test
    void aClassThatAlreadyHasTheInterfaceOrIsAnInterfaceIsLeftAlone() throws IOException {
        byte[] runnable = bytesOf(Runnable.class);
        assertSame(runnable, new ClassFile(runnable).withInterface(Serializable.class.getName()));
        byte[] sample = bytesOf(ClassFileSample.class);
        assertSame(sample, new ClassFile(sample).withInterface(Runnable.class.getName()));
    }
}
