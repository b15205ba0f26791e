package jpool.ipc;

/**
 * One message between the kernel and a worker as it travels: a type byte and a payload ({@link Message} has a typed
 * record for each type, with its encoding and decoding; the constants below document the layouts). On the wire a frame is
 * {@code [int length][byte type][payload]}, length counting the type byte. A frame may also carry big byte arrays
 * as separate {@code parts} (see {@link FrameChannel#send(byte, byte[], byte[]...)}), each of which the receiver
 * reads into an array of its own; {@code parts} is null for a plain frame. {@code arrays} are big primitive arrays
 * of a value serialized with {@link Serial#writeDetached} (null when there are none).
 */
public record Frame(byte type, byte[] payload, byte[][] parts, Object[] arrays) {
    public Frame(byte type, byte[] payload) {
        this(type, payload, null, null);
    }

    // kernel -> worker
    /** Class definitions: int count, then (UTF name, int length, bytes) each. */
    public static final byte CLASSES = 1;
    /** Extra class-path entries (jars the notebook added): int count, then UTF URLs. */
    public static final byte CLASSPATH = 2;
    /**
     * A task: head {@code long id, UTF worker name, byte exit-after, long snapshot id}; parts: the state snapshot
     * (empty when the worker has it already) and the task (a pool chunk's compact form, {@code jpool.shipping.ChunkCodec},
     * or a Java-serialized WorkerTask whose big arrays are the frame's {@link #arrays()}).
     */
    public static final byte RUN = 3;
    /** Stop after the current task and exit 0. */
    public static final byte QUIT = 4;
    /**
     * The answer to a {@link #CALL}: long request id, byte status (0 ok, 1 failed), then for ok the serialized
     * value, for failed UTF exception class name and UTF message.
     */
    public static final byte REPLY = 5;
    /**
     * Take back a task that was sent but has not started: long id. If it still waits in the worker, the worker
     * drops it and answers {@link #FAILED} at once; one already begun runs as usual.
     * The kernel keeps several tasks queued in a worker; an interrupt cancels them, a free worker takes them over.
     */
    public static final byte CANCEL = 6;
    /**
     * Asks for the items of a queue the worker received ahead of its gets back: UTF object id. The worker's reader
     * thread answers with a {@code giveBack} {@link #CALL} (see {@code jpool.sharing.Prefetch}).
     */
    public static final byte RECALL = 7;
    /**
     * A pool function a worker keeps for its lifetime: long id, then its Java-serialized bytes. Sent before the
     * first compact task (see {@code jpool.shipping.ChunkCodec}) that names it, so tasks carry only the id.
     */
    public static final byte FUNCTION = 8;
    /**
     * To a spare: the kernel idles, so run made-up tasks through the task path now (see
     * {@code jpool.workers.TaskPathWarmUp}); at kernel start they would take the cores from JShell and the first cells.
     */
    public static final byte WARM_UP = 9;

    // worker -> kernel
    /** First frame on a connection: UTF worker id, UTF secret, long pid. */
    public static final byte HELLO = 10;
    /** Output: byte stream (1 stdout, 2 stderr), UTF-8 text. */
    public static final byte LOG = 11;
    /**
     * A task's value: head {@code long id}; part: the value as {@link Serial} wrote it, or a chunk's compact result;
     * big arrays of it in {@link #arrays()}. Tasks are answered in the order they were sent (a skipped one at once),
     * which is how the kernel knows which task a worker is running without a message for it.
     */
    public static final byte RESULT = 12;
    /**
     * Some of a running pool chunk's results, ahead of its {@link #RESULT}: head {@code long id, int from}; part: the
     * results of its inputs {@code from ..} in the form a RESULT has. The RESULT then carries the inputs after the
     * last PARTIAL.
     */
    public static final byte PARTIAL = 15;
    /** A task's failure: long id, then a {@link ErrorReport} in its wire form. */
    public static final byte FAILED = 13;
    /** The worker is exiting by System.exit: int status. */
    public static final byte EXITING = 14;
    /**
     * A request to a shared object that lives in the kernel (queues, events, locks, managed collections): long
     * request id (0 = no reply wanted), UTF object id, UTF operation, int argument count, then each argument
     * serialized on its own (so the kernel can keep queue items as bytes without reading them).
     */
    public static final byte CALL = 16;

    /** Set in the type byte on the wire when the frame has parts. */
    static final int PARTS_FLAG = 0x80;
    /** Set (with {@link #PARTS_FLAG}) when the frame also carries primitive arrays ({@link #arrays()}). */
    static final int ARRAYS_FLAG = 0x40;

    /** Larger frames are refused: a corrupt or hostile length must not make the reader allocate gigabytes. */
    public static final int MAX_LENGTH = 1 << 30;
}
