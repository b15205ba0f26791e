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


# --- 2. the worker socket before authentication -----------------------------------------------------------------

def worker_socket_of(k):
    """Starts a pool of one worker in `k` (kept as `pool`) and returns the kernel's worker socket path."""
    from kernel_helpers import worker_socket

    spares = int(k.ok("Math.min(jpool.workers.Workers.spareLimit(), Runtime.getRuntime().availableProcessors())").result)
    k.ok("Pool pool = new Pool(1);")
    assert k.ok("pool.apply(x -> x * 2, 21)").result == "42"
    # the spare the pool took is replaced once the kernel idles: let that happen before a test counts descriptors
    wait_until(lambda: len(worker_processes(k.pid)) >= 1 + spares, 30, "the spares to be refilled")
    workers = worker_processes(k.pid)
    assert workers, "no worker process found"
    return worker_socket(next(iter(workers.values())))


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def closed_by_peer(s, timeout):
    """True when the kernel closes `s` within `timeout` s (reads until EOF or reset)."""
    s.settimeout(timeout)
    try:
        while s.recv(4096):
            pass
        return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def proc_counts(pid):
    threads = int(next(l.split()[1] for l in open(f"/proc/{pid}/status") if l.startswith("Threads:")))
    return threads, len(os.listdir(f"/proc/{pid}/fd"))


def test_pre_auth_oversized_header_garbage_and_lane_frame_are_refused_at_once(logged, tmp_path):
    import struct

    k = logged
    k.ok("int kept = 41;")
    path = worker_socket_of(k)
    shm = Path("/dev/shm") if Path("/dev/shm").is_dir() else tmp_path
    bait = shm / f"jpool-fault-bait-{os.getpid()}"
    bait.write_bytes(b"x" * 4096)
    try:
        probes = {
            "900 MB header": struct.pack(">iB", 900_000_000, 10),
            "random bytes": bytes([0xde, 0xad, 0xbe, 0xef, 0x01, 0x02]),
            "not a hello": struct.pack(">iB", 20, 0x7f) + b"z" * 19,
            # a frame with a shared-memory lane naming a file: flags PARTS|ARRAYS on type HELLO, path = the bait
            "lane frame": struct.pack(">iBii", 200, 10 | 0xC0, 0, 0) + struct.pack(">iBiB", 1, 0, 1024, 1)
                          + struct.pack(">qi", 1, len(str(bait))) + str(bait).encode(),
        }
        for what, data in probes.items():
            started = time.monotonic()
            s = connect(path)
            s.sendall(data)
            assert closed_by_peer(s, 3), f"{what}: connection not closed"
            assert time.monotonic() - started < 3, what
            s.close()
        assert bait.exists() and bait.stat().st_size == 4096, "a file named before authentication was touched"
    finally:
        bait.unlink(missing_ok=True)
    log = k.log()
    assert "frame header announces 900000000 bytes" in log, log
    assert "first frame is not a plain hello" in log, log
    still_works(k)
    assert k.ok("pool.apply(x -> x + 1, 1)").result == "2"


TRAP = """
class Trap implements java.io.Serializable {
    final String marker;
    Trap(String marker) { this.marker = marker; }
    // deserializing a Trap leaves a file naming the process that did it
    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        java.nio.file.Files.writeString(java.nio.file.Path.of(marker), "deserialized in " + ProcessHandle.current().pid());
    }
}
"""


def frame(kind, payload):
    import struct

    return struct.pack(">iB", len(payload) + 1, kind) + payload


def test_a_strangers_serialized_object_is_never_deserialized_before_the_secret(logged, tmp_path):
    k = logged
    k.ok("int kept = 41;")
    path = worker_socket_of(k)
    k.ok(TRAP)
    # the trap is live: a worker's result of this class is deserialized by the kernel, which leaves the file
    control = tmp_path / "control"
    k.ok(f'pool.apply(() -> new Trap("{control}")).marker')
    assert control.read_text() == f"deserialized in {k.pid}"
    # a worker's call that makes the kernel deserialize its argument: new shared object of kind <a Trap>
    stranger = tmp_path / "stranger"
    call = bytes.fromhex(k.ok(f"""
        byte[] trap = jpool.ipc.Serial.write(new Trap("{stranger}")).bytes();
        java.util.HexFormat.of().formatHex(new jpool.ipc.Payload().putLong(1).putString("").putString("new")
            .putInt(1).putBytes(trap).toBytes())""").result.strip('"'))
    hello = bytes.fromhex(k.ok('java.util.HexFormat.of().formatHex(new jpool.ipc.Payload().putString("w99")'
                               '.putString("0".repeat(64)).putLong(ProcessHandle.current().pid()).toBytes())')
                          .result.strip('"'))
    probes = {"call first": frame(16, call), "wrong secret, then a call": frame(10, hello) + frame(16, call)}
    for what, data in probes.items():
        s = connect(path)
        try:
            s.sendall(data)
            assert closed_by_peer(s, 3), f"{what}: connection not closed"
        finally:
            s.close()
    wait_until(lambda: "wrong secret or unknown worker id" in k.log(), 10, "the refusal of the wrong secret")
    log = k.log()
    assert "refused a worker-socket connection before authentication: first frame is not a plain hello (type 16)" in log
    assert "refused a worker-socket connection before authentication: wrong secret or unknown worker id" in log
    assert "Trap" not in log and "ClassCast" not in log, log
    assert not stranger.exists(), stranger.read_text()
    still_works(k)
    assert k.ok("pool.apply(x -> x + 1, 1)").result == "2"


def test_idle_unauthenticated_connections_are_bounded_and_timed_out(logged):
    k = logged
    k.ok("int kept = 41;")
    path = worker_socket_of(k)
    threads_before, fds_before = proc_counts(k.pid)
    conns = [connect(path) for _ in range(200)]
    try:
        # a connection beyond the bound is closed at accept; the rest are kept until the handshake timeout
        wait_until(lambda: proc_counts(k.pid)[1] >= fds_before + 60, 10, "the kernel to accept connections")
        threads, fds = proc_counts(k.pid)
        assert threads <= threads_before + 4, (threads_before, threads)
        assert fds <= fds_before + 64 + 4, (fds_before, fds)
        started = time.monotonic()
        for s in conns:
            assert closed_by_peer(s, 15), "an idle unauthenticated connection was kept open"
        assert time.monotonic() - started < 12
    finally:
        for s in conns:
            s.close()
    wait_until(lambda: proc_counts(k.pid)[1] <= fds_before + 2, 10, "descriptors to be given back")
    assert "no hello within 5 s" in k.log()
    still_works(k)
    assert k.ok("pool.apply(x -> x + 1, 1)").result == "2"
    # a new worker still connects and authenticates
    assert k.ok("try (Pool p2 = new Pool(1)) { p2.apply(x -> x * 3, 5); }").result is None
    assert k.ok("new Pool(1).apply(x -> x * 3, 5)").result == "15"


def heartbeat_answers(info, payload=b"ping"):
    """True when the kernel's heartbeat echoes `payload` within DEFAULT_TIMEOUT s (what a frontend's check does)."""
    import zmq

    s = zmq.Context.instance().socket(zmq.REQ)
    s.linger = 0
    s.connect(f"{info['transport']}://{info['ip']}:{info['hb_port']}")
    try:
        s.send(payload)
        return bool(s.poll(DEFAULT_TIMEOUT * 1000)) and s.recv() == payload
    finally:
        s.close()


def test_garbage_on_the_heartbeat_socket_leaves_heartbeat_and_cells_working(logged):
    import zmq

    k = logged
    k.ok("int kept = 41;")
    info = k.km.get_connection_info()
    sock = zmq.Context.instance().socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(f"{info['transport']}://{info['ip']}:{info['hb_port']}")
    try:
        # a message of many frames (a REP socket cannot answer one read in part), one of no envelope, 64 KiB, empty
        sock.send_multipart([b"", b"garbage"] + [os.urandom(32) for _ in range(40)])
        sock.send_multipart([os.urandom(64)])
        sock.send_multipart([b"", os.urandom(65536)])
        sock.send_multipart([b"", b""])
        echoed = []
        while sock.poll(2000):
            echoed.append(sock.recv_multipart())
    finally:
        sock.close()
    assert heartbeat_answers(info), "the heartbeat stopped answering after garbage"
    assert k.km.is_alive()
    still_works(k)
    assert "died unexpectedly" not in k.log()


def test_burst_of_concurrent_connects_while_a_pool_starts(logged):
    import threading

    k = logged
    k.ok("int kept = 41;")
    path = worker_socket_of(k)
    threads_before, fds_before = proc_counts(k.pid)
    info = k.km.get_connection_info()
    # the pool starts (its workers connect and authenticate) while strangers connect from 8 threads at once
    msg_id = k.kc.execute("Pool p4 = new Pool(4); p4.map(x -> x * x, List.of(1, 2, 3, 4, 5, 6, 7, 8))")
    conns, lock, stop = [], threading.Lock(), threading.Event()

    def flood():
        while not stop.is_set() and len(conns) < 400:
            try:
                s = connect(path)
                s.send(os.urandom(3))  # a header cut short: the kernel waits for the rest until its timeout
            except OSError:
                continue
            with lock:
                conns.append(s)

    flooders = [threading.Thread(target=flood) for _ in range(8)]
    for t in flooders:
        t.start()
    try:
        e = k.collect(msg_id, timeout=120)
        assert e.status == "ok", e
        assert e.result == "[1, 4, 9, 16, 25, 36, 49, 64]"
        threads, fds = proc_counts(k.pid)
    finally:
        stop.set()
        for t in flooders:
            t.join()
    try:
        # four workers' connections and threads, plus at most 64 strangers held by the one accepting thread
        assert threads <= threads_before + 4 * 4 + 8, (threads_before, threads)
        assert fds <= fds_before + 4 * 8 + 64 + 8, (fds_before, fds)
        for s in conns:
            assert closed_by_peer(s, 15), "a stranger's connection was kept open past the handshake timeout"
    finally:
        for s in conns:
            s.close()
    assert heartbeat_answers(info)
    still_works(k)
    assert k.ok("p4.map(x -> x + 1, List.of(1, 2))").result == "[2, 3]"
    assert "died unexpectedly" not in k.log() and "stopped accepting" not in k.log()


# --- 3. a result that is slow to deserialize --------------------------------------------------------------------

NESTED_SETS = """
Set<Object> nestedSets(int depth) {
    Set<Object> root = new HashSet<>(), s1 = root, s2 = new HashSet<>();
    for (int i = 0; i < depth; i++) {
        Set<Object> t1 = new HashSet<>(), t2 = new HashSet<>();
        t1.add("x"); s1.add(t1); s1.add(t2); s2.add(t1); s2.add(t2); s1 = t1; s2 = t2;
    }
    return root;
}
"""


def test_result_nested_sets_60_deep_fails_its_task_and_frees_the_pool(kernel_with_pool):
    k = kernel_with_pool
    k.ok(NESTED_SETS)
    started = time.monotonic()
    out = k.ok("""
try { pool.apply(x -> nestedSets(60), 0); System.out.println("read it?!"); }
catch (RuntimeException e) { System.out.println("failed: " + e); }
""", timeout=120).stdout
    assert "failed: TaskFailed: task failed for input 0: jpool.ipc.ValueRefused:" in out, out
    assert "took more than 2 s to read" in out, out
    assert time.monotonic() - started < 60
    # the same pool answers again, and other tasks were not lost
    assert k.ok("pool.map(x -> x * 2, List.of(1, 2, 3))").result == "[2, 4, 6]"
    still_works(k)


def test_terminate_while_a_slow_result_is_read_frees_the_pool(kernel_with_pool):
    k = kernel_with_pool
    k.ok(NESTED_SETS)
    # the worker returns its result at once; the kernel is reading it (for up to 2 s) when terminate() comes
    out = k.ok("""
var slow = pool.applyAsync(x -> nestedSets(60), 0);
var quick = pool.applyAsync(x -> x + 1, 1);
System.out.println("quick " + quick.get());
long t0 = System.nanoTime();
pool.terminate();
System.out.println("terminated in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
try { slow.get(); System.out.println("read it?!"); } catch (RuntimeException e) { System.out.println("slow: " + e.getClass().getSimpleName()); }
""", timeout=120).stdout
    assert "quick 2" in out, out
    ms = int(out.split("terminated in ")[1].split(" ms")[0])
    assert ms < 5000, out
    assert "slow: " in out and "read it?!" not in out, out
    # the pool's workers are gone; a new pool works, variables are kept
    assert k.ok("Pool fresh = new Pool(1); fresh.map(x -> x * 3, List.of(1, 2))").result == "[3, 6]"
    still_works(k)


DEEP_LISTS = """
List<Object> deepLists(int depth) {
    List<Object> root = new ArrayList<>(), at = root;
    for (int i = 0; i < depth; i++) { List<Object> next = new ArrayList<>(); at.add(next); at = next; }
    return root;
}
"""


@pytest.fixture
def deep_stack_workers():
    # workers with a deep stack, so that they can write a value nested 1,100 deep (the kernel keeps its own)
    k = Kernel(extra_env={"JPOOL_WORKER_OPTS": "-Xss64m"})
    try:
        k.ok("int kept = 41;")
        k.ok("Pool pool = new Pool(2);")
        yield k
    finally:
        k.shutdown()


def test_result_over_the_depth_limit_fails_its_input_only_with_task_failed(deep_stack_workers):
    k = deep_stack_workers
    k.ok(DEEP_LISTS)
    # chunks of one: the over-limit value is one task's result; the other inputs' results must all arrive
    out = k.ok("""
var rs = pool.mapResultsAsync(x -> x == 2 ? (Object) deepLists(1_100) : (Object) (x * 10), List.of(0, 1, 2, 3, 4), 1).get();
for (var o : rs) System.out.println(o.index() + " " + (o.ok() ? "ok " + o.value() : "failed " + o.error()));
""", timeout=120).stdout.splitlines()
    out = [line for line in out if line[:1].isdigit()]  # an error's remote stack trace follows its line
    assert out[:2] == ["0 ok 0", "1 ok 10"] and out[3:] == ["3 ok 30", "4 ok 40"], out
    assert out[2].startswith("2 failed TaskFailed: task failed for input 2: jpool.ipc.ValueRefused:"), out
    # the limit is named: deeper than MAX_DEPTH, or deeper than the kernel's reading stack holds (whichever is first)
    assert "the value was refused: its objects are nested" in out[2], out
    # the same pool answers again
    assert k.ok("pool.map(x -> x + 1, List.of(1, 2))").result == "[2, 3]"
    still_works(k)


@pytest.fixture
def kernel_with_pool():
    k = Kernel()
    try:
        k.ok("int kept = 41;")
        k.ok("Pool pool = new Pool(2);")
        yield k
    finally:
        k.shutdown()


# --- 4. install.sh scopes ---------------------------------------------------------------------------------------

RUN_INSTALLED = r"""
import sys
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel
print("RESOURCE_DIR", KernelSpecManager().get_kernel_spec("jpool").resource_dir, flush=True)
km, kc = start_new_kernel(kernel_name="jpool", startup_timeout=120)
try:
    found = []
    reply = kc.execute_interactive("1 + 1", timeout=120,
                                   output_hook=lambda m: found.append(m["content"]["data"]["text/plain"])
                                   if m["msg_type"] == "execute_result" else None)
    print("STATUS", reply["content"]["status"], "RESULT", found, flush=True)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=False)
"""


def fresh_jupyter_env(base, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER_") and k != "JPOOL_PYTHON"}
    env.update(JUPYTER_DATA_DIR=str(base / "data"), JUPYTER_CONFIG_DIR=str(base / "config"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"), PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.update(extra)
    return env


def install(env, *args):
    done = subprocess.run([str(ROOT / "install" / "install.sh"), *args], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def run_installed(python, env):
    """Starts the kernel the given python's Jupyter finds, runs `1 + 1`; returns (resource dir, stdout)."""
    done = subprocess.run([python, "-c", RUN_INSTALLED], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "STATUS ok RESULT ['2']" in done.stdout, done.stdout + done.stderr
    return next(l.split(" ", 1)[1] for l in done.stdout.splitlines() if l.startswith("RESOURCE_DIR"))


def spec_argv(spec_dir):
    return json.loads((Path(spec_dir) / "kernel.json").read_text())["argv"]


def test_install_user_into_fresh_jupyter_dirs(tmp_path):
    env = fresh_jupyter_env(tmp_path)
    out = install(env, "--user")
    spec = tmp_path / "data" / "kernels" / "jpool"
    assert f"in {spec}" in out and "JUPYTER_PATH" not in out, out
    assert spec_argv(spec)[0] == str(spec / "launch.sh")
    assert run_installed("/usr/bin/python3", env) == str(spec)


def test_install_sys_prefix_into_a_fresh_environment(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    env = fresh_jupyter_env(tmp_path, JPOOL_PYTHON=python)
    out = install(env, "--sys-prefix")
    spec = venv / "share" / "jupyter" / "kernels" / "jpool"
    assert f"in {spec}" in out and "JUPYTER_PATH" not in out, out
    assert spec_argv(spec)[0] == str(spec / "launch.sh")
    env.pop("JPOOL_PYTHON")
    assert run_installed(python, env) == str(spec)


def test_install_prefix_writes_only_its_own_kernelspec_and_names_jupyter_path(tmp_path):
    env = fresh_jupyter_env(tmp_path)
    install(env, "--user")  # another jpool kernelspec, the one Jupyter finds first
    other = tmp_path / "data" / "kernels" / "jpool" / "kernel.json"
    other_before = other.read_bytes()
    prefix = tmp_path / "prefix"
    out = install(env, "--prefix", str(prefix))
    spec = prefix / "share" / "jupyter" / "kernels" / "jpool"
    assert f"in {spec}" in out, out
    assert f"export JUPYTER_PATH={prefix}/share/jupyter" in out, out
    assert spec_argv(spec)[0] == str(spec / "launch.sh"), "kernel.json still has @SPEC@ or names another kernelspec"
    assert other.read_bytes() == other_before, "install --prefix rewrote another jpool kernelspec"
    # started the way the message says, from fresh Jupyter dirs: the prefix's kernelspec runs
    env = fresh_jupyter_env(tmp_path / "fresh", JUPYTER_PATH=f"{prefix}/share/jupyter")
    assert run_installed("/usr/bin/python3", env) == str(spec)


def uninstall(env, *args):
    return subprocess.run([str(ROOT / "install" / "uninstall.sh"), *args], env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("scope", ["--user", "--sys-prefix", "--prefix"])
def test_uninstall_removes_only_its_own_scopes_kernelspec(tmp_path, scope):
    venv = tmp_path / "venv"
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    prefix = tmp_path / "prefix"
    env = fresh_jupyter_env(tmp_path, JPOOL_PYTHON=python)
    specs = {"--user": tmp_path / "data" / "kernels" / "jpool",
             "--sys-prefix": venv / "share" / "jupyter" / "kernels" / "jpool",
             "--prefix": prefix / "share" / "jupyter" / "kernels" / "jpool"}
    for s in specs:
        install(env, *([s, str(prefix)] if s == "--prefix" else [s]))
    assert all((d / "kernel.json").is_file() for d in specs.values())
    args = [scope, str(prefix)] if scope == "--prefix" else [scope]
    done = uninstall(env, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Removed kernel 'jpool' from {specs[scope]}" in done.stdout, done.stdout
    assert not specs[scope].exists()
    for s, d in specs.items():
        if s != scope:
            assert (d / "kernel.json").is_file(), f"uninstall.sh {scope} removed the {s} kernelspec"
    again = uninstall(env, *args)
    assert again.returncode == 1 and "no jpool kernelspec in" in again.stderr, again.stderr
    assert len(again.stderr.strip().splitlines()) == 1, again.stderr
    # what is left still starts: the kernelspec Jupyter now finds runs 1 + 1
    env.pop("JPOOL_PYTHON")
    if scope != "--prefix":
        env["JUPYTER_PATH"] = f"{prefix}/share/jupyter"
    left = run_installed(python, env)
    assert left != str(specs[scope]) and Path(left) in specs.values()


def test_uninstall_leaves_a_jpool_kernelspec_it_did_not_write(tmp_path):
    env = fresh_jupyter_env(tmp_path)
    spec = tmp_path / "data" / "kernels" / "jpool"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({"argv": ["python3", "-m", "mykernel", "-f", "{connection_file}"],
                                                  "display_name": "someone else's", "language": "java"}))
    done = uninstall(env)
    assert done.returncode == 1 and "was not written by install.sh" in done.stderr, done.stderr
    assert (spec / "kernel.json").is_file()
    bad = uninstall(env, "--prefix")
    assert bad.returncode == 2 and "--prefix needs a directory" in bad.stderr, bad.stderr


# --- 5. exit through reflection or method handles ----------------------------------------------------------------

MT = "java.lang.invoke.MethodType.methodType(void.class, int.class)"
LOOKUP = "java.lang.invoke.MethodHandles.lookup()"
REFLECTIVE_EXITS = {
    "Method.invoke System.exit": 'System.class.getMethod("exit", int.class).invoke(null, 0);',
    "Method.invoke Runtime.halt": 'Runtime.class.getMethod("halt", int.class).invoke(Runtime.getRuntime(), 0);',
    "Method.invoke of Method.invoke": 'java.lang.reflect.Method.class.getMethod("invoke", Object.class, Object[].class)'
                                      '.invoke(System.class.getMethod("exit", int.class), null, new Object[]{0});',
    "findStatic": f'{LOOKUP}.findStatic(System.class, "exit", {MT}).invoke(0);',
    "findVirtual": f'{LOOKUP}.findVirtual(Runtime.class, "exit", {MT}).invoke(Runtime.getRuntime(), 0);',
    "unreflect": f'{LOOKUP}.unreflect(System.class.getMethod("exit", int.class)).invoke(0);',
    "bind": f'{LOOKUP}.bind(Runtime.getRuntime(), "halt", {MT}).invoke(0);',
    "findVirtual of findStatic": f'var l = {LOOKUP}; ((java.lang.invoke.MethodHandle) l.findVirtual('
                                 'java.lang.invoke.MethodHandles.Lookup.class, "findStatic", '
                                 'java.lang.invoke.MethodType.methodType(java.lang.invoke.MethodHandle.class, Class.class,'
                                 f' String.class, java.lang.invoke.MethodType.class)).invoke(l, System.class, "exit", {MT}))'
                                 '.invoke(0);',
    "method reference": "java.util.function.IntConsumer c = System::exit; c.accept(0);",
}


def test_exit_through_reflection_and_method_handles_is_refused(kernel_with_pool):
    k = kernel_with_pool
    pid = k.pid
    for what, code in REFLECTIVE_EXITS.items():
        e = k.execute(code)
        assert e.status == "error", f"{what}: {e}"
        assert "was blocked: it would end the kernel" in e.error_text(), f"{what}: {e.error_text()}"
        assert pid_alive(pid), what
    still_works(k)
    # ordinary reflection still works, also on the notebook's own classes
    k.ok("class Secret { private int v() { return 5; } }")
    assert k.ok('var m = Secret.class.getDeclaredMethod("v"); m.setAccessible(true); (int) m.invoke(new Secret())').result == "5"
    assert k.ok('(int) Math.class.getMethod("max", int.class, int.class).invoke(null, 3, 4)').result == "4"
    assert k.ok(f'(int) {LOOKUP}.findStatic(Math.class, "abs", java.lang.invoke.MethodType.methodType(int.class, int.class))'
                '.invokeExact(-3)').result == "3"
    # in a worker the reflective exit ends only that worker, with its status
    assert k.ok('var p = new Proc(() -> System.class.getMethod("exit", int.class).invoke(null, 3)); '
                'p.start(); p.join(); p.exitCode()').result == "3"
    assert k.ok("pool.apply(x -> x + 1, 1)").result == "2"


def test_an_unguarded_exit_route_is_named_in_the_log_and_leaves_no_workers(logged):
    """java.beans.Statement reaches Runtime.exit inside the JDK, where no cell call can be rewritten: README says so.
    The kernel then ends with a log line naming the cell, and its workers end with it."""
    k = logged
    k.ok("Pool pool = new Pool(1);")
    assert k.ok("pool.apply(x -> x, 1)").result == "1"
    workers = list(worker_processes(k.pid))
    assert workers
    k.kc.execute('new java.beans.Statement(Runtime.getRuntime(), "exit", new Object[]{0}).execute();')
    wait_until(lambda: not pid_alive(k.pid), 60, "the kernel to exit")
    wait_until(lambda: not any(pid_alive(p) for p in workers), 30, "its workers to exit")
    assert "the kernel is exiting because code in a cell ended the JVM" in k.log(), k.log()


# --- 6. temporary directories -----------------------------------------------------------------------------------

def kernel_dirs(tmp):
    return sorted(p.name for p in Path(tmp).iterdir() if p.name.startswith("jpool-"))


def test_temp_dirs_are_removed_at_shutdown_and_swept_when_their_kernel_is_dead(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"JPOOL_JAVA_OPTS": f"-Djava.io.tmpdir={tmp}"}
    # left behind by kernels that are gone: one with a dead pid, one of an older jpool whose socket nobody serves;
    # kept: one whose kernel (this test process stands in for it) is alive, and a jpool-tests-* scratch dir
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp / "jpool-111").mkdir()
    (tmp / "jpool-111" / "kernel.pid").write_text(f"{dead.pid} 0\n")
    (tmp / "jpool-111" / "worker-1.log").write_text("old output\n")
    (tmp / "jpool-222").mkdir()
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(tmp / "jpool-222" / "kernel.sock"))
    stale.close()
    (tmp / "jpool-333").mkdir()
    (tmp / "jpool-333" / "kernel.pid").write_text(f"{os.getpid()} 0\n")
    (tmp / "jpool-tests-keep").mkdir()

    k = Kernel(extra_env=env)
    try:
        # the new kernel's own directory may be there already (its spare workers start with it): look at the others
        wait_until(lambda: not {"jpool-111", "jpool-222"} & set(kernel_dirs(tmp)), 30, "dead kernels' dirs to be swept")
        assert {"jpool-333", "jpool-tests-keep"} <= set(kernel_dirs(tmp)), kernel_dirs(tmp)
        k.ok("Pool pool = new Pool(1);")
        assert k.ok("pool.apply(x -> x + 1, 1)").result == "2"
        assert k.ok("int kept = 41;") and k.ok("1 + 1").result == "2"
        mine = [d for d in kernel_dirs(tmp) if d not in ("jpool-333", "jpool-tests-keep")]
        assert len(mine) == 1 and (tmp / mine[0] / "kernel.sock").exists(), kernel_dirs(tmp)
        pid = k.pid
    finally:
        k.shutdown()
    wait_until(lambda: not pid_alive(pid), 30, "the kernel to exit")
    assert kernel_dirs(tmp) == ["jpool-333", "jpool-tests-keep"], "the kernel's own directory was left behind"

    # a kernel killed with SIGKILL leaves its directory; the next kernel sweeps it
    k = Kernel(extra_env=env)
    try:
        k.ok("Pool pool = new Pool(1);")
        assert k.ok("pool.apply(x -> x + 1, 1)").result == "2"
        left = [d for d in kernel_dirs(tmp) if d not in ("jpool-333", "jpool-tests-keep")]
        os.kill(k.pid, 9)
        wait_until(lambda: not pid_alive(k.pid), 30, "the killed kernel to be gone")
        assert all((tmp / d).exists() for d in left)
    finally:
        k.shutdown()
    k = Kernel(extra_env=env)
    try:
        wait_until(lambda: not any((tmp / d).exists() for d in left), 30, "the killed kernel's dir to be swept")
        still_works_plain(k)
    finally:
        k.shutdown()
    assert kernel_dirs(tmp) == ["jpool-333", "jpool-tests-keep"]


def still_works_plain(k):
    assert k.ok("1 + 1").result == "2"


# --- 7. map over an endless Iterable ----------------------------------------------------------------------------

ENDLESS = """
Iterable<Integer> endless(long pauseNanos) {
    return () -> new Iterator<Integer>() {
        public boolean hasNext() { return true; }
        public Integer next() { if (pauseNanos > 0) java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos); return 7; }
    };
}
"""


@pytest.fixture
def small_heap_kernel(tmp_path):
    # checkpoints into the test's own folder, not the folder the tests run from
    k = Kernel(extra_env={"JPOOL_JAVA_OPTS": "-Xmx256m", "JPOOL_CHECKPOINT_DIR": str(tmp_path / "checkpoints")})
    try:
        k.ok("int kept = 41;")
        k.ok("Pool pool = new Pool(1);")
        k.ok(ENDLESS)
        yield k
    finally:
        k.shutdown()


def test_map_of_an_endless_iterable_fails_early_pointing_to_imap(small_heap_kernel):
    k = small_heap_kernel
    e = k.execute("pool.map(x -> x + 1, endless(0))", timeout=120)
    assert e.status == "error", e
    text = e.error_text()
    assert "map read" in text and "the inputs are endless or too many to hold at once" in text and "pool.imap" in text, text
    assert "OutOfMemoryError" not in text
    e = k.execute("%%pool -n 1 --map endless(0)\nit * 2", timeout=120)
    assert e.status == "error" and "%%pool --map read" in e.error_text(), e
    # the heap was given back: the same kernel maps, keeps its variables, and imap over the endless input works
    assert k.ok("pool.map(x -> x + 1, List.of(1, 2, 3))").result == "[2, 3, 4]"
    assert k.ok("var it = pool.imap(x -> x + 1, endless(0)).iterator(); it.next() + it.next()").result == "16"
    still_works(k)


def test_interrupt_during_the_read_of_an_endless_iterable_answers_within_a_second(small_heap_kernel):
    k = small_heap_kernel
    started = []
    msg_id = k.kc.execute('System.out.println("reading"); pool.map(x -> x, endless(100_000))')
    k.wait_for(lambda: "reading" in "".join(m["content"].get("text", "") for m in k.by_parent.get(msg_id, [])
                                             if m["msg_type"] == "stream"), 60, "the cell to start reading")
    t0 = time.monotonic()
    k.interrupt()
    e = k.collect(msg_id, timeout=30)
    elapsed = time.monotonic() - t0
    assert e.status == "error", e
    assert elapsed < 1.0, f"interrupt took {elapsed:.2f} s"
    still_works(k)
    assert k.ok("pool.apply(x -> x + 1, 1)").result == "2"


ENDLESS_PAIRS = """
Iterable<Map.Entry<Integer, Integer>> endlessPairs(long pauseNanos) {
    return () -> new Iterator<Map.Entry<Integer, Integer>>() {
        public boolean hasNext() { return true; }
        public Map.Entry<Integer, Integer> next() {
            if (pauseNanos > 0) java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
            return Map.entry(3, 4);
        }
    };
}
"""


@pytest.mark.parametrize("call", ["pool.starmap", 'pool.checkpoint("endless-pairs").starmap'])
def test_starmap_of_endless_pairs_fails_early_pointing_to_imap(small_heap_kernel, call):
    k = small_heap_kernel
    k.ok(ENDLESS_PAIRS)
    e = k.execute(f"{call}((a, b) -> a * b, endlessPairs(0))", timeout=120)
    assert e.status == "error", e
    text = e.error_text()
    assert "starmap read" in text and "endless or too many to hold at once" in text and "pool.imap" in text, text
    assert "OutOfMemoryError" not in text
    # the heap was given back: the same starmap over a finite list works, variables are kept
    assert k.ok(f"{call}((a, b) -> a * b, List.of(Map.entry(2, 3), Map.entry(4, 5)))").result == "[6, 20]"
    still_works(k)


def test_interrupt_during_the_read_of_endless_starmap_pairs_answers_within_a_second(small_heap_kernel):
    k = small_heap_kernel
    k.ok(ENDLESS_PAIRS)
    msg_id = k.kc.execute('System.out.println("reading"); pool.starmap((a, b) -> a * b, endlessPairs(100_000))')
    k.wait_for(lambda: "reading" in "".join(m["content"].get("text", "") for m in k.by_parent.get(msg_id, [])
                                             if m["msg_type"] == "stream"), 60, "the cell to start reading")
    t0 = time.monotonic()
    k.interrupt()
    e = k.collect(msg_id, timeout=30)
    elapsed = time.monotonic() - t0
    assert e.status == "error", e
    assert elapsed < 1.0, f"interrupt took {elapsed:.2f} s"
    still_works(k)
    assert k.ok("pool.starmap((a, b) -> a + b, List.of(Map.entry(1, 1)))").result == "[2]"


@pytest.mark.parametrize("content, why", [
    ({"code": {"a": 1}}, "content.code is an object, expected a string"),
    ({"silent": False}, "content.code is missing, expected a string"),
    ({"code": "1", "silent": "no"}, "content.silent is a string, expected a boolean"),
    ([1], "execute_request JSON could not be parsed"),
], ids=["code-object", "code-missing", "silent-string", "content-list"])
def test_request_with_unusable_content_gets_an_error_reply_and_nothing_runs(logged, content, why):
    import zmq
    from jupyter_client.session import Session

    k = logged
    k.ok("int kept = 41;")
    count = k.ok("1").reply["execution_count"]
    info = k.km.get_connection_info()
    session = Session(key=info["key"], signature_scheme=info["signature_scheme"])
    sock = zmq.Context.instance().socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
    try:
        header = {"msg_id": "bad-content", "msg_type": "execute_request", "session": "s", "username": "u",
                  "date": "2026-01-01T00:00:00Z", "version": "5.3"}
        frames = [json.dumps(x).encode() for x in (header, {}, {}, content)]
        sock.send_multipart([b"<IDS|MSG>", session.sign(frames)] + frames)
        assert sock.poll(DEFAULT_TIMEOUT * 1000), "no error reply"
        _, reply_frames = session.feed_identities(sock.recv_multipart())
        reply = session.deserialize(reply_frames)
    finally:
        sock.close()
    assert reply["msg_type"] == "execute_reply" and reply["parent_header"]["msg_id"] == "bad-content"
    assert reply["content"]["status"] == "error" and why in reply["content"]["evalue"], reply["content"]
    assert why in k.log()
    still_works(k)
    assert k.ok("2").reply["execution_count"] == count + 3  # 1 + 1, kept + 1, 2: the bad request ran nothing
