"""Shared helpers for the jpool Jupyter-client tests.

This is the one kernel driver of the tests, with their fixtures (`kernel`, `fresh_kernel`, `cleanup`; conftest.py
makes them available to every module) and their one deadline (`TIMEOUT`, from jupyter_env).

A `Kernel` wraps a started jpool kernel (KernelManager + blocking client). `Kernel.execute(code)` sends one cell,
collects every iopub message whose parent is that request until the kernel reports idle, and returns an
`Exec` with the reply content and accessors for stream text, execute_result text, errors and display updates;
an `Exec` is also the list of the cell's outputs (iopub messages but status and execute_input), which is what
`Kernel.run` and `Kernel.ok` hand to `stdout_of`/`result_of`. Every iopub message read is also kept per parent
msg_id, so messages that arrive after the cell finished (late worker output as update_display_data) can be waited
for with `Kernel.wait_for(...)`.

Nothing here sleeps to synchronise: every wait polls the kernel's iopub channel with a deadline.
"""

import os
import queue
import subprocess
import time

from jupyter_client.manager import KernelManager

from jupyter_env import KERNEL_NAME, TIMEOUT, isolate_jupyter, wait_until  # noqa: F401  (tests import them from here)

WORKER_MAIN = "jpool.workers.WorkerMain"
DEFAULT_TIMEOUT = TIMEOUT  # the name some tests use


class Exec(list):
    """The outcome of one executed cell: its shell reply and its iopub messages (up to idle). As a list, it holds
    the cell's outputs: its iopub messages up to idle but status and execute_input."""

    def __init__(self, kernel, msg_id, reply):
        super().__init__(m for m in kernel.by_parent.get(msg_id, []) if m["msg_type"] not in ("status", "execute_input"))
        self.kernel = kernel
        self.msg_id = msg_id
        self.reply_msg = reply

    def __bool__(self):
        """An executed cell is true even without outputs (`assert k.ok("int x = 1;") and ...`)."""
        return True

    @property
    def reply(self):
        return self.reply_msg["content"]

    @property
    def status(self):
        return self.reply["status"]

    @property
    def msgs(self):
        """Every iopub message with this request as parent, read so far (later ones too, once waited for)."""
        return list(self.kernel.by_parent.get(self.msg_id, []))

    def of_type(self, *msg_types):
        return [m for m in self.msgs if m["msg_type"] in msg_types]

    def stream(self, name=None):
        """Concatenated stream text (stdout, stderr or both) sent while the cell ran."""
        return "".join(m["content"]["text"] for m in self.of_type("stream")
                       if name is None or m["content"]["name"] == name)

    @property
    def stdout(self):
        return self.stream("stdout")

    @property
    def stderr(self):
        return self.stream("stderr")

    def stream_lines(self, name=None):
        return self.stream(name).splitlines()

    @property
    def result(self):
        """text/plain of the execute_result, or None when the cell had no value."""
        res = self.of_type("execute_result")
        return res[-1]["content"]["data"].get("text/plain") if res else None

    @property
    def errors(self):
        """Content of every iopub error message (ename, evalue, traceback)."""
        return [m["content"] for m in self.of_type("error")]

    def error_text(self):
        """ename, evalue and traceback of the reply and of the iopub errors, in one string."""
        parts = []
        for c in self.errors + ([self.reply] if self.status == "error" else []):
            parts.append(c.get("ename", ""))
            parts.append(c.get("evalue", ""))
            parts.extend(c.get("traceback", []))
        return "\n".join(parts)

    def display_ids(self):
        """Display ids the cell created (display_data with a transient display_id)."""
        return [m["content"].get("transient", {}).get("display_id") for m in self.of_type("display_data")
                if m["content"].get("transient", {}).get("display_id")]

    def late_display_id(self):
        ids = [d for d in self.display_ids() if d.startswith("jpool-late-")]
        return ids[0] if ids else None

    def display_updates(self, display_id):
        """text/plain of each update_display_data for `display_id` with this cell as parent, in order."""
        return [m["content"]["data"].get("text/plain", "") for m in self.of_type("update_display_data")
                if m["content"].get("transient", {}).get("display_id") == display_id]

    def all_text(self):
        """Stream text plus every display text of this cell (what a user sees in the output area)."""
        parts = [self.stream()]
        for m in self.msgs:
            if m["msg_type"] in ("display_data", "update_display_data", "execute_result"):
                parts.append(m["content"]["data"].get("text/plain", ""))
        return "\n".join(parts)

    def own_text(self):
        """Stream text plus the displays and value this cell created, without updates of other cells' displays
        (late output of an earlier cell goes out under the running cell, for nbclient, but updates that cell's display)."""
        parts = [self.stream()]
        for m in self.msgs:
            if m["msg_type"] in ("display_data", "execute_result"):
                parts.append(m["content"]["data"].get("text/plain", ""))
        return "\n".join(parts)

    def assert_ok(self):
        assert self.status == "ok", f"cell failed: {self.error_text()}\nstdout: {self.stdout}\nstderr: {self.stderr}"
        return self

    def __repr__(self):
        return (f"<Exec {self.status} result={self.result!r} stdout={self.stdout!r} stderr={self.stderr!r} "
                f"errors={self.error_text()!r}>")


class Kernel:
    """A running jpool kernel plus a blocking client; iopub messages are kept per parent request."""

    def __init__(self, extra_env=None, stderr=None):
        """`stderr`: a file the kernel's stderr (its log) goes to instead of the test run's."""
        self.km = KernelManager(kernel_name=KERNEL_NAME)
        env = dict(os.environ)
        if extra_env:
            env.update(extra_env)
        self.km.start_kernel(env=env, **({"stderr": stderr} if stderr is not None else {}))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=TIMEOUT)
        self.by_parent = {}
        self.iopub_log = []

    @property
    def pid(self):
        """OS pid of the kernel JVM (the launcher execs java, so this is the JVM itself); `kernel.pid()` works too."""
        return _Pid(self.km.provisioner.process.pid if getattr(self.km, "provisioner", None) else self.km.kernel.pid)

    def run(self, code, timeout=TIMEOUT, **kwargs):
        """Executes `code` (extra arguments go to the client's execute, e.g. silent=True); returns (reply content,
        outputs)."""
        e = self.execute(code, timeout=timeout, **kwargs)
        return e.reply, e

    def shell_reply(self, msg_id, timeout=TIMEOUT):
        """The shell reply to request `msg_id` (replies to other requests read meanwhile are dropped)."""
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def iopub_until_idle(self, msg_id, timeout=TIMEOUT):
        """Every iopub message of request `msg_id`, up to and including its idle status."""
        def idle():
            return any(m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"
                       for m in self.by_parent.get(msg_id, []))
        self.wait_for(idle, timeout=timeout, what=f"idle after request {msg_id}")
        msgs = self.by_parent.get(msg_id, [])
        end = next(i for i, m in enumerate(msgs) if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle")
        return list(msgs[:end + 1])

    def drain_iopub(self):
        """Reads every iopub message already sent (into the per-parent buffers)."""
        while self._pump(0.2) is not None:
            pass

    def _pump(self, timeout):
        """Reads one iopub message (at most `timeout` s) into the per-parent buffers; returns it or None."""
        try:
            msg = self.kc.get_iopub_msg(timeout=max(0.0, timeout))
        except queue.Empty:
            return None
        parent = msg.get("parent_header", {}).get("msg_id")
        self.by_parent.setdefault(parent, []).append(msg)
        self.iopub_log.append(msg)
        return msg

    def execute(self, code, timeout=TIMEOUT, on_message=None, **kwargs):
        """Runs one cell; returns its Exec once the reply and the idle status for it have both arrived.

        `on_message(msg)` is called for each iopub message of this cell as it arrives (e.g. to act on a pid the
        cell printed while the cell still runs); other arguments go to the client's execute."""
        msg_id = self.kc.execute(code, **{"store_history": True, "allow_stdin": False, **kwargs})
        return self.collect(msg_id, timeout=timeout, on_message=on_message)

    def ok(self, code, timeout=TIMEOUT, **kwargs):
        """Runs a cell that must not fail; returns its Exec (also the list of its outputs)."""
        return self.execute(code, timeout=timeout, **kwargs).assert_ok()

    def collect(self, msg_id, timeout=TIMEOUT, on_message=None):
        deadline = time.monotonic() + timeout
        reply = None
        idle = False
        seen = 0
        while reply is None or not idle:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"cell {msg_id} not finished within {timeout} s (reply={reply is not None}, "
                                   f"idle={idle}); iopub so far: {self.by_parent.get(msg_id, [])}")
            if reply is None:
                try:
                    shell = self.kc.get_shell_msg(timeout=0.05)
                    if shell["parent_header"].get("msg_id") == msg_id:
                        reply = shell
                except queue.Empty:
                    pass
            if not idle:
                self._pump(min(0.2, max(0.0, deadline - time.monotonic())))
                mine = self.by_parent.get(msg_id, [])
                for m in mine[seen:]:
                    if on_message:
                        on_message(m)
                    if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                        idle = True
                seen = len(mine)
        return Exec(self, msg_id, reply)

    def wait_for(self, predicate, timeout=TIMEOUT, what="condition"):
        """Reads iopub until `predicate()` is true; AssertionError after `timeout` s."""
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            self._pump(min(0.2, left))
        return True

    def display_updates(self, display_id):
        """Every update_display_data for `display_id` read so far, whatever its parent: (parent msg_id, text/plain)."""
        return [(m["parent_header"].get("msg_id"), m["content"]["data"].get("text/plain", ""))
                for m in self.iopub_log if m["msg_type"] == "update_display_data"
                and m["content"].get("transient", {}).get("display_id") == display_id]

    def interrupt(self):
        self.km.interrupt_kernel()

    def shutdown(self):
        """Asks the kernel to shut down (a dead kernel is just cleaned up)."""
        try:
            self.kc.stop_channels()
        finally:
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=not self.km.is_alive())


class _Pid(int):
    """A pid that can also be called, for tests written against `kernel.pid()`."""

    def __call__(self):
        return int(self)


def process_table():
    """{pid: (ppid, args)} of every process on the machine."""
    out = subprocess.run(["ps", "-eo", "pid=,ppid=,args="], capture_output=True, text=True, check=True).stdout
    table = {}
    for line in out.splitlines():
        fields = line.split(None, 2)
        if len(fields) >= 2:
            table[int(fields[0])] = (int(fields[1]), fields[2] if len(fields) > 2 else "")
    return table


def worker_processes(kernel_pid):
    """{pid: args} of the jpool workers whose parent is `kernel_pid`."""
    return {pid: args for pid, (ppid, args) in process_table().items()
            if ppid == kernel_pid and WORKER_MAIN in args}


def worker_socket(args):
    """The socket path argument of a worker command line (`... WorkerMain SOCKET ID`)."""
    fields = args.split()
    i = fields.index(WORKER_MAIN)
    return fields[i + 1]


def workers_with_socket(socket_paths):
    """{pid: args} of every WorkerMain process (whoever its parent now is) connected to one of `socket_paths`."""
    found = {}
    for pid, (_, args) in process_table().items():
        if WORKER_MAIN in args:
            try:
                if worker_socket(args) in socket_paths:
                    found[pid] = args
            except (ValueError, IndexError):
                pass
    return found


def pid_alive(pid):
    """True while `pid` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


# ---- pytest fixtures (import them into a test module: `from kernel_helpers import kernel, fresh_kernel`) ----

try:
    import pytest
except ImportError:  # the helpers work without pytest too
    pytest = None

if pytest is not None:
    @pytest.fixture(scope="module")
    def kernel():
        """One kernel shared by the tests of a module (tests must leave it usable)."""
        k = Kernel()
        try:
            yield k
        finally:
            k.shutdown()

    @pytest.fixture
    def fresh_kernel():
        """A kernel of its own, for tests that kill, restart or shut it down."""
        k = Kernel()
        try:
            yield k
        finally:
            try:
                k.shutdown()
            except Exception:
                pass

    @pytest.fixture
    def cleanup(kernel):
        """Names of pools a test created; each is terminated afterwards, whatever the test did."""
        names = []
        yield names
        for n in names:
            kernel.execute(f'try {{ {n}.terminate(); }} catch (Throwable t) {{ }}')
