#!/usr/bin/env python3
"""What a checkpoint costs, side by side in one kernel: the same map with and without `pool.checkpoint(NAME)`.

Run with Debian's Python:  /usr/bin/python3 bench/checkpoint_bench.py [--rounds=N] [--kernel=NAME]
Measures (ratios = checkpointed time / plain time, so 1.0 means free):
  - a warm map of 20,000 no-op items (default chunks): plain, checkpointed into an empty store (every outcome
    written), and checkpointed with every outcome already stored (nothing computed);
  - the 8-topic grid search of notebooks/03-pool.ipynb (its cells up to the one tagged 'topics' are run first).
Rounds alternate plain and checkpointed; the best of each is reported, and the range over rounds.
Not a test: numbers depend on the machine.
"""
import json
import os
import pathlib
import sys
import tempfile

import jupyter_client

ROUNDS = int(next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--rounds=")), "5"))
KERNEL = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--kernel=")), "jpool")
ROOT = pathlib.Path(__file__).resolve().parents[1]


def run(kc, code, timeout=1800):
    msg_id = kc.execute(code)
    out, result, error = [], None, None
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        t, c = msg["msg_type"], msg["content"]
        if t == "stream":
            out.append(c["text"])
        elif t == "execute_result":
            result = c["data"].get("text/plain")
        elif t == "error":
            error = c["ename"] + ": " + c["evalue"]
        elif t == "status" and c["execution_state"] == "idle":
            return "".join(out), result, error


def main():
    os.environ["JPOOL_CHECKPOINT_DIR"] = tempfile.mkdtemp(prefix="jpool-ckpt-bench-")
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name=KERNEL, startup_timeout=120)
    try:
        nb = json.loads((ROOT / "notebooks" / "03-pool.ipynb").read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"])
            if not src.lstrip().startswith("%"):
                run(kc, src)
            if "topics" in cell.get("metadata", {}).get("tags", []):
                break
        _, _, err = run(kc, """
            import jpool.checkpoint.Checkpoints;
            Pool bp = new Pool(2);
            List<Integer> items = java.util.stream.IntStream.range(0, 20_000).boxed().toList();
            double ms(Runnable r) { long t = System.nanoTime(); r.run(); return (System.nanoTime() - t) / 1e6; }
            for (int i = 0; i < 500; i++) bp.map(x -> x, items);
            for (int i = 0; i < 20; i++) { Checkpoints.clear("noop"); bp.checkpoint("noop").map(x -> x, items); }
        """)
        assert err is None, err
        rows = {"noop plain": [], "noop checkpointed (all written)": [], "noop checkpointed (all stored)": [],
                "grid plain": [], "grid checkpointed (all written)": []}
        for _ in range(ROUNDS):
            out, _, err = run(kc, """
                double plain = ms(() -> bp.map(x -> x, items));
                Checkpoints.clear("noop");
                double written = ms(() -> bp.checkpoint("noop").map(x -> x, items));
                double stored = ms(() -> bp.checkpoint("noop").map(x -> x, items));
                System.out.println("RESULT " + plain + " " + written + " " + stored);
            """)
            assert err is None, err
            plain, written, stored = map(float, out.split("RESULT ")[1].split())
            rows["noop plain"].append(plain)
            rows["noop checkpointed (all written)"].append(written)
            rows["noop checkpointed (all stored)"].append(stored)
        for _ in range(max(1, ROUNDS // 2)):
            out, _, err = run(kc, """
                double gridPlain = ms(() -> bp.map(t -> gridSearch(t), topics, 1));
                Checkpoints.clear("grid");
                double gridChecked = ms(() -> bp.checkpoint("grid").map(t -> gridSearch(t), topics, 1));
                System.out.println("RESULT " + gridPlain + " " + gridChecked);
            """)
            assert err is None, err
            plain, checked = map(float, out.split("RESULT ")[1].split())
            rows["grid plain"].append(plain)
            rows["grid checkpointed (all written)"].append(checked)
        run(kc, "bp.close();")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(f"{'measure':40} {'best ms':>10} {'all rounds (ms)':>30}   ratio to plain (best; range)")
    for name, times in rows.items():
        base = rows["grid plain" if name.startswith("grid") else "noop plain"]
        ratios = [t / b for t, b in zip(times, base)]
        print(f"{name:40} {min(times):10.1f} {', '.join(f'{t:.1f}' for t in times):>30}   "
              f"{min(times) / min(base):.2f}x; {min(ratios):.2f}-{max(ratios):.2f}x")


if __name__ == "__main__":
    main()
