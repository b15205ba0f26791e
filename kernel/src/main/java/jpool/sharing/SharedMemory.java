package jpool.sharing;

import jpool.display.Rich;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;

/**
 * Base of the shared values and arrays: a memory-mapped file every process maps, so a write is visible to all of
 * them at once, with no call to the kernel. Elements are read and written with volatile semantics through
 * VarHandle views of the mapping, and additions and compare-and-set are atomic CPU instructions across processes.
 * The file lives in {@code /dev/shm} and is deleted when the kernel ends.
 */
public abstract class SharedMemory implements Serializable, Rich {
    private static final long serialVersionUID = 1L;
    static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final String path;
    private final int length;
    private final int elementSize;
    private transient volatile ByteBuffer mapped;

    SharedMemory(int length, int elementSize) {
        if (length < 0) throw new IllegalArgumentException("length must be >= 0, not " + length);
        this.length = length;
        this.elementSize = elementSize;
        this.path = Sharing.create("segment", (long) length * elementSize);
    }

    /** Number of elements (1 for a single value). */
    public int length() {
        return length;
    }

    /** The file behind the memory (for inspection; it disappears when the kernel ends). */
    public Path file() {
        return Path.of(path);
    }

    /** The mapping in this process, made on first use (each process maps the file once). */
    final ByteBuffer buffer() {
        ByteBuffer b = mapped;
        if (b == null) {
            synchronized (this) {
                b = mapped;
                if (b == null) mapped = b = map();
            }
        }
        return b;
    }

    private ByteBuffer map() {
        Path p = Path.of(path);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, Math.max(8, (long) length * elementSize)).order(ByteOrder.nativeOrder());
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("this shared memory is gone (its kernel ended): " + p, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map shared memory " + p + ": " + e.getMessage(), e);
        }
    }

    /** Byte offset of element {@code i}, checking the index. */
    final int offset(int i) {
        return Objects.checkIndex(i, length) * elementSize;
    }

    /** Text as toString; HTML: the class, the value(s) and where the memory is. */
    @Override
    public Map<String, Object> mimeBundle() {
        String text = toString();
        String kind = getClass().getSimpleName();
        String values = text.startsWith(kind) ? text.substring(kind.length()) : text;
        boolean array = kind.endsWith("Array");
        if (!array && values.startsWith("[") && values.endsWith("]")) values = values.substring(1, values.length() - 1);
        return SharedHandle.summary(text, kind, array ? length + (length == 1 ? " element" : " elements") : "value",
                values + " (shared memory " + path + ")");
    }
}
