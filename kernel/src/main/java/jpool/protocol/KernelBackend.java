package jpool.protocol;

import com.google.gson.JsonObject;

import java.util.List;

/** What a language kernel provides; {@link KernelServer} speaks the protocol around it. */
public interface KernelBackend {
    /** language_info, banner and help links for kernel_info_reply. */
    JsonObject kernelInfo();

    /** Runs a cell; output goes to {@code cell}. Returns null on success, or the error to report. */
    ExecutionError execute(String code, Cell cell, boolean silent, boolean storeHistory);

    JsonObject complete(String code, int cursor);

    JsonObject inspect(String code, int cursor, int detailLevel);

    /** is_complete_reply content: status complete/incomplete/invalid/unknown (+ indent). */
    JsonObject isComplete(String code);

    JsonObject history(JsonObject request);

    /** Stops the running cell (interrupt_request). Called from the control thread. */
    void interrupt();

    /** Releases everything: worker processes, temporary files. Called once, before the sockets close. */
    void shutdown(boolean restart);

    /** An error to show for a cell: ename, evalue, traceback lines. */
    record ExecutionError(String ename, String evalue, List<String> traceback) {
    }
}
