"""End to end in JupyterLab 3.6 in a real browser. Debian has jupyter_server 1.23 and jupyterlab_server 2.16 but no
JupyterLab front end, so the test builds a minimal one from the JupyterLab 3.6 packages on npm (tests/browser/lab/:
the core application and the extensions a notebook needs, bundled by esbuild in about a second) into target/lab/,
where node_modules stay between runs (npm ci again only when package-lock.json changes). tests/browser/lab/lab_app.py
serves it through jupyterlab_server's LabServerApp; tests/browser/lab_test.mjs drives Debian's Chromium with
Playwright: a cell run with Shift+Enter, Tab completion, the Shift+Tab tooltip, a %%pool cell's board reaching
data-state="final", an interrupt from the Kernel menu. Screenshots land in target/browser/.

Skips (does not fail) only when npm has to install packages and the npm registry cannot be reached.
"""
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import magics_kernel  # noqa: F401  (isolates Jupyter and installs the kernelspec when run on its own)

ROOT = Path(__file__).resolve().parents[2]
BROWSER_DIR = ROOT / "tests" / "browser"
LAB_SRC = BROWSER_DIR / "lab"
LAB_CACHE = ROOT / "target" / "lab"  # node_modules (kept between runs) and the built front end
SCREENSHOTS = ROOT / "target" / "browser"
CHROMIUM = "/usr/bin/chromium"
PYTHON = "/usr/bin/python3"  # Debian's Jupyter
NODE = shutil.which("node")
NPM = shutil.which("npm")
ITEMS = 12


def lab_server_missing():
    proc = subprocess.run([PYTHON, "-c", "import jupyter_server, jupyterlab_server"], capture_output=True)
    return proc.returncode != 0


pytestmark = [
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
    pytest.mark.skipif(NODE is None or NPM is None, reason="node/npm are missing"),
    pytest.mark.skipif(lab_server_missing(), reason="jupyter_server/jupyterlab_server are missing "
                       "(apt-get install python3-jupyter-server python3-jupyterlab-server)"),
]

POOL_CELL = (f"%%pool --map IntStream.range(0, {ITEMS}).boxed().toList() --as k --out squares\n"
             "long end = System.nanoTime() + 300_000_000L;  // 0.3 s of work per element\n"
             "long spins = 0;\n"
             "while (System.nanoTime() < end) spins++;\n"
             "(long) k * k")
# in the order tests/browser/lab_test.mjs expects them
CELLS = ["int x = 6 * 7; x", '"abc".len', '"abc".c', "Math.max(", POOL_CELL, "Thread.sleep(60000)", "x + 1"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def npm_ci(directory, what):
    """`npm ci` in `directory`; skips the test when it fails because the npm registry is unreachable."""
    try:
        proc = subprocess.run([NPM, "ci", "--no-audit", "--no-fund"], cwd=directory, capture_output=True, text=True,
                              timeout=600)
        if proc.returncode == 0:
            return
        failure = f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    except subprocess.TimeoutExpired:
        failure = "npm ci did not finish in 600 s"
    try:
        ping = subprocess.run([NPM, "ping"], cwd=directory, capture_output=True, text=True, timeout=120)
        errors = [line for line in (ping.stderr + ping.stdout).splitlines() if "Error" in line or "code" in line]
        unreachable = None if ping.returncode == 0 else " / ".join(errors[:2]) or f"exit {ping.returncode}"
    except subprocess.TimeoutExpired:
        unreachable = "no answer in 120 s"
    if unreachable:
        pytest.skip(f"the npm registry is unreachable, so {what} cannot be installed (npm ping: {unreachable})")
    pytest.fail(f"npm ci for {what} failed:\n{failure}")


@pytest.fixture(scope="module")
def playwright():
    """tests/browser/node_modules with playwright-core, installed from package-lock.json when missing."""
    if not (BROWSER_DIR / "node_modules" / "playwright-core" / "package.json").exists():
        npm_ci(BROWSER_DIR, "playwright-core")


@pytest.fixture(scope="module")
def lab_build():
    """target/lab/build: the front end of tests/browser/lab/, built anew each run on node_modules kept between runs."""
    LAB_CACHE.mkdir(parents=True, exist_ok=True)
    lock = (LAB_SRC / "package-lock.json").read_bytes()
    stamp = LAB_CACHE / "node_modules" / ".jpool-package-lock.sha256"
    digest = hashlib.sha256(lock).hexdigest()
    for name in ("package.json", "package-lock.json", "build.mjs", "index.js"):
        shutil.copy2(LAB_SRC / name, LAB_CACHE / name)
    if not stamp.exists() or stamp.read_text() != digest:
        npm_ci(LAB_CACHE, "JupyterLab 3.6's packages")
        stamp.write_text(digest)
    proc = subprocess.run([NODE, "build.mjs"], cwd=LAB_CACHE, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"building the JupyterLab front end failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    build = LAB_CACHE / "build"
    assert (build / "static" / "bundle.js").exists() and (build / "schemas" / "@jupyterlab").is_dir()
    return build


class LabServer:
    """tests/browser/lab/lab_app.py (jupyter_server + LabServerApp) on a free localhost port, with a random token."""

    def __init__(self, build, root_dir, state_dir, log_path):
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "w")
        env = dict(os.environ, JPOOL_LAB_BUILD=str(build), JPOOL_LAB_STATE=str(state_dir))
        self.proc = subprocess.Popen(
            [PYTHON, str(LAB_SRC / "lab_app.py"), "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
             f"--ServerApp.token={self.token}", f"--ServerApp.root_dir={root_dir}", "--ServerApp.port_retries=0"]
            + (["--allow-root"] if os.geteuid() == 0 else []),  # CI and the dev machines run as root
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            assert self.proc.poll() is None, f"the lab server exited: {self.log_text()}"
            try:
                self.api("GET", "/api/status")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"the lab server did not answer on {self.url}: {self.log_text()}")
                time.sleep(0.3)

    def log_text(self):
        self.log.flush()
        return Path(self.log.name).read_text()[-3000:]

    def api(self, method, path, body=None):
        headers = {"Authorization": f"token {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(req, timeout=60) as resp:
            text = resp.read().decode()
            return json.loads(text) if text else None

    def stop(self):
        try:
            for kernel in self.api("GET", "/api/kernels"):
                self.api("DELETE", f"/api/kernels/{kernel['id']}")
        except Exception:  # noqa: BLE001  (best effort: the server's own shutdown stops kernels too)
            pass
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        self.log.close()


@pytest.fixture
def lab_server(lab_build, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    s = LabServer(lab_build, notebooks, tmp_path / "lab-state", tmp_path / "lab-server.log")
    yield s
    s.stop()


def new_notebook(server, name):
    """Creates the notebook through the contents API (the kernelspec in its metadata picks jpool)."""
    nb = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "jpool", "display_name": "Java (jpool)", "language": "java"},
                     "language_info": {"name": "java"}},
        "cells": [{"cell_type": "code", "id": f"cell-{i}", "metadata": {}, "execution_count": None, "outputs": [],
                   "source": source} for i, source in enumerate(CELLS)],
    }
    model = server.api("PUT", f"/api/contents/{name}", {"type": "notebook", "format": "json", "content": nb})
    assert model["type"] == "notebook" and model["name"] == name
    specs = server.api("GET", "/api/kernelspecs")
    assert "jpool" in specs["kernelspecs"], f"the server does not see the jpool kernelspec: {list(specs['kernelspecs'])}"


def test_notebook_in_jupyterlab_3_6(lab_server, playwright):
    name = "lab.ipynb"
    new_notebook(lab_server, name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("lab-*.png"):
        old.unlink()
    expected = [k * k for k in range(ITEMS)]
    proc = subprocess.run(
        [NODE, "lab_test.mjs", "--url", lab_server.url, "--token", lab_server.token, "--notebook", name,
         "--cpus", str(os.cpu_count()), "--expect", json.dumps(expected), "--screenshots", str(SCREENSHOTS),
         "--timeout", "300"],
        cwd=BROWSER_DIR, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, (f"browser check failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}\n"
                                  f"server log:\n{lab_server.log_text()}")
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    print(json.dumps(seen, indent=1))  # what the page showed, with the time each step took (pytest -s)
    assert seen["kernelName"] == "Java (jpool)"
    assert seen["firstOutput"] == "42"
    assert seen["completedSource"] == '"abc".length()'
    assert "Math.max(int a, int b)" in seen["tooltip"]
    assert seen["boardStates"][-1] == "final" and seen["boards"] == 1
    assert seen["results"] == [str(v) for v in expected]
    assert seen["interruptedOutput"].startswith("Interrupted") and seen["interruptMs"] < 30000
    assert seen["afterInterrupt"] == "43" and seen["kernelStatus"] == "idle"
    for shot in ("lab-notebook.png", "lab-pool-board.png", "lab-completer.png", "lab-tooltip.png"):
        png = (SCREENSHOTS / shot).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000, shot
    # the notebook's session ran on the jpool kernel
    assert [s["kernel"]["name"] for s in lab_server.api("GET", "/api/sessions")] == ["jpool"]
