package jpool.workers;

import jpool.api.Call;
import jpool.api.Fn;
import jpool.ipc.Delivery;
import jpool.ipc.FrameChannel;
import jpool.ipc.Message;
import jpool.ipc.Serial;
import jpool.shipping.ChunkCodec;
import jpool.shipping.ChunkTask;
import jpool.shipping.ShippedFn;
import jpool.shipping.TaskProgress;

import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs a fresh worker's task path on made-up pool tasks while it waits for real ones: each task is encoded as the
 * kernel encodes a compact chunk, sent as a frame over a loopback socket of its own, read, decoded and run as
 * {@link WorkerMain} runs a task, and its result encoded, sent and read back. A JVM interprets code until it has run
 * it thousands of times; a spare that has done this runs a new pool's first tasks in compiled code instead. Several
 * functions, task kinds and value types take turns, so that the compiled code does not take the made-up ones for
 * the only ones (code compiled for a single function was thrown away when the real one came).
 */
final class TaskPathWarmUp {
    /** Tasks run at most: enough for the per-task methods to be compiled (C1 after ~200 calls, C2 after thousands). */
    static final int TASKS = 4000;
    /** Tasks sent before their results are read, in turn: a burst of applyAsync calls, a map's chunks, apply. */
    private static final int[] BURSTS = {1, 4, 16, 2, 8};

    private TaskPathWarmUp() {
    }

    /** The functions, each its own class, as a notebook's capture-free lambdas are. */
    private static List<Serializable> functions() {
        Fn<Object, Object> same = x -> x;
        Fn<Object, Object> next = x -> x instanceof Integer i ? i + 1 : x;
        Fn<Object, String> text = String::valueOf;
        Fn<Object, Boolean> isNull = x -> x == null;
        Call<Long> constant = () -> 7L;
        return List.of(same, next, text, isNull, constant);
    }

    /**
     * Runs up to {@link #TASKS} made-up tasks, stopping early once {@code stop} says real work came. Returns how many
     * ran; 0 when the loopback socket could not be made (the worker then works as it would have anyway, only colder).
     */
    static int run(BooleanSupplier stop) {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel kernelEnd = SocketChannel.open(server.getLocalAddress()); SocketChannel workerEnd = server.accept()) {
                return run(new FrameChannel(kernelEnd), new FrameChannel(workerEnd), stop);
            }
        } catch (Exception e) {
            return 0;
        }
    }

    private static int run(FrameChannel kernel, FrameChannel worker, BooleanSupplier stop) throws Exception {
        TaskProgress.install(worker); // a chunk reports finished inputs ahead of its result, as in a real task
        List<Serializable> fns = functions();
        List<ShippedFn> shipped = new ArrayList<>();
        for (int i = 0; i < fns.size() && !stop.getAsBoolean(); i++) {
            // negative ids: the kernel's own count up from 1, so a real function is never taken for one of these
            ShippedFn fn = new ShippedFn(-1 - i, Serial.write(fns.get(i)).bytes());
            kernel.send(new Message.Function(fn.id(), fn.bytes()));
            Message.Function learnt = (Message.Function) worker.receiveMessage();
            ChunkCodec.learnFunction(learnt.id(), learnt.bytes());
            shipped.add(fn);
        }
        int done = 0;
        for (int b = 0; done < TASKS && !stop.getAsBoolean(); b++) {
            int burst = BURSTS[b % BURSTS.length];
            for (int i = 0; i < burst; i++) {
                int k = done + i;
                Serializable fn = shipped.get(k % shipped.size());
                ChunkTask.Kind kind = fns.get(k % fns.size()) instanceof Call ? ChunkTask.Kind.CALL : ChunkTask.Kind.FN;
                ArrayList<Object> inputs = new ArrayList<>(List.of(input(k)));
                if (k % 7 == 0) inputs.add(input(k + 1)); // now and then a chunk of a map: more than one input
                byte[] task = ChunkCodec.encodeTask(new ChunkTask(fn, kind, inputs));
                var run = new Message.Run(-1 - k, "warm-up", false, 0, new byte[0], task, null);
                kernel.send(run, i + 1 < burst ? Delivery.SOON : Delivery.NOW);
            }
            for (int i = 0; i < burst; i++) {
                Message.Run m = (Message.Run) worker.receiveMessage();
                TaskProgress.begin(m.taskId());
                Object value = ChunkCodec.decodeTask(m.task()).execute();
                Serial.Written w = (Serial.Written) value;
                worker.send(new Message.Result(m.taskId(), w.bytes(), w.arrays()), i + 1 < burst ? Delivery.SOON : Delivery.NOW);
            }
            for (int i = 0; i < burst; i++) {
                Message r = kernel.receiveMessage();
                while (!(r instanceof Message.Result)) r = kernel.receiveMessage(); // a chunk's early reports (Partial)
                ChunkCodec.decodeResult(((Message.Result) r).value(), "warm-up", 0);
            }
            done += burst;
        }
        return done;
    }

    /** Values of the kinds notebooks pass most: numbers of each box, strings, small arrays. */
    private static Object input(int k) {
        return switch (k % 6) {
            case 0, 1 -> k;
            case 2 -> (long) k;
            case 3 -> k * 0.5;
            case 4 -> "s" + k;
            default -> new int[]{k};
        };
    }
}
