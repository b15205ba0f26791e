"""jpool in a real terminal: `jupyter console --kernel jpool` inside tmux, typed at like a user would.

Each test runs its own tmux server (a private socket), so it neither sees nor disturbs other tmux sessions. The
screen is polled until the expected text shows up (with a deadline): that waits for a condition, not for time.
"""
import os
import re
import shutil
import subprocess
import time
import uuid

import pytest

from conftest import pid_exists, wait_until

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

JUPYTER = "/usr/bin/jupyter"
START_TIMEOUT = 90  # console start + JVM start on a loaded two-core machine
TIMEOUT = 30


class Console:
    def __init__(self):
        self.socket = f"jpool-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        env = {k: v for k, v in os.environ.items() if k.startswith("JUPYTER_") or k == "PYDEVD_DISABLE_FILE_VALIDATION"}
        command = ["env", *[f"{k}={v}" for k, v in env.items()], JUPYTER, "console", "--kernel", "jpool"]
        # the shell prints the console's exit status; remain-on-exit keeps the pane (and that line) afterwards
        shell_line = " ".join(map(quote, command)) + '; echo "[console exited with status $?]"'
        self.tmux("-f", "/dev/null", "new-session", "-d", "-x", "200", "-y", "50", shell_line,
                  ";", "set-option", "-g", "remain-on-exit", "on")

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True).stdout

    def screen(self):
        return self.tmux("capture-pane", "-p", "-S", "-200")

    def wait_for(self, pattern, timeout=TIMEOUT):
        """Polls the screen until `pattern` (a regex) appears on it; returns the screen."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if re.search(pattern, text):
                return text
            if time.monotonic() > deadline:
                pytest.fail(f"{pattern!r} did not appear within {timeout}s; the screen shows:\n{text}")
            time.sleep(0.1)

    def type(self, text):
        """Types `text` and presses Enter. Sent as bytes, so tmux never parses it (a trailing ';' is a tmux
        command separator otherwise)."""
        if text:
            self.tmux("send-keys", "-H", *[f"{b:02x}" for b in text.encode()])
        self.tmux("send-keys", "Enter")

    def key(self, key):
        self.tmux("send-keys", key)

    def pane(self, field):
        return self.tmux("display-message", "-p", "#{" + field + "}").strip()

    def kernel_pid(self):
        """The jpool JVM the console started (a descendant of the pane's shell)."""
        console = int(self.pane("pane_pid"))
        out = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,args="], capture_output=True, text=True).stdout
        children = {}
        for line in out.splitlines():
            pid, ppid, args = line.split(None, 2)
            children.setdefault(int(ppid), []).append((int(pid), args))
        todo = [console]
        while todo:
            for pid, args in children.get(todo.pop(), []):
                if "jpool.jar" in args:
                    return pid
                todo.append(pid)
        pytest.fail("no jpool kernel process under the console")

    def wait_exited(self):
        """Waits for the console to end; returns its exit status."""
        screen = self.wait_for(r"\[console exited with status \d+\]")
        return int(re.search(r"\[console exited with status (\d+)\]", screen).group(1))

    def close(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def quote(arg):
    return "'" + arg.replace("'", "'\\''") + "'"


@pytest.fixture
def console():
    c = Console()
    yield c
    c.close()


def test_console_evaluates_java_and_shows_errors(console):
    start = console.wait_for(r"In \[1\]:", START_TIMEOUT)
    assert "jpool" in start, "the kernel banner is shown"
    assert "WARNING" not in start, "JVM warnings must not reach the user's terminal"
    kernel = console.kernel_pid()

    console.type("int x = 20 + 22;")
    console.wait_for(r"In \[2\]:")
    console.type("x")
    console.wait_for(r"Out\[2\]: 42")

    console.type('String s = 5;')
    screen = console.wait_for(r"In \[4\]:")
    assert "Compile error in cell [3], line 1, column 12: incompatible types" in screen
    assert "String s = 5;" in screen

    console.type('System.out.println("printed " + (x + 1));')
    console.wait_for(r"\nprinted 43\n")

    # IPython's help syntax: the console shows the execute_reply's page payload, through its pager (less) when
    # the text is longer than the screen, as the JDK's Javadoc is; a user leaves the pager with q
    console.type("Math.abs?")
    screen = console.wait_for(r"Returns the absolute value")
    assert "Math.abs(int a)" in screen, screen
    if not re.search(r"In \[6\]:", screen):
        console.key("q")
        console.wait_for(r"In \[6\]:")
    console.type("Math.abs(-3)")
    screen = console.wait_for(r"Out\[6\]: 3")

    console.type("exit")
    assert console.wait_exited() == 0
    wait_until(lambda: not pid_exists(kernel), TIMEOUT, f"kernel process {kernel} to exit")


def test_console_ctrl_d_asks_and_shuts_the_kernel_down(console):
    console.wait_for(r"In \[1\]:", START_TIMEOUT)
    kernel = console.kernel_pid()
    console.key("C-d")
    console.wait_for(r"Do you really want to exit \(\[y\]/n\)\?")
    console.type("y")
    assert console.wait_exited() == 0
    wait_until(lambda: not pid_exists(kernel), TIMEOUT, f"kernel process {kernel} to exit")
