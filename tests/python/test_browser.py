"""End to end in a real browser: the classic Jupyter Notebook serves a notebook (made through its REST API) whose one
cell is a %%pool cell on the jpool kernel; tests/browser/pool_board.mjs opens it in Debian's Chromium with Playwright,
runs the cell with Shift+Enter and checks the page: the live board reaches data-state="final" in place, with one
per-CPU group in its SVG panel per CPU, and the results table is in input order. Screenshots land in
target/browser/.
"""
import http.cookiejar
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
SCREENSHOTS = ROOT / "target" / "browser"
CHROMIUM = "/usr/bin/chromium"
JUPYTER = "/usr/bin/jupyter"
NODE = shutil.which("node")
NPM = shutil.which("npm")
ITEMS = 12

pytestmark = [
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
    pytest.mark.skipif(NODE is None or NPM is None, reason="node/npm are missing"),
]

CELL = (f"%%pool --map IntStream.range(0, {ITEMS}).boxed().toList() --as k --out squares\n"
        "long end = System.nanoTime() + 300_000_000L;  // 0.3 s of work per element\n"
        "long spins = 0;\n"
        "while (System.nanoTime() < end) spins++;\n"
        "(long) k * k")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def playwright_installed():
    return (BROWSER_DIR / "node_modules" / "playwright-core" / "package.json").exists()


@pytest.fixture(scope="module")
def playwright():
    """tests/browser/node_modules with playwright-core, installed from package-lock.json when missing."""
    if not playwright_installed():
        proc = subprocess.run([NPM, "ci", "--no-audit", "--no-fund"], cwd=BROWSER_DIR, capture_output=True,
                              text=True, timeout=600)
        assert proc.returncode == 0, f"npm ci failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert playwright_installed()


class Server:
    """The classic Notebook server on a free localhost port, with a random token, serving a scratch directory."""

    def __init__(self, root_dir, log_path):
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [JUPYTER, "notebook", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
             f"--NotebookApp.token={self.token}", f"--notebook-dir={root_dir}", "--NotebookApp.port_retries=0"]
            + (["--allow-root"] if os.geteuid() == 0 else []),  # CI and the dev machines run as root
            env=dict(os.environ), stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self._wait_until_up()
        # a page load sets the _xsrf cookie; writes echo it in the X-XSRFToken header
        self.opener.open(f"{self.url}/tree?token={self.token}", timeout=30).read()
        xsrf = [c.value for c in self.cookies if c.name == "_xsrf"]
        assert xsrf, "the notebook server set no _xsrf cookie"
        self.xsrf = xsrf[0]

    def _wait_until_up(self):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"jupyter notebook exited: {Path(self.log.name).read_text()[-3000:]}"
            try:
                self.api("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        pytest.fail(f"jupyter notebook did not answer on {self.url}: {Path(self.log.name).read_text()[-3000:]}")

    def api(self, method, path, body=None):
        headers = {"Authorization": f"token {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if method != "GET" and getattr(self, "xsrf", None):
            headers["X-XSRFToken"] = self.xsrf
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        with self.opener.open(req, timeout=60) as resp:
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
def server(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    s = Server(notebooks, tmp_path / "notebook-server.log")
    yield s
    s.stop()


def new_notebook(server, name):
    """Creates the notebook through the contents API (the kernelspec in its metadata picks jpool)."""
    nb = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "jpool", "display_name": "Java (jpool)", "language": "java"},
                     "language_info": {"name": "java"}},
        "cells": [{"cell_type": "code", "id": "pool-cell", "metadata": {}, "execution_count": None,
                   "outputs": [], "source": CELL}],
    }
    model = server.api("PUT", f"/api/contents/{name}", {"type": "notebook", "format": "json", "content": nb})
    assert model["type"] == "notebook" and model["name"] == name
    saved = server.api("GET", f"/api/contents/{name}")
    assert saved["content"]["cells"][0]["source"] == CELL
    assert saved["content"]["metadata"]["kernelspec"]["name"] == "jpool"
    specs = server.api("GET", "/api/kernelspecs")
    assert "jpool" in specs["kernelspecs"], f"the server does not see the jpool kernelspec: {list(specs['kernelspecs'])}"


def test_pool_board_in_the_classic_notebook(server, playwright):
    name = "pool-board.ipynb"
    new_notebook(server, name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("pool-board-*.png"):
        old.unlink()
    expected = [k * k for k in range(ITEMS)]
    proc = subprocess.run(
        [NODE, "pool_board.mjs", "--url", server.url, "--token", server.token, "--notebook", name,
         "--cpus", str(os.cpu_count()), "--expect", json.dumps(expected), "--screenshots", str(SCREENSHOTS),
         "--timeout", "300"],
        cwd=BROWSER_DIR, capture_output=True, text=True, timeout=600)
    log = Path(server.log.name).read_text()
    assert proc.returncode == 0, (f"browser check failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}\n"
                                  f"server log:\n{log[-3000:]}")
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["kernelName"] == "jpool"
    assert seen["states"][-1] == "final" and seen["boards"] == 1
    assert seen["cpuGroups"] == list(range(os.cpu_count()))
    assert seen["results"] == [str(v) for v in expected]
    for shot in ("pool-board-final.png", "pool-board-output.png"):
        png = (SCREENSHOTS / shot).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000, shot
    # the kernel ran the cell: the notebook server lists it as a jpool kernel
    assert [k["name"] for k in server.api("GET", "/api/kernels")] == ["jpool"]
