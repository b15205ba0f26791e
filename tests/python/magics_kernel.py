"""A small jupyter_client driver for the magics tests (tests/python/test_magics.py, browser_env.py).

`MagicsKernel.execute(code)` sends one cell and returns a `Cell` with the execute_reply and every iopub message
whose parent is that request, up to its idle status. Replies are matched by parent_header.msg_id: start-up may
leave an extra kernel_info_reply on the shell channel. Messages of other requests are kept by parent, so a test
can still look at them later.
"""
import os
import queue
import time

KERNEL_NAME = "jpool"
TIMEOUT = float(os.environ.get("JPOOL_TEST_TIMEOUT", "180"))  # a 2-core machine shared with other JVMs is slow


from jupyter_env import isolate_jupyter  # noqa: E402

isolate_jupyter()

from jupyter_client.manager import start_new_kernel  # noqa: E402  (after the environment is set)


class Cell:
    """One executed cell: its reply content and its iopub messages (without status and execute_input)."""

    def __init__(self, code, reply, msgs):
        self.code = code
        self.reply = reply
        self.msgs = msgs

    @property
    def status(self):
        return self.reply["status"]

    def of_type(self, *types):
        return [m for m in self.msgs if m["msg_type"] in types]

    def stream(self, name=None):
        return "".join(m["content"]["text"] for m in self.of_type("stream")
                       if name is None or m["content"]["name"] == name)

    @property
    def stdout(self):
        return self.stream("stdout")

    @property
    def stderr(self):
        return self.stream("stderr")

    @property
    def result(self):
        """The execute_result's data (mime type to value), or None."""
        res = self.of_type("execute_result")
        assert len(res) <= 1, res
        return res[0]["content"]["data"] if res else None

    @property
    def text(self):
        r = self.result
        return None if r is None else r.get("text/plain")

    @property
    def errors(self):
        return [m["content"] for m in self.of_type("error")]

    def error_line(self):
        """ename: evalue of the reply (the cell must have failed)."""
        assert self.status == "error", f"expected an error, got {self}"
        return f"{self.reply['ename']}: {self.reply['evalue']}"

    def displays(self):
        """(msg_type, display_id, data) of every display_data / update_display_data, in order."""
        return [(m["msg_type"], m["content"].get("transient", {}).get("display_id"), m["content"]["data"])
                for m in self.of_type("display_data", "update_display_data")]

    def seen_text(self):
        """Everything a user sees as text: streams, displays, result and errors."""
        parts = [self.stream()]
        parts += [d[2].get("text/plain", "") for d in self.displays()]
        parts += [self.text or ""]
        parts += [f"{e['ename']}: {e['evalue']}" for e in self.errors]
        return "\n".join(parts)

    def __repr__(self):
        return (f"<Cell {self.code[:60]!r} {self.status} result={self.text!r} stdout={self.stdout[-800:]!r} "
                f"stderr={self.stderr[-800:]!r} errors={[(e['ename'], e['evalue']) for e in self.errors]!r}>")


class MagicsKernel:
    def __init__(self):
        self.km, self.kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=TIMEOUT)
        self.by_parent = {}

    def shutdown(self):
        try:
            self.kc.stop_channels()
        finally:
            if self.km.is_alive():
                self.km.shutdown_kernel(now=False)

    def _reply(self, msg_id, deadline):
        while True:
            msg = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def _until_idle(self, msg_id, deadline):
        while True:
            for m in self.by_parent.get(msg_id, []):
                if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                    return
            try:
                msg = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"no idle status for {msg_id}")
            self.by_parent.setdefault(msg["parent_header"].get("msg_id"), []).append(msg)

    def execute(self, code, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        msg_id = self.kc.execute(code)
        reply = self._reply(msg_id, deadline)
        self._until_idle(msg_id, deadline)
        msgs = [m for m in self.by_parent[msg_id] if m["msg_type"] not in ("status", "execute_input")]
        return Cell(code, reply["content"], msgs)

    def ok(self, code, timeout=TIMEOUT):
        c = self.execute(code, timeout)
        assert c.status == "ok", f"cell failed: {c!r}\n" + "\n".join(c.reply.get("traceback", []))
        return c
