"""Shared set-up of the browser end-to-end tests (test_browser.py: the classic Notebook, test_browser_lab.py:
JupyterLab 3.6): where things are, the skips both need, playwright-core from npm, a Jupyter server on a free port
(subclassed by each test with its own command line), a notebook made through the REST API, running a script of
tests/browser/ against it and checking the screenshots it saved in target/browser/.
"""
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
import zlib
from pathlib import Path

import pytest

import magics_kernel  # noqa: F401  (isolates Jupyter and installs the kernelspec when run on its own)

ROOT = Path(__file__).resolve().parents[2]
BROWSER_DIR = ROOT / "tests" / "browser"
SCREENSHOTS = ROOT / "target" / "browser"
CHROMIUM = "/usr/bin/chromium"
NODE = shutil.which("node")
NPM = shutil.which("npm")
ITEMS = 12
EXPECTED = [k * k for k in range(ITEMS)]  # what POOL_CELL's results table shows, in input order

POOL_CELL = (f"%%pool --map IntStream.range(0, {ITEMS}).boxed().toList() --as k --out squares\n"
             "long end = System.nanoTime() + 300_000_000L;  // 0.3 s of work per element\n"
             "long spins = 0;\n"
             "while (System.nanoTime() < end) spins++;\n"
             "(long) k * k")

SKIPS = [
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
    pytest.mark.skipif(NODE is None or NPM is None, reason="node/npm are missing"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def npm_ci(directory, what, skip_when_offline=True):
    """`npm ci` in `directory`; with skip_when_offline, skips the test when it fails because the npm registry is
    unreachable (otherwise any failure fails the test)."""
    try:
        proc = subprocess.run([NPM, "ci", "--no-audit", "--no-fund"], cwd=directory, capture_output=True, text=True,
                              timeout=600)
        if proc.returncode == 0:
            return
        failure = f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    except subprocess.TimeoutExpired:
        failure = "npm ci did not finish in 600 s"
    if skip_when_offline:
        try:
            ping = subprocess.run([NPM, "ping"], cwd=directory, capture_output=True, text=True, timeout=120)
            errors = [line for line in (ping.stderr + ping.stdout).splitlines() if "Error" in line or "code" in line]
            unreachable = None if ping.returncode == 0 else " / ".join(errors[:2]) or f"exit {ping.returncode}"
        except subprocess.TimeoutExpired:
            unreachable = "no answer in 120 s"
        if unreachable:
            pytest.skip(f"the npm registry is unreachable, so {what} cannot be installed (npm ping: {unreachable})")
    pytest.fail(f"npm ci for {what} failed:\n{failure}")


def playwright_installed():
    return (BROWSER_DIR / "node_modules" / "playwright-core" / "package.json").exists()


def install_playwright(skip_when_offline):
    """tests/browser/node_modules with playwright-core, installed from package-lock.json when missing."""
    if not playwright_installed():
        npm_ci(BROWSER_DIR, "playwright-core", skip_when_offline)
    assert playwright_installed()


class JupyterServer:
    """A Jupyter server on a free localhost port, with a random token, started from `command()` (given by a subclass)
    and stopped with its kernels by stop(). `what` names it in failures."""

    what = "the Jupyter server"

    def __init__(self, log_path, env=None, opener=None):
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.url = f"http://127.0.0.1:{self.port}"
        self.xsrf = None  # set by a subclass whose server checks it on writes
        self.opener = opener or urllib.request.build_opener()
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            self.command() + (["--allow-root"] if os.geteuid() == 0 else []),  # CI and the dev machines run as root
            env=env if env is not None else dict(os.environ), stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self._wait_until_up()

    def command(self):
        raise NotImplementedError

    def _wait_until_up(self):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"{self.what} exited: {self.log_text()}"
            try:
                self.api("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        pytest.fail(f"{self.what} did not answer on {self.url}: {self.log_text()}")

    def log_text(self):
        self.log.flush()
        return Path(self.log.name).read_text()[-3000:]

    def api(self, method, path, body=None):
        headers = {"Authorization": f"token {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if method != "GET" and self.xsrf:
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


def new_notebook(server, name, cells):
    """Creates the notebook through the contents API (the kernelspec in its metadata picks jpool); `cells` are
    (id, source) pairs, one code cell each."""
    nb = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "jpool", "display_name": "Java (jpool)", "language": "java"},
                     "language_info": {"name": "java"}},
        "cells": [{"cell_type": "code", "id": cell_id, "metadata": {}, "execution_count": None, "outputs": [],
                   "source": source} for cell_id, source in cells],
    }
    model = server.api("PUT", f"/api/contents/{name}", {"type": "notebook", "format": "json", "content": nb})
    assert model["type"] == "notebook" and model["name"] == name
    specs = server.api("GET", "/api/kernelspecs")
    assert "jpool" in specs["kernelspecs"], f"the server does not see the jpool kernelspec: {list(specs['kernelspecs'])}"


def run_browser_script(script, server, notebook, screenshot_prefix, timeout):
    """Removes the old `screenshot_prefix`-*.png, runs `node script` (in tests/browser/) on `notebook` and returns the
    JSON line it printed last: what the page showed."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"{screenshot_prefix}-*.png"):
        old.unlink()
    proc = subprocess.run(
        [NODE, script, "--url", server.url, "--token", server.token, "--notebook", notebook,
         "--cpus", str(os.cpu_count()), "--expect", json.dumps(EXPECTED), "--screenshots", str(SCREENSHOTS),
         "--timeout", "300"],
        cwd=BROWSER_DIR, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, (f"browser check failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}\n"
                                  f"server log:\n{server.log_text()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def png_gray(data):
    """(width, height, rows of 0..255 gray levels) of an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium saves)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, idat, header = 8, b"", None
    while at < len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    depth, color, interlace = header[8], header[9], header[12]
    assert depth == 8 and color in (2, 6) and interlace == 0, f"unexpected PNG format {header.hex()}"
    bpp = 3 if color == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([(line[x] * 299 + line[x + 1] * 587 + line[x + 2] * 114) // 1000 for x in range(0, stride, bpp)])
        prev = line
    return width, height, rows


def assert_shows_something(shot, min_width=200, min_height=40):
    """The screenshot is big enough and not blank: its gray levels vary (text and the CPU chart are drawn)."""
    width, height, rows = png_gray((SCREENSHOTS / shot).read_bytes())
    assert width >= min_width and height >= min_height, f"{shot} is {width}x{height}"
    levels = [v for row in rows for v in row]
    mean = sum(levels) / len(levels)
    variance = sum((v - mean) ** 2 for v in levels) / len(levels)
    dark = sum(1 for v in levels if v < 128) / len(levels)
    assert variance > 100 and 0.001 < dark < 0.9, f"{shot} looks blank: variance {variance:.0f}, dark share {dark:.4f}"


def assert_screenshots(*names):
    for shot in names:
        png = (SCREENSHOTS / shot).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000, shot
