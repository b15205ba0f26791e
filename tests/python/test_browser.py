"""End to end in a real browser: the classic Jupyter Notebook serves a notebook (made through its REST API) whose one
cell is a %%pool cell on the jpool kernel; tests/browser/pool_board.mjs opens it in Debian's Chromium with Playwright,
runs the cell with Shift+Enter and checks the page: the live board reaches data-state="final" in place, with one
per-CPU group in its SVG panel per CPU, and the results table is in input order. Screenshots land in
target/browser/. The set-up shared with test_browser_lab.py is in browser_env.py.
"""
import http.cookiejar
import os
import urllib.request

import pytest

from browser_env import EXPECTED, POOL_CELL, SKIPS, JupyterServer, assert_screenshots, assert_shows_something, \
    install_playwright, new_notebook, run_browser_script

JUPYTER = "/usr/bin/jupyter"

pytestmark = SKIPS


@pytest.fixture(scope="module")
def playwright():
    install_playwright(skip_when_offline=False)


class Server(JupyterServer):
    """The classic Notebook server on a free localhost port, with a random token, serving a scratch directory."""

    what = "jupyter notebook"

    def __init__(self, root_dir, log_path):
        self.root_dir = root_dir
        self.cookies = http.cookiejar.CookieJar()
        super().__init__(log_path, opener=urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies)))
        # a page load sets the _xsrf cookie; writes echo it in the X-XSRFToken header
        self.opener.open(f"{self.url}/tree?token={self.token}", timeout=30).read()
        xsrf = [c.value for c in self.cookies if c.name == "_xsrf"]
        assert xsrf, "the notebook server set no _xsrf cookie"
        self.xsrf = xsrf[0]

    def command(self):
        return [JUPYTER, "notebook", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                f"--NotebookApp.token={self.token}", f"--notebook-dir={self.root_dir}", "--NotebookApp.port_retries=0"]


@pytest.fixture
def server(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    s = Server(notebooks, tmp_path / "notebook-server.log")
    yield s
    s.stop()


def test_pool_board_in_the_classic_notebook(server, playwright):
    name = "pool-board.ipynb"
    new_notebook(server, name, [("pool-cell", POOL_CELL)])
    saved = server.api("GET", f"/api/contents/{name}")
    assert saved["content"]["cells"][0]["source"] == POOL_CELL
    assert saved["content"]["metadata"]["kernelspec"]["name"] == "jpool"
    seen = run_browser_script("pool_board.mjs", server, name, "pool-board", timeout=600)
    assert seen["kernelName"] == "jpool"
    assert seen["states"][-1] == "final" and seen["boards"] == 1
    assert seen["cpuGroups"] == list(range(os.cpu_count()))
    assert seen["results"] == [str(v) for v in EXPECTED]
    assert seen["states"][0] == "running", seen["states"]
    assert_screenshots("pool-board-final.png", "pool-board-output.png")
    assert_shows_something("pool-board-board.png")
    # a static file the test server does not serve (a 404 and the browser's refusal of its HTML error page as a
    # script) is the test server's, not the kernel's or the board's; any other console error fails the test
    script_errors = [e for e in seen["consoleErrors"]
                     if not e.startswith("Failed to load resource") and not e.startswith("Refused to execute script")]
    assert not script_errors, script_errors
    # the kernel ran the cell: the notebook server lists it as a jpool kernel
    assert [k["name"] for k in server.api("GET", "/api/kernels")] == ["jpool"]
