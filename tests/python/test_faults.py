"""The fault suite: what a hostile or careless user, peer, worker or installer can do, and that the kernel survives.

One test per fault of issue 13. Each one asserts what a user sees afterwards: the kernel still runs `1 + 1`, and
what it had (variables, pools) is still there. Nothing sleeps to synchronise: waits poll with a deadline.
"""
import json
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from jupyter_env import ROOT
from kernel_helpers import DEFAULT_TIMEOUT, Kernel, pid_alive, wait_until, worker_processes


class LoggedKernel(Kernel):
    """A kernel whose stderr (the kernel log) goes to a file the test can read."""

    def __init__(self, log_path, extra_env=None):
        from jupyter_client.manager import KernelManager

        self.log_path = Path(log_path)
        self._log = open(self.log_path, "wb")
        self.km = KernelManager(kernel_name="jpool")
        env = dict(os.environ)
        env.update(extra_env or {})
        self.km.start_kernel(env=env, stderr=self._log)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=DEFAULT_TIMEOUT)
        self.by_parent = {}
        self.iopub_log = []

    def log(self):
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def shutdown(self):
        try:
            super().shutdown()
        finally:
            self._log.close()


@pytest.fixture
def logged(tmp_path):
    k = LoggedKernel(tmp_path / "kernel.log")
    try:
        yield k
    finally:
        try:
            k.shutdown()
        except Exception:
            pass


def still_works(k, variable="kept", value="41"):
    """The kernel runs `1 + 1`, and a variable defined before the fault is still there."""
    assert k.ok("1 + 1").result == "2"
    assert k.ok(f"{variable} + 1").result == str(int(value) + 1)


# --- 1. malformed msg_type --------------------------------------------------------------------------------------

MSG_TYPES = {"null": None, "number": 7, "object": {"a": 1}, "list": ["execute_request"], "missing": ...}


@pytest.mark.parametrize("channel", ["shell", "control"])
def test_malformed_msg_type_is_logged_and_dropped(logged, channel):
    import zmq
    from jupyter_client.session import Session

    k = logged
    k.ok("int kept = 41;")
    info = k.km.get_connection_info()
    session = Session(key=info["key"], signature_scheme=info["signature_scheme"])
    sock = zmq.Context.instance().socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(f"{info['transport']}://{info['ip']}:{info[channel + '_port']}")
    try:
        for name, value in MSG_TYPES.items():
            header = {"msg_id": f"bad-{name}", "session": "s", "username": "u", "date": "2026-01-01T00:00:00Z",
                      "version": "5.3"}
            if value is not ...:
                header["msg_type"] = value
            content = {"code": "System.out.println(\"ran\")", "silent": False}
            frames = [json.dumps(x).encode() for x in (header, {}, {}, content)]
            sock.send_multipart([b"<IDS|MSG>", session.sign(frames)] + frames)
        request = session.send(sock, "kernel_info_request", {})
        assert sock.poll(DEFAULT_TIMEOUT * 1000), "no reply to a valid request after the malformed ones"
        _, frames = session.feed_identities(sock.recv_multipart())
        reply = session.deserialize(frames)
        assert reply["parent_header"]["msg_id"] == request["header"]["msg_id"]
        assert not sock.poll(0), "a malformed message was answered"
    finally:
        sock.close()
    still_works(k)
    log = k.log()
    for name in ("null", "a number", "an object", "a list", "missing"):
        assert f"{channel}: header msg_type is {name}, expected a string; dropped" in log, log
