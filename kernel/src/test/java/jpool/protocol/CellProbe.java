package jpool.protocol;

import com.google.gson.JsonObject;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.security.GeneralSecurityException;
import java.util.UUID;

/**
 * A real {@link Cell} whose iopub messages go over an in-process ZeroMQ pair, where a test reads them back: lets
 * tests outside this package see exactly what the frontend would receive.
 */
public final class CellProbe implements AutoCloseable {
    public static final String REQUEST_ID = "request-1";
    private final ZContext zmq = new ZContext();
    private final Channel receiver;
    private final Cell cell;

    public CellProbe() {
        try {
            String address = "inproc://cell-probe-" + UUID.randomUUID();
            ZMQ.Socket in = zmq.createSocket(SocketType.PAIR);
            in.bind(address);
            in.setReceiveTimeOut(10_000);
            ZMQ.Socket out = zmq.createSocket(SocketType.PAIR);
            out.connect(address);
            Signer signer = new Signer("hmac-sha256", "probe-key");
            receiver = new Channel("shell", in, signer);
            JsonObject request = new JsonObject();
            request.addProperty("msg_id", REQUEST_ID);
            request.addProperty("msg_type", "execute_request");
            cell = new Cell(new Publisher(new Channel("iopub", out, signer), "probe-session"), request, 7, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public Cell cell() {
        return cell;
    }

    /** Marks the cell finished, as the kernel does once its execute_reply is sent. */
    public void finish() {
        cell.markFinished();
    }

    /** The next message the cell published; fails after 10 s without one. */
    public WireMessage next() throws MalformedMessageException {
        return receiver.receive();
    }

    @Override
    public void close() {
        zmq.close();
    }
}
