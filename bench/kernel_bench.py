#!/usr/bin/env python3
"""jpool as a kernel vs Debian's ipykernel (python3-ipykernel), side by side in one run.

Run with Debian's Python (it has jupyter_client and ipykernel):
    PYDEVD_DISABLE_FILE_VALIDATION=1 /usr/bin/python3 -Xfrozen_modules=off bench/kernel_bench.py [--quick] [--reps N]
The jpool kernelspec must be installed (install/install.sh) and so must ipykernel's `python3` (python3-ipykernel
ships it; otherwise `/usr/bin/python3 -m ipykernel install --user`); --jpool NAME / --python NAME pick others.

Per repetition, for each kernel in turn (jpool, ipykernel, jpool, ipykernel, ... so machine load hits both alike):
  * start: KernelManager.start_kernel() to the first kernel_info_reply received (the kernel_info_request is sent
    right after start_kernel returns; ZeroMQ queues it until the kernel binds its shell socket);
  * first cell: start to the first `1 + 1` done (iopub idle for it), i.e. start + first execution;
  * first pool result: right after that cell, a cell that makes a pool of 2 and maps 3 items (jpool: `new Pool(2)`
    and `map`; ipykernel: `multiprocessing.Pool(2)` and `map` with its default start method), timed from the start
    to that cell's execute_reply: what opening a notebook and running its first pool cell costs;
  * cell round trip after warm-up (WARMUP executes of `1 + 1`, then ROUNDS measured): execute_request sent to
    execute_reply received, and to the kernel's iopub `status: idle` for that request;
  * shutdown: KernelManager.request_shutdown() (shutdown_request on the control channel) to the kernel process's
    exit (Popen.wait; shutdown_kernel() itself would poll every 0.1 s).
  * memory: after the warm cells, the proportional set size (PSS, from /proc/PID/smaps_rollup: shared pages split
    between the processes that map them) of the kernel and every process under it: the pool's 2 workers and, for
    jpool, its spare workers (JPOOL_SPARES=0 turns them off);
Start and shutdown: median and best over the repetitions; round trips: median and best over all measured cells.
Prints a markdown table; ratio = ipykernel time / jpool time, so > 1 means jpool is faster. Not a test: the
numbers depend on the machine and its load (printed with them).

The client side is plain synchronous ZeroMQ sockets from jupyter_client's KernelManager (connect_shell /
connect_iopub) and its Session, with a 10 ms reconnect interval (ZeroMQ's default 100 ms would round start times
up to the next retry), so the client adds the same small, fixed cost to both kernels.
"""
import argparse
import os
import statistics
import sys
import time

import jupyter_client
import zmq
from jupyter_client.kernelspec import NoSuchKernel

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--quick", action="store_true", help="3 repetitions, 50 measured cells")
ap.add_argument("--reps", type=int, help="repetitions per kernel (default 7; --quick: 3)")
ap.add_argument("--rounds", type=int, help="measured cells per repetition (default 200; --quick: 50)")
ap.add_argument("--warmup", type=int, default=20, help="unmeasured cells before the measured ones (default 20)")
ap.add_argument("--jpool", default="jpool", help="jpool's kernelspec name (default jpool)")
ap.add_argument("--python", default="python3", help="ipykernel's kernelspec name (default python3)")
ap.add_argument("--without-archive", action="store_true",
                help="also run jpool without its start-up archive (JPOOL_JAVA set to the same java turns it off)")
ARGS = ap.parse_args()
REPS = ARGS.reps or (3 if ARGS.quick else 7)
ROUNDS = ARGS.rounds or (50 if ARGS.quick else 200)
WARMUP = ARGS.warmup
CODE = "1 + 1"
POOL_CELL = {
    "jpool": "Pool pool = new Pool(2);\npool.map(x -> x * x, List.of(1, 2, 3))",
    "ipykernel": "import multiprocessing\npool = multiprocessing.Pool(2)\npool.map(abs, [-1, -2, -3])",
}
TIMEOUT = 120  # seconds for any single step before the run is abandoned


class Client:
    """Synchronous shell + iopub sockets on a started kernel; times execute_reply and iopub idle per request."""

    def __init__(self, km):
        self.session = km.session
        self.shell = km.connect_shell(identity=self.session.bsession)
        self.iopub = km.connect_iopub()
        for s in (self.shell, self.iopub):
            s.setsockopt(zmq.RECONNECT_IVL, 10)
        self.poller = zmq.Poller()
        self.poller.register(self.shell, zmq.POLLIN)
        self.poller.register(self.iopub, zmq.POLLIN)

    def request(self, msg_type, content, want_idle=True, idle_timeout=TIMEOUT):
        """Sends a shell request; returns (t_sent, t_reply, t_idle) in perf_counter seconds.
        t_idle is None when want_idle is False, or when no idle came within idle_timeout after the reply."""
        msg = self.session.msg(msg_type, content)
        msg_id = msg["header"]["msg_id"]
        t_sent = time.perf_counter()
        self.session.send(self.shell, msg)
        t_reply = t_idle = None
        deadline = t_sent + TIMEOUT
        while t_reply is None or (want_idle and t_idle is None):
            now = time.perf_counter()
            if t_reply is not None:
                deadline = min(deadline, t_reply + idle_timeout)
            if now >= deadline:
                if t_reply is None:
                    raise TimeoutError(f"no {msg_type} reply within {TIMEOUT} s")
                break
            for sock, _ in self.poller.poll(int((deadline - now) * 1000) + 1):
                _, m = self.session.recv(sock, mode=zmq.NOBLOCK)
                t = time.perf_counter()
                if m is None or m["parent_header"].get("msg_id") != msg_id:
                    continue
                if sock is self.shell:
                    t_reply = t
                    if m["content"].get("status") == "error":
                        raise RuntimeError(f"{msg_type} failed: {m['content']}")
                elif m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                    t_idle = t
        return t_sent, t_reply, t_idle

    def execute(self, code, **kw):
        return self.request("execute_request", dict(code=code, silent=False, store_history=True,
                                                    user_expressions={}, allow_stdin=False, stop_on_error=True), **kw)

    def wait_iopub(self):
        """Until iopub is connected (ZeroMQ's slow joiner): kernel_info requests until one's idle is seen."""
        for _ in range(200):
            if self.request("kernel_info_request", {}, idle_timeout=0.25)[2] is not None:
                return
        raise TimeoutError("iopub never delivered a status message")

    def close(self):
        self.shell.close(linger=0)
        self.iopub.close(linger=0)


def tree_pss_mb(pid):
    """PSS in MB of process `pid` and all its descendants, and how many processes that is."""
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(d))
    todo, total, n = [pid], 0, 0
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
            n += 1
        except (OSError, StopIteration):
            pass
    return total / 1024, n


def installed_java(name):
    """The java a jpool kernelspec's launch.sh runs (install.sh writes it in)."""
    spec = jupyter_client.kernelspec.get_kernel_spec(name)
    with open(os.path.join(spec.resource_dir, "launch.sh")) as f:
        return next(line.split(":-", 1)[1].rstrip('}"\n') for line in f if line.startswith("java="))


def one_run(name, label):
    out = {}
    km = jupyter_client.KernelManager(kernel_name=name)
    env = dict(os.environ)
    if label == "jpool, no archive":
        env["JPOOL_JAVA"] = installed_java(name)
    t0 = time.perf_counter()
    km.start_kernel(env=env)
    try:
        c = Client(km)
        _, t_info, _ = c.request("kernel_info_request", {}, want_idle=False)
        out["start"] = t_info - t0
        # the first cell: its idle may be lost if iopub is not connected yet, so bound the wait by its reply
        _, t_reply, t_idle = c.execute(CODE, idle_timeout=5)
        out["first_cell"] = (t_idle or t_reply) - t0
        _, t_reply, _ = c.execute(POOL_CELL[label.split(",")[0]], want_idle=False)
        out["first_pool"] = t_reply - t0
        c.wait_iopub()
        for _ in range(WARMUP):
            c.execute(CODE)
        reply, idle = [], []
        for _ in range(ROUNDS):
            t_sent, t_reply, t_idle = c.execute(CODE)
            reply.append(t_reply - t_sent)
            idle.append(t_idle - t_sent)
        out["reply"], out["idle"] = reply, idle
        out["pss"], out["procs"] = tree_pss_mb(km.provisioner.process.pid)
        c.execute("pool.terminate()" + (";" if label.startswith("jpool") else ""))  # ipykernel may hang at
        # shutdown with a live multiprocessing pool
        c.close()
    except BaseException:
        km.shutdown_kernel(now=True)
        raise
    # shutdown_kernel() polls the process every 0.1 s; time the request to the process's exit instead
    proc = km.provisioner.process
    t0 = time.perf_counter()
    km.request_shutdown()
    proc.wait(TIMEOUT)
    out["shutdown"] = time.perf_counter() - t0
    km.shutdown_kernel()  # already gone: only cleans up (connection file, ports)
    return out


def fmt(s):
    return f"{s * 1000:.3g} ms" if s < 1 else f"{s:.3g} s"


def main():
    kernels = {"jpool": ARGS.jpool, "ipykernel": ARGS.python}
    if ARGS.without_archive:
        kernels["jpool, no archive"] = ARGS.jpool
    for label, name in kernels.items():
        try:
            jupyter_client.kernelspec.get_kernel_spec(name)
        except NoSuchKernel:
            sys.exit(f"kernel_bench: no kernelspec '{name}' for {label} (see the docstring: install/install.sh, "
                     "/usr/bin/python3 -m ipykernel install --user)")
    print(f"cpus: {os.cpu_count()}, repetitions: {REPS}, cells: {WARMUP} warm-up + {ROUNDS} measured per "
          f"repetition, load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    res = {k: {"start": [], "first_cell": [], "first_pool": [], "reply": [], "idle": [], "shutdown": [], "pss": [],
               "procs": []} for k in kernels}
    for rep in range(REPS):
        for label, name in kernels.items():
            r = one_run(name, label)
            for key, v in r.items():
                (res[label][key].extend if isinstance(v, list) else res[label][key].append)(v)
            print(f"  rep {rep + 1}/{REPS} {label}: start {fmt(r['start'])}, first cell {fmt(r['first_cell'])}, "
                  f"cell idle median {fmt(statistics.median(r['idle']))}, shutdown {fmt(r['shutdown'])}, "
                  f"memory {r['pss']:.0f} MB in {r['procs']} processes",
                  file=sys.stderr, flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    rows = [
        ("kernel start to kernel_info_reply", "start"),
        ("kernel start to first `1 + 1` done (iopub idle)", "first_cell"),
        ("kernel start to first pool result (`1 + 1`, then a pool of 2 mapping 3 items)", "first_pool"),
        ("warm `1 + 1`: execute_request to execute_reply", "reply"),
        ("warm `1 + 1`: execute_request to iopub idle", "idle"),
        ("shutdown_request to process exit", "shutdown"),
    ]
    print()
    print("| measure | jpool median | ipykernel median | ratio | jpool best | ipykernel best | ratio |")
    print("|---|---|---|---|---|---|---|")
    for label, key in rows:
        j, p = res["jpool"][key], res["ipykernel"][key]
        jm, pm, jb, pb = statistics.median(j), statistics.median(p), min(j), min(p)
        print(f"| {label} | {fmt(jm)} | {fmt(pm)} | {pm / jm:.2f}x | {fmt(jb)} | {fmt(pb)} | {pb / jb:.2f}x |")
        if ARGS.without_archive:
            n = res["jpool, no archive"][key]
            print(f"| ... jpool without its start-up archive | {fmt(statistics.median(n))} | | "
                  f"{pm / statistics.median(n):.2f}x | {fmt(min(n))} | | {pb / min(n):.2f}x |")
    pss = {k: statistics.median(res[k]["pss"]) for k in kernels}
    procs = {k: statistics.median(res[k]["procs"]) for k in kernels}
    print(f"| memory after the session (PSS of the kernel and its {procs['jpool']:.0f} / {procs['ipykernel']:.0f} "
          f"processes: pool of 2, jpool's spares) | {pss['jpool']:.0f} MB | {pss['ipykernel']:.0f} MB | "
          f"{pss['ipykernel'] / pss['jpool']:.2f}x | | | |")
    print(f"ratio = ipykernel time / jpool time (> 1: jpool is faster). Start and shutdown: {REPS} repetitions; "
          f"warm cells: {REPS * ROUNDS} per kernel.")
    for label in kernels:
        early = sum(i < r for r, i in zip(res[label]["reply"], res[label]["idle"]))
        print(f"{label}: iopub idle arrived before execute_reply in {early} of {len(res[label]['idle'])} warm cells "
              "(two sockets: the arrival order is not defined).")


if __name__ == "__main__":
    main()
