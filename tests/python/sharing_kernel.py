"""A small client for the sharing tests: one jpool kernel, cells run one at a time, outputs collected."""
import queue

from jupyter_client.manager import start_new_kernel


class Cell:
    """What one executed cell produced."""

    def __init__(self):
        self.stdout = ""
        self.stderr = ""
        self.result = None
        self.error = None

    def __repr__(self):
        return f"Cell(stdout={self.stdout!r}, stderr={self.stderr!r}, result={self.result!r}, error={self.error!r})"


class Kernel:
    def __init__(self):
        self.km, self.kc = start_new_kernel(kernel_name="jpool", startup_timeout=120)

    def run(self, code, timeout=300):
        """Executes one cell and returns its outputs; the caller asserts on them."""
        msg_id = self.kc.execute(code)
        cell = Cell()
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"cell did not finish within {timeout} s: {code[:200]!r}; so far {cell!r}")
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                if content["name"] == "stdout":
                    cell.stdout += content["text"]
                else:
                    cell.stderr += content["text"]
            elif kind == "execute_result":
                cell.result = content["data"].get("text/plain")
            elif kind == "error":
                cell.error = f"{content['ename']}: {content['evalue']}"
            elif kind == "status" and content["execution_state"] == "idle":
                break
        return cell

    def ok(self, code, timeout=300):
        """Executes a cell that must not fail."""
        cell = self.run(code, timeout)
        assert cell.error is None, f"cell failed: {cell!r}\n{code}"
        return cell

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=False)
