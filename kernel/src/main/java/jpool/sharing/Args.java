package jpool.sharing;

import jpool.ipc.Serial;
import jpool.shipping.KernelClasses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The arguments of one call, each serialized on its own; read lazily, so a queue item can stay bytes. */
final class Args {
    private final List<byte[]> raw;

    Args(List<byte[]> raw) {
        this.raw = raw;
    }

    int size() {
        return raw.size();
    }

    /** The serialized form of argument {@code i}. */
    byte[] raw(int i) {
        return raw.get(i);
    }

    /** Argument {@code i} read with the notebook's class loader (cell-defined classes resolve). */
    Object get(int i) {
        try {
            return Serial.read(raw.get(i), KernelClasses.loader(), KernelClasses.FILTER);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable argument: " + e.getMessage(), e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("argument of an unknown class: " + e.getMessage(), e);
        }
    }

    long getLong(int i) {
        return ((Number) get(i)).longValue();
    }

    int getInt(int i) {
        return ((Number) get(i)).intValue();
    }

    String getString(int i) {
        return (String) get(i);
    }
}
