"""Shared set-up for the Jupyter-client tests of the jpool kernel.

tests/run.sh installs the kernelspec into a throw-away Jupyter data dir and exports JUPYTER_DATA_DIR and friends.
When pytest is started directly (no JUPYTER_DATA_DIR), jupyter_env does the same: it points Jupyter at a temporary
directory and runs install/install.sh there, so the tests never use or change the user's own kernelspecs.

The kernel driver, its fixtures and the tests' one deadline live in kernel_helpers; importing the fixtures here makes
them available to every test module without an import (`kernel`: one kernel per module, `fresh_kernel`: one per
test, `cleanup`: pools a test made, terminated after it).
"""
import subprocess

from jupyter_env import isolate_jupyter

isolate_jupyter()

from kernel_helpers import (  # noqa: E402,F401  (after the environment is set; fixtures and names tests import)
    KERNEL_NAME, TIMEOUT, Kernel, cleanup, fresh_kernel, kernel, wait_until)


def pid_exists(pid):
    """True while a process with this pid exists and is not a zombie (as `ps` reports it)."""
    out = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return bool(out) and not out.startswith("Z")


def stdout_of(outputs, name="stdout"):
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == name)


def result_of(outputs):
    results = [m for m in outputs if m["msg_type"] == "execute_result"]
    assert len(results) == 1, f"expected one execute_result, got {[m['msg_type'] for m in outputs]}"
    return results[0]["content"]["data"]["text/plain"]
