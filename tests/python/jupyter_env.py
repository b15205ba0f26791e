"""Shared set-up of the Jupyter-client tests: an isolated Jupyter environment and waiting for a condition.

tests/run.sh installs the kernelspec into a throw-away Jupyter data dir and exports JUPYTER_DATA_DIR and friends;
when the tests (or a helper module) run without that, isolate_jupyter() does the same in a temporary directory.
"""
import atexit
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KERNEL_NAME = "jpool"
# The one deadline of the tests, in seconds: how long a reply, a cell or a kernel start may take before a test fails.
# A deadline, never a wait: a 2-core machine shared with other JVMs is slow, so it is generous (JPOOL_TEST_TIMEOUT).
TIMEOUT = float(os.environ.get("JPOOL_TEST_TIMEOUT", "300"))


def isolate_jupyter():
    """Points Jupyter at a scratch directory with the kernelspec installed, unless the runner already did."""
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    if os.environ.get("JUPYTER_DATA_DIR"):
        return
    scratch = Path(tempfile.mkdtemp(prefix="jpool-tests-"))
    os.environ["JUPYTER_DATA_DIR"] = str(scratch / "data")
    os.environ["JUPYTER_RUNTIME_DIR"] = str(scratch / "runtime")
    os.environ["JUPYTER_CONFIG_DIR"] = str(scratch / "config")
    atexit.register(shutil.rmtree, scratch, True)
    subprocess.run([str(ROOT / "install" / "install.sh"), "--user"], check=True, stdout=subprocess.DEVNULL)


def wait_until(predicate, timeout, what, interval=0.05):
    """Polls `predicate()` until true and returns its value; AssertionError naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)
