"""The kernel driver of the magics tests (tests/python/test_magics.py, browser_env.py): kernel_helpers' `Kernel`
with cells seen the way those tests look at them (`Cell`: the execute_result as its mime bundle, displays,
everything a user sees as text). Importing it isolates Jupyter's directories first (the browser tests rely on that).
"""
from jupyter_env import isolate_jupyter

isolate_jupyter()

from kernel_helpers import TIMEOUT, Exec, Kernel  # noqa: E402,F401  (after the environment is set)


class Cell(Exec):
    """One executed cell: its reply content and its iopub messages (without status and execute_input)."""

    def __init__(self, kernel, msg_id, reply, code):
        super().__init__(kernel, msg_id, reply)
        self.code = code

    @property
    def msgs(self):
        return [m for m in super().msgs if m["msg_type"] not in ("status", "execute_input")]

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


class MagicsKernel(Kernel):
    def execute(self, code, timeout=TIMEOUT, on_message=None):
        e = super().execute(code, timeout=timeout, on_message=on_message)
        return Cell(self, e.msg_id, e.reply_msg, code)
