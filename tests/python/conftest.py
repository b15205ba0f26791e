"""Shared set-up for the Jupyter-client tests of the jpool kernel.

tests/run.sh installs the kernelspec into a throw-away Jupyter data dir and exports JUPYTER_DATA_DIR and friends.
When pytest is started directly (no JUPYTER_DATA_DIR), this file does the same: it points Jupyter at a temporary
directory and runs install/install.sh there, so the tests never use or change the user's own kernelspecs.
"""
import subprocess
import time
from queue import Empty

import pytest

KERNEL_NAME = "jpool"
TIMEOUT = 30  # seconds for a reply; JVM start and the first JShell compile are slow on a small machine

from jupyter_env import isolate_jupyter, wait_until  # noqa: E402,F401  (wait_until is used by tests through here)

isolate_jupyter()

from jupyter_client.manager import start_new_kernel  # noqa: E402  (after the environment is set)


def pid_exists(pid):
    """True while a process with this pid exists and is not a zombie (as `ps` reports it)."""
    out = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return bool(out) and not out.startswith("Z")


class Kernel:
    """A running jpool kernel with helpers that run code and collect what the frontend would see."""

    def __init__(self):
        self.km, self.kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60)

    def pid(self):
        return self.km.provisioner.process.pid

    def shutdown(self):
        self.kc.stop_channels()
        if self.km.is_alive():
            self.km.shutdown_kernel(now=False)

    def drain_iopub(self):
        while True:
            try:
                self.kc.get_iopub_msg(timeout=0.2)
            except Empty:
                return

    def iopub_until_idle(self, msg_id, timeout=TIMEOUT):
        """Every iopub message of request `msg_id`, up to and including its idle status."""
        msgs = []
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            msgs.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return msgs

    def shell_reply(self, msg_id, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def run(self, code, timeout=TIMEOUT, **kwargs):
        """Executes `code`; returns (execute_reply content, iopub outputs without status/execute_input)."""
        msg_id = self.kc.execute(code, **kwargs)
        reply = self.shell_reply(msg_id, timeout)
        msgs = self.iopub_until_idle(msg_id, timeout)
        outputs = [m for m in msgs if m["msg_type"] not in ("status", "execute_input")]
        return reply["content"], outputs

    def ok(self, code, **kwargs):
        """Executes `code`, asserts it succeeded and returns its outputs."""
        reply, outputs = self.run(code, **kwargs)
        assert reply["status"] == "ok", f"{code!r} failed: {reply.get('ename')}: {reply.get('evalue')}\n" + \
            "\n".join(reply.get("traceback", []))
        return outputs


def stdout_of(outputs, name="stdout"):
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == name)


def result_of(outputs):
    results = [m for m in outputs if m["msg_type"] == "execute_result"]
    assert len(results) == 1, f"expected one execute_result, got {[m['msg_type'] for m in outputs]}"
    return results[0]["content"]["data"]["text/plain"]


@pytest.fixture(scope="module")
def kernel():
    """One kernel shared by a test module (cells must not depend on each other unless a test says so)."""
    k = Kernel()
    yield k
    k.shutdown()


@pytest.fixture
def fresh_kernel():
    """A kernel of its own, for tests that interrupt, restart or shut it down."""
    k = Kernel()
    yield k
    k.shutdown()
