package jpool.ipc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The frames between the kernel and a worker as typed records, one per {@link Frame} type, each with its wire form:
 * {@link #toFrame()} encodes one, {@link #decode(Frame)} reads any. Senders and readers use these records, never
 * payload bytes. Big byte arrays travel as the frame's parts (read into arrays of their own), a value's big
 * primitive arrays beside it ({@link Serial#writeDetached}).
 */
public sealed interface Message {
    byte[][] NO_PARTS = {};
    byte[] NOTHING = new byte[0];

    /** This message as a frame to send. */
    Frame toFrame();

    /** Reads a received frame; null for a frame type this version does not know. */
    static Message decode(Frame f) throws IOException {
        Payload.Reader r = new Payload.Reader(f.payload());
        return switch (f.type()) {
            case Frame.CLASSES -> Classes.read(r);
            case Frame.CLASSPATH -> Classpath.read(r);
            case Frame.RUN -> new Run(r.getLong(), r.getString(), r.getByte() != 0, r.getLong(), part(f, 0, r),
                    part(f, 1, r), f.arrays());
            case Frame.QUIT -> new Quit();
            case Frame.WARM_UP -> new WarmUp();
            case Frame.REPLY -> Reply.read(r);
            case Frame.CANCEL -> new Cancel(r.getLong());
            case Frame.RECALL -> new Recall(r.getString());
            case Frame.FUNCTION -> new Function(r.getLong(), r.getBytes());
            case Frame.HELLO -> new Hello(r.getString(), r.getString(), r.getLong());
            case Frame.LOG -> new Log(r.getByte(), r.getBytes());
            case Frame.RESULT -> new Result(r.getLong(), part(f, 0, r), f.arrays());
            case Frame.PARTIAL -> new Partial(r.getLong(), r.getInt(), part(f, 0, r), f.arrays());
            case Frame.FAILED -> new Failed(r.getLong(), ErrorReport.read(r));
            case Frame.EXITING -> new Exiting(r.getInt());
            case Frame.CALL -> Call.read(r);
            default -> null;
        };
    }

    /** Part {@code i} of a frame with parts; in a plain frame the same bytes follow in the payload. */
    private static byte[] part(Frame f, int i, Payload.Reader r) throws IOException {
        return f.parts() != null ? f.parts()[i] : r.getBytes();
    }

    /** Kernel to worker: notebook class definitions, by binary name. */
    record Classes(List<Map.Entry<String, byte[]>> classes) implements Message {
        @Override
        public Frame toFrame() {
            Payload p = new Payload().putInt(classes.size());
            for (Map.Entry<String, byte[]> c : classes) p.putString(c.getKey()).putBytes(c.getValue());
            return new Frame(Frame.CLASSES, p.toBytes());
        }

        static Classes read(Payload.Reader r) throws IOException {
            int n = r.getInt();
            List<Map.Entry<String, byte[]>> classes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) classes.add(Map.entry(r.getString(), r.getBytes()));
            return new Classes(classes);
        }
    }

    /** Kernel to worker: class-path entries (URLs of jars) the notebook added since the last ones. */
    record Classpath(List<String> urls) implements Message {
        @Override
        public Frame toFrame() {
            Payload p = new Payload().putInt(urls.size());
            for (String url : urls) p.putString(url);
            return new Frame(Frame.CLASSPATH, p.toBytes());
        }

        static Classpath read(Payload.Reader r) throws IOException {
            int n = r.getInt();
            List<String> urls = new ArrayList<>(n);
            for (int i = 0; i < n; i++) urls.add(r.getString());
            return new Classpath(urls);
        }
    }

    /**
     * Kernel to worker: a task. {@code state} is the notebook state snapshot {@code snapshotId} (empty when the
     * worker has it already), {@code task} its serialized form, {@code arrays} the big arrays beside it.
     *
     * @param exitAfter the worker exits after this task (a process) instead of waiting for more (a pool worker)
     */
    record Run(long taskId, String worker, boolean exitAfter, long snapshotId, byte[] state, byte[] task,
               Object[] arrays) implements Message {
        @Override
        public Frame toFrame() {
            byte[] head = new Payload().putLong(taskId).putString(worker).putByte(exitAfter ? 1 : 0).putLong(snapshotId).toBytes();
            return new Frame(Frame.RUN, head, new byte[][]{state, task}, arrays);
        }
    }

    /** Kernel to worker: stop after the current task and exit 0. */
    record Quit() implements Message {
        @Override
        public Frame toFrame() {
            return new Frame(Frame.QUIT, NOTHING);
        }
    }

    /** Kernel to a spare worker: warm the task path up now (see {@link Frame#WARM_UP}). */
    record WarmUp() implements Message {
        @Override
        public Frame toFrame() {
            return new Frame(Frame.WARM_UP, NOTHING);
        }
    }

    /** Kernel to worker: the answer to a {@link Call}: a serialized value, or an exception's class and message. */
    record Reply(long requestId, byte[] value, String errorClass, String errorMessage) implements Message {
        /** A call's value. */
        public static Reply ok(long requestId, byte[] value) {
            return new Reply(requestId, value, null, null);
        }

        /** A call's failure, rethrown in the worker. */
        public static Reply failed(long requestId, String errorClass, String errorMessage) {
            return new Reply(requestId, null, errorClass, errorMessage == null ? "" : errorMessage);
        }

        /** Whether the call succeeded (then {@link #value()} holds its value). */
        public boolean ok() {
            return errorClass == null;
        }

        @Override
        public Frame toFrame() {
            Payload p = new Payload().putLong(requestId);
            if (ok()) p.putByte(0).putBytes(value);
            else p.putByte(1).putString(errorClass).putString(errorMessage);
            return new Frame(Frame.REPLY, p.toBytes());
        }

        static Reply read(Payload.Reader r) throws IOException {
            long id = r.getLong();
            return r.getByte() == 0 ? ok(id, r.getBytes()) : failed(id, r.getString(), r.getString());
        }
    }

    /** Kernel to worker: take back task {@code taskId} if it has not begun (the worker answers {@link Failed}). */
    record Cancel(long taskId) implements Message {
        @Override
        public Frame toFrame() {
            return new Frame(Frame.CANCEL, new Payload().putLong(taskId).toBytes());
        }
    }

    /** Kernel to worker: give back the items of queue {@code objectId} received ahead of its gets. */
    record Recall(String objectId) implements Message {
        @Override
        public Frame toFrame() {
            return new Frame(Frame.RECALL, new Payload().putString(objectId).toBytes());
        }
    }

    /** Kernel to worker: a pool function the worker keeps; tasks name it by {@code id}. */
    record Function(long id, byte[] bytes) implements Message {
        @Override
        public Frame toFrame() {
            return new Frame(Frame.FUNCTION, new Payload().putLong(id).putBytes(bytes).toBytes(), NO_PARTS, null);
        }
    }

    /** Worker to kernel, first on a connection: who it is, the kernel's secret, its process id. */
    record Hello(String workerId, String secret, long pid) implements Message {
        @Override
        public Frame toFrame() {
            return new Frame(Frame.HELLO, new Payload().putString(workerId).putString(secret).putLong(pid).toBytes());
        }
    }

    /** Worker to kernel: output text (stream 1 stdout, 2 stderr), UTF-8. */
    record Log(int stream, byte[] utf8) implements Message {
        /** The output as text. */
        public String text() {
            return new String(utf8, StandardCharsets.UTF_8);
        }

        @Override
        public Frame toFrame() {
            return new Frame(Frame.LOG, new Payload().putByte(stream).putBytes(utf8).toBytes());
        }
    }

    /** Worker to kernel: a task's value (as {@link Serial} wrote it, or a chunk's compact result). */
    record Result(long taskId, byte[] value, Object[] arrays) implements Message {
        @Override
        public Frame toFrame() {
            return new Frame(Frame.RESULT, new Payload().putLong(taskId).toBytes(), new byte[][]{value}, arrays);
        }
    }

    /** Worker to kernel: results of a running chunk's inputs {@code from ..}, ahead of its {@link Result}. */
    record Partial(long taskId, int from, byte[] value, Object[] arrays) implements Message {
        @Override
        public Frame toFrame() {
            return new Frame(Frame.PARTIAL, new Payload().putLong(taskId).putInt(from).toBytes(), new byte[][]{value}, arrays);
        }
    }

    /** Worker to kernel: a task threw (or was skipped, or its value could not be sent). */
    record Failed(long taskId, ErrorReport error) implements Message {
        @Override
        public Frame toFrame() {
            return new Frame(Frame.FAILED, error.toBytes(taskId));
        }
    }

    /** Worker to kernel: the worker is exiting by System.exit with {@code status}. */
    record Exiting(int status) implements Message {
        @Override
        public Frame toFrame() {
            return new Frame(Frame.EXITING, new Payload().putInt(status).toBytes());
        }
    }

    /**
     * Worker to kernel: operation {@code op} on the kernel object {@code objectId}, each argument serialized on its
     * own (the kernel keeps queue items as bytes); request id 0 wants no reply.
     */
    record Call(long requestId, String objectId, String op, List<byte[]> args) implements Message {
        @Override
        public Frame toFrame() {
            Payload p = new Payload().putLong(requestId).putString(objectId).putString(op).putInt(args.size());
            for (byte[] a : args) p.putBytes(a);
            return new Frame(Frame.CALL, p.toBytes());
        }

        static Call read(Payload.Reader r) throws IOException {
            long id = r.getLong();
            String objectId = r.getString();
            String op = r.getString();
            int n = r.getInt();
            List<byte[]> args = new ArrayList<>(n);
            for (int i = 0; i < n; i++) args.add(r.getBytes());
            return new Call(id, objectId, op, args);
        }
    }
}
