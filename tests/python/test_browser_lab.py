"""End to end in JupyterLab 3.6 in a real browser. Debian has jupyter_server 1.23 and jupyterlab_server 2.16 but no
JupyterLab front end, so the test builds a minimal one from the JupyterLab 3.6 packages on npm (tests/browser/lab/:
the core application and the extensions a notebook needs, bundled by esbuild in about a second) into target/lab/,
where node_modules stay between runs (npm ci again only when package-lock.json changes). tests/browser/lab/lab_app.py
serves it through jupyterlab_server's LabServerApp; tests/browser/lab_test.mjs drives Debian's Chromium with
Playwright: a cell run with Shift+Enter, Tab completion, the Shift+Tab tooltip, a %%pool cell's board reaching
data-state="final", an interrupt from the Kernel menu. Screenshots land in target/browser/.

Skips (does not fail) only when npm has to install packages and the npm registry cannot be reached. The set-up
shared with test_browser.py is in browser_env.py.
"""
import hashlib
import json
import os
import shutil
import subprocess

import pytest

from browser_env import BROWSER_DIR, EXPECTED, NODE, POOL_CELL, ROOT, SKIPS, JupyterServer, assert_screenshots, \
    assert_shows_something, install_playwright, new_notebook, npm_ci, run_browser_script

LAB_SRC = BROWSER_DIR / "lab"
LAB_CACHE = ROOT / "target" / "lab"  # node_modules (kept between runs) and the built front end
PYTHON = "/usr/bin/python3"  # Debian's Jupyter


def lab_server_missing():
    proc = subprocess.run([PYTHON, "-c", "import jupyter_server, jupyterlab_server"], capture_output=True)
    return proc.returncode != 0


pytestmark = SKIPS + [
    pytest.mark.skipif(lab_server_missing(), reason="jupyter_server/jupyterlab_server are missing "
                       "(apt-get install python3-jupyter-server python3-jupyterlab-server)"),
]

# in the order tests/browser/lab_test.mjs expects them
CELLS = ["int x = 6 * 7; x", '"abc".len', '"abc".c', "Math.max(", POOL_CELL,
         'System.out.println("sleeping");\nThread.sleep(60000);', "x + 1"]


@pytest.fixture(scope="module")
def playwright():
    install_playwright(skip_when_offline=True)


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


class LabServer(JupyterServer):
    """tests/browser/lab/lab_app.py (jupyter_server + LabServerApp) on a free localhost port, with a random token."""

    what = "the lab server"

    def __init__(self, build, root_dir, state_dir, log_path):
        self.root_dir = root_dir
        super().__init__(log_path, env=dict(os.environ, JPOOL_LAB_BUILD=str(build), JPOOL_LAB_STATE=str(state_dir)))

    def command(self):
        return [PYTHON, str(LAB_SRC / "lab_app.py"), "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                f"--ServerApp.token={self.token}", f"--ServerApp.root_dir={self.root_dir}",
                "--ServerApp.port_retries=0"]


@pytest.fixture
def lab_server(lab_build, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    s = LabServer(lab_build, notebooks, tmp_path / "lab-state", tmp_path / "lab-server.log")
    yield s
    s.stop()


def test_notebook_in_jupyterlab_3_6(lab_server, playwright):
    name = "lab.ipynb"
    new_notebook(lab_server, name, [(f"cell-{i}", source) for i, source in enumerate(CELLS)])
    seen = run_browser_script("lab_test.mjs", lab_server, name, "lab", timeout=900)
    print(json.dumps(seen, indent=1))  # what the page showed, with the time each step took (pytest -s)
    assert seen["kernelName"] == "Java (jpool)"
    assert seen["firstOutput"] == "42"
    assert seen["completedSource"] == '"abc".length()'
    assert "Math.max(int a, int b)" in seen["tooltip"]
    assert seen["boardStates"][-1] == "final" and seen["boards"] == 1
    assert seen["results"] == [str(v) for v in EXPECTED]
    assert seen["interruptedOutput"].startswith("Interrupted") and seen["interruptMs"] < 30000
    assert seen["afterInterrupt"] == "43" and seen["kernelStatus"] == "idle"
    assert_screenshots("lab-notebook.png", "lab-pool-board.png", "lab-completer.png", "lab-tooltip.png")
    assert_shows_something("lab-board.png")
    # a static file the test server does not serve (a 404 and the browser's refusal of its HTML error page as a
    # script) is the test server's, not the kernel's or the board's; any other console error fails the test
    script_errors = [e for e in seen["consoleErrors"]
                     if not e.startswith("Failed to load resource") and not e.startswith("Refused to execute script")]
    assert not script_errors, script_errors
    # the notebook's session ran on the jpool kernel
    assert [s["kernel"]["name"] for s in lab_server.api("GET", "/api/sessions")] == ["jpool"]
