"""jpool over the Jupyter protocol, driven by jupyter_client: what the conformance suite does not cover.

Every test looks only at what a frontend sees: message types and contents, parent headers, and processes.
"""
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from queue import Empty

import pytest

from conftest import TIMEOUT, pid_exists, result_of, stdout_of, wait_until

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain(lines):
    return [ANSI.sub("", line) for line in lines]


def java_string(path):
    return '"' + str(path).replace("\\", "\\\\").replace('"', '\\"') + '"'


def wait_for_file_code(path):
    """Java statements that block the cell until the test creates `path` (a condition, not a timed wait)."""
    return f"while (!Files.exists(Path.of({java_string(path)}))) Thread.sleep(10);"


def iopub_until(kernel, predicate, timeout=TIMEOUT):
    """Reads iopub until a message satisfies `predicate`; returns (that message, everything read before it)."""
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"no matching iopub message within {timeout}s; got {[m['msg_type'] for m in seen]}")
        try:
            msg = kernel.kc.get_iopub_msg(timeout=remaining)
        except Empty:
            continue
        if predicate(msg):
            return msg, seen
        seen.append(msg)


def is_stream_with(msg_id, text):
    return lambda m: (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream"
                      and text in m["content"]["text"])


# --- kernel_info ---------------------------------------------------------------------------------------------------

def test_kernel_info_describes_java_at_protocol_5_3(kernel):
    msg_id = kernel.kc.kernel_info()
    reply = kernel.shell_reply(msg_id)
    assert reply["header"]["version"] == "5.3"
    c = reply["content"]
    assert c["status"] == "ok"
    assert c["protocol_version"] == "5.3"
    assert c["implementation"] == "jpool"
    lang = c["language_info"]
    assert lang["name"] == "java"
    assert lang["mimetype"] == "text/x-java"
    assert lang["file_extension"] == ".java"
    assert re.match(r"\d+", lang["version"])
    assert "jpool" in c["banner"] and "Java" in c["banner"]


# --- evaluation ----------------------------------------------------------------------------------------------------

def test_definitions_persist_across_cells(kernel):
    kernel.ok("int counter = 41;")
    kernel.ok("int inc(int x) {\n    return x + 1;\n}")
    kernel.ok("record Point(int x, int y) {}")
    kernel.ok("import java.time.Duration;")
    assert result_of(kernel.ok("inc(counter)")) == "42"
    assert result_of(kernel.ok("new Point(1, 2)")) == "Point[x=1, y=2]"
    assert result_of(kernel.ok("Duration.ofSeconds(90).toMinutes()")) == "1"
    kernel.ok("counter = inc(counter);")
    assert result_of(kernel.ok("counter")) == "42"


def test_cell_with_several_snippets_shows_only_the_last_value(kernel):
    reply, outputs = kernel.run('int a = 2;\nint b = 3;\nSystem.out.println("sum");\na + b;\n\na * b')
    assert reply["status"] == "ok"
    assert stdout_of(outputs) == "sum\n"
    assert result_of(outputs) == "6"
    kinds = [m["msg_type"] for m in outputs]
    assert kinds.index("stream") < kinds.index("execute_result"), "output must keep the order it was produced in"
    result = next(m for m in outputs if m["msg_type"] == "execute_result")
    assert result["content"]["execution_count"] == reply["execution_count"]


def test_cell_ending_in_a_statement_has_no_result(kernel):
    outputs = kernel.ok("int quiet = 3;\nquiet++;\nSystem.out.print(\"\");")
    assert [m for m in outputs if m["msg_type"] == "execute_result"] == []


def test_compile_error_names_cell_line_and_column_and_shows_the_source(kernel):
    reply, outputs = kernel.run("int fine = 1;\n\nString s = 42;")
    n = reply["execution_count"]
    assert reply["status"] == "error"
    assert reply["ename"] == "CompilationError"
    assert "incompatible types" in reply["evalue"]
    tb = plain(reply["traceback"])
    assert any(f"cell [{n}], line 3, column 12" in line for line in tb), tb
    src = next(i for i, line in enumerate(tb) if line.strip() == "String s = 42;")
    caret = tb[src + 1]
    assert caret.index("^") == tb[src].index("42"), "the caret must point at the offending expression"
    errors = [m for m in outputs if m["msg_type"] == "error"]
    assert len(errors) == 1 and errors[0]["content"]["ename"] == "CompilationError"


def test_runtime_error_traceback_names_cells_and_hides_kernel_frames(kernel):
    defined, _ = kernel.run("int parse(String s) {\n    int unused = 0;\n    return Integer.parseInt(s);\n}")
    assert defined["status"] == "ok"
    n_def = defined["execution_count"]
    reply, outputs = kernel.run('int ok = 1;\nparse("x")')
    n = reply["execution_count"]
    assert reply["status"] == "error"
    assert reply["ename"] == "java.lang.NumberFormatException"
    assert reply["evalue"] == 'For input string: "x"'
    tb = plain(reply["traceback"])
    assert tb[0].startswith("java.lang.NumberFormatException")
    assert any("parse" in line and f"cell [{n_def}], line 3" in line for line in tb), tb
    assert any("<cell>" in line and f"cell [{n}], line 2" in line for line in tb), tb
    for line in tb:
        assert "jdk.jshell" not in line and "jpool." not in line and "$JShell$" not in line, line
        assert "java.lang.reflect" not in line and "jdk.internal.reflect" not in line, line
    assert [m["content"]["ename"] for m in outputs if m["msg_type"] == "error"] == ["java.lang.NumberFormatException"]


def test_stdout_is_streamed_while_the_cell_runs(kernel, tmp_path):
    go = tmp_path / "go"
    msg_id = kernel.kc.execute('System.out.println("a");\n' + wait_for_file_code(go) + '\nSystem.out.println("b");')
    iopub_until(kernel, is_stream_with(msg_id, "a"))
    # the cell is still blocked on the file, so its reply cannot have been sent yet
    with pytest.raises(Empty):
        kernel.kc.get_shell_msg(timeout=0.2)
    go.touch()
    reply = kernel.shell_reply(msg_id)
    assert reply["content"]["status"] == "ok"
    rest = kernel.iopub_until_idle(msg_id)
    assert stdout_of(rest) == "b\n"


def test_stderr_goes_to_the_stderr_stream(kernel):
    outputs = kernel.ok('System.err.println("warn"); System.out.println("info");')
    assert stdout_of(outputs, "stderr") == "warn\n"
    assert stdout_of(outputs) == "info\n"


def test_silent_execution_broadcasts_nothing_and_keeps_the_count(kernel):
    before = kernel.run("1")[0]["execution_count"]
    msg_id = kernel.kc.execute("int hidden = 5;\nhidden", silent=True)
    reply = kernel.shell_reply(msg_id)["content"]
    assert reply["status"] == "ok"
    assert reply["execution_count"] == before
    kinds = [m["msg_type"] for m in kernel.iopub_until_idle(msg_id)]
    assert kinds == ["status", "status"]
    assert result_of(kernel.ok("hidden")) == "5"


def test_failed_cell_aborts_the_requests_already_queued(kernel, tmp_path):
    go = tmp_path / "go"
    failing = kernel.kc.execute(wait_for_file_code(go) + '\nthrow new IllegalStateException("stop here");')
    queued = kernel.kc.execute("int neverDefined = 1;")
    go.touch()  # both requests are on the wire before the first cell can fail
    assert kernel.shell_reply(failing)["content"]["status"] == "error"
    assert kernel.shell_reply(queued)["content"]["status"] == "aborted"
    kernel.drain_iopub()
    # requests sent after the failure run normally
    reply, _ = kernel.run("neverDefined")
    assert reply["status"] == "error" and "cannot find symbol" in reply["evalue"]
    assert result_of(kernel.ok("1 + 1")) == "2"


def test_system_exit_is_blocked_and_the_kernel_survives(kernel):
    pid = kernel.pid()
    reply, outputs = kernel.run("System.exit(3);")
    assert reply["status"] == "error"
    assert reply["ename"] == "java.lang.SecurityException"
    assert "System.exit(3) was blocked" in reply["evalue"]
    assert kernel.km.is_alive() and pid_exists(pid)
    assert result_of(kernel.ok("40 + 2")) == "42"



@pytest.mark.parametrize("call", ["halt", "exit"])
def test_runtime_halt_and_exit_are_blocked_and_the_kernel_survives(kernel, call):
    pid = kernel.pid()
    reply, outputs = kernel.run(f"Runtime.getRuntime().{call}(1);")
    assert reply["status"] == "error"
    assert reply["ename"] == "java.lang.SecurityException"
    assert f"Runtime.{call}(1) was blocked: it would end the kernel" in reply["evalue"]
    assert "Restart kernel" in reply["evalue"]
    # also through a variable and a bound method reference
    reply, _ = kernel.run(f"Runtime rt = Runtime.getRuntime();\njava.util.function.IntConsumer f = rt::{call};\nf.accept(2);")
    assert reply["status"] == "error" and f"Runtime.{call}(2) was blocked" in reply["evalue"]
    assert kernel.km.is_alive() and pid_exists(pid)
    assert result_of(kernel.ok("40 + 2")) == "42"

# --- interrupt -----------------------------------------------------------------------------------------------------

def interrupt_running(kernel, code, marker):
    """Starts `code` (which prints `marker` once running), interrupts it and returns the reply and its outputs."""
    msg_id = kernel.kc.execute(code)
    iopub_until(kernel, is_stream_with(msg_id, marker))
    started = time.monotonic()
    kernel.km.interrupt_kernel()
    reply = kernel.shell_reply(msg_id, timeout=15)
    elapsed = time.monotonic() - started
    outputs = kernel.iopub_until_idle(msg_id)
    return reply["content"], outputs, elapsed


@pytest.mark.parametrize("code", [
    'System.out.println("spinning");\nwhile (true) {}',
    'System.out.println("sleeping");\nThread.sleep(100000);\nSystem.out.println("woke up");',
])
def test_interrupt_stops_the_cell_and_the_kernel_goes_on(kernel, code):
    marker = "spinning" if "while" in code else "sleeping"
    reply, outputs, elapsed = interrupt_running(kernel, code, marker)
    assert elapsed < 10
    assert reply["status"] == "error"
    assert reply["ename"] == "Interrupted"
    assert [m["content"]["ename"] for m in outputs if m["msg_type"] == "error"] == ["Interrupted"]
    assert "woke up" not in stdout_of(outputs)
    assert result_of(kernel.ok('"still " + "alive"')) == "still alive"


def test_interrupt_skips_the_rest_of_the_cell(kernel):
    code = 'System.out.println("first");\nThread.sleep(100000);\nint afterInterrupt = 1;'
    reply, _, _ = interrupt_running(kernel, code, "first")
    assert reply["ename"] == "Interrupted"
    reply, _ = kernel.run("afterInterrupt")
    assert reply["status"] == "error" and "cannot find symbol" in reply["evalue"]


# --- stdin ---------------------------------------------------------------------------------------------------------

def test_reading_system_in_asks_the_frontend(kernel):
    msg_id = kernel.kc.execute('var in = new java.util.Scanner(System.in);\nSystem.out.print("name? ");\n'
                               'String name = in.nextLine();\n"hello " + name', allow_stdin=True)
    request = kernel.kc.get_stdin_msg(timeout=TIMEOUT)
    assert request["msg_type"] == "input_request"
    assert request["parent_header"]["msg_id"] == msg_id
    assert request["content"] == {"prompt": "", "password": False}
    kernel.kc.input("Ada")
    assert kernel.shell_reply(msg_id)["content"]["status"] == "ok"
    outputs = [m for m in kernel.iopub_until_idle(msg_id) if m["msg_type"] not in ("status", "execute_input")]
    assert stdout_of(outputs) == "name? "
    assert result_of(outputs) == "hello Ada"


def test_each_line_read_is_one_input_request(kernel):
    msg_id = kernel.kc.execute("var r = new BufferedReader(new InputStreamReader(System.in));\n"
                               "int a = Integer.parseInt(r.readLine());\nint b = Integer.parseInt(r.readLine());\n"
                               "a * b", allow_stdin=True)
    for value in ("6", "7"):
        request = kernel.kc.get_stdin_msg(timeout=TIMEOUT)
        assert request["msg_type"] == "input_request" and request["parent_header"]["msg_id"] == msg_id
        kernel.kc.input(value)
    assert kernel.shell_reply(msg_id)["content"]["status"] == "ok"
    assert result_of(kernel.iopub_until_idle(msg_id)) == "42"


def test_end_of_input_from_the_frontend_is_end_of_stream(kernel):
    msg_id = kernel.kc.execute("new java.util.Scanner(System.in).hasNextLine()", allow_stdin=True)
    kernel.kc.get_stdin_msg(timeout=TIMEOUT)
    kernel.kc.input("\x04")  # what jupyter console sends for Ctrl-D
    assert kernel.shell_reply(msg_id)["content"]["status"] == "ok"
    assert result_of(kernel.iopub_until_idle(msg_id)) == "false"


def test_reading_system_in_without_stdin_fails_clearly(kernel):
    reply, _ = kernel.run("new java.util.Scanner(System.in).nextLine()", allow_stdin=False)
    assert reply["status"] == "error"
    assert reply["ename"] == "java.lang.IllegalStateException"
    assert "does not accept input" in reply["evalue"] and "System.in" in reply["evalue"]


def test_interrupt_while_waiting_for_input(kernel):
    msg_id = kernel.kc.execute("new java.util.Scanner(System.in).nextLine()", allow_stdin=True)
    kernel.kc.get_stdin_msg(timeout=TIMEOUT)
    kernel.km.interrupt_kernel()
    assert kernel.shell_reply(msg_id, timeout=15)["content"]["ename"] == "Interrupted"
    kernel.kc.input("too late")  # answers the abandoned request: must not feed the next one
    kernel.drain_iopub()
    msg_id = kernel.kc.execute("new java.util.Scanner(System.in).nextLine()", allow_stdin=True)
    kernel.kc.get_stdin_msg(timeout=TIMEOUT)
    kernel.kc.input("fresh")
    assert kernel.shell_reply(msg_id)["content"]["status"] == "ok"
    assert result_of(kernel.iopub_until_idle(msg_id)) == "fresh"


# --- output after the cell, display API ----------------------------------------------------------------------------

def test_output_of_a_background_thread_after_the_cell_lands_in_that_cell(kernel, tmp_path):
    go, printed = tmp_path / "go", tmp_path / "printed"
    code = ("new Thread(() -> {\n    try {\n        " + wait_for_file_code(go) + "\n"
            '        System.out.println("late");\n'
            f"        Files.createFile(Path.of({java_string(printed)}));\n"
            "    } catch (Exception e) {}\n}).start();")
    msg_id = kernel.kc.execute(code)
    assert kernel.shell_reply(msg_id)["content"]["status"] == "ok"
    outputs = kernel.iopub_until_idle(msg_id)
    reserved = [m for m in outputs if m["msg_type"] == "display_data"]
    assert len(reserved) == 1, [m["msg_type"] for m in outputs]
    display_id = reserved[0]["content"]["transient"]["display_id"]
    # the thread prints while another cell runs (that cell lets it go and waits until it has printed); the late
    # text must not end up in the running cell's output but update the reserved display of its own cell
    other_id = kernel.kc.execute(f"Files.createFile(Path.of({java_string(go)}));\n" + wait_for_file_code(printed)
                                 + "\n1 + 1")
    assert kernel.shell_reply(other_id)["content"]["status"] == "ok"

    def other_idle(m):
        return (m["parent_header"].get("msg_id") == other_id and m["msg_type"] == "status"
                and m["content"]["execution_state"] == "idle")

    def late_update(m):
        return (m["msg_type"] == "update_display_data" and m["content"]["transient"]["display_id"] == display_id
                and "late" in m["content"]["data"]["text/plain"])
    idle, seen = iopub_until(kernel, other_idle)
    if not any(late_update(m) for m in seen):
        update, after = iopub_until(kernel, late_update)
        seen += after + [update]
    other_outputs = [m for m in seen if m["parent_header"].get("msg_id") == other_id]
    assert result_of(other_outputs) == "2"
    assert not [m for m in seen if m["msg_type"] in ("stream", "display_data", "execute_result")
                and "late" in str(m["content"])], seen


def test_display_show_returns_a_handle_that_updates_in_place(kernel):
    outputs = kernel.ok('var h = Display.show(Display.html("<b>one</b>"));\nh.update("two");')
    shown = [m for m in outputs if m["msg_type"] == "display_data"]
    updated = [m for m in outputs if m["msg_type"] == "update_display_data"]
    assert len(shown) == 1 and len(updated) == 1
    assert shown[0]["content"]["data"] == {"text/plain": "one", "text/html": "<b>one</b>"}
    assert updated[0]["content"]["data"]["text/plain"] == "two"
    display_id = shown[0]["content"]["transient"]["display_id"]
    assert display_id and updated[0]["content"]["transient"]["display_id"] == display_id
    assert outputs.index(shown[0]) < outputs.index(updated[0])


def test_display_clear_sends_clear_output(kernel):
    outputs = kernel.ok('System.out.println("before");\nDisplay.clear();')
    assert [m["msg_type"] for m in outputs] == ["stream", "clear_output"]
    assert outputs[1]["content"] == {"wait": False}


# --- comms ---------------------------------------------------------------------------------------------------------

def test_comm_info_lists_no_comms(kernel):
    msg_id = kernel.kc.comm_info()
    reply = kernel.shell_reply(msg_id)["content"]
    assert reply == {"status": "ok", "comms": {}}


def test_comm_open_for_an_unknown_target_is_closed(kernel):
    msg = kernel.kc.session.msg("comm_open", {"comm_id": "c-123", "target_name": "no.such.target", "data": {}})
    kernel.kc.shell_channel.send(msg)
    closed, _ = iopub_until(kernel, lambda m: m["msg_type"] == "comm_close")
    assert closed["content"]["comm_id"] == "c-123"
    assert closed["parent_header"]["msg_id"] == msg["header"]["msg_id"]


# --- editor support ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code,status", [
    ("int x = 1;", "complete"),
    ("for (int i = 0; i < 3; i++) {}", "complete"),
    ("", "complete"),
    ("for (int i = 0; i < 3; i++) {", "incomplete"),
    ("int f() {\n    return 1;", "incomplete"),
    ("int x = ;)", "invalid"),
    ("int = 7q;", "invalid"),                         # JShell calls it a whole statement; it does not parse
    ("1 +* 2;", "invalid"),
    ("undefinedMethod(3);", "complete"),               # parses: the error comes when it runs
    ("%%pool --map List.of(1, 2)", "incomplete"),    # a cell magic's header alone waits for its body
    ("%%pool --map List.of(1, 2)\nit * 2", "incomplete"),
    ("%%pool --map List.of(1, 2)\nit * 2\n", "complete"),  # an empty line ends the body, as in IPython
    ("%%pool --help", "complete"),
    ("%cpu", "complete"),
])
def test_is_complete(kernel, code, status):
    reply = kernel.shell_reply(kernel.kc.is_complete(code))["content"]
    assert reply["status"] == status
    if status == "incomplete":
        assert reply["indent"] == "    "


def complete(kernel, code, cursor=None):
    return kernel.shell_reply(kernel.kc.complete(code, len(code) if cursor is None else cursor))["content"]


def test_complete_members_after_a_dot(kernel):
    reply = complete(kernel, 'int a = 1;\n"hello".subs')
    assert reply["status"] == "ok"
    assert reply["matches"] == ["substring("]
    assert reply["cursor_start"] == len('int a = 1;\n"hello".')
    assert reply["cursor_end"] == len('int a = 1;\n"hello".subs')


def test_complete_in_the_middle_of_the_code(kernel):
    code = "Math.ab + 1"
    reply = complete(kernel, code, cursor=len("Math.ab"))
    assert {"abs(", "absExact("} <= set(reply["matches"])
    assert (reply["cursor_start"], reply["cursor_end"]) == (5, 7)


def test_complete_local_names_types_and_keywords(kernel):
    kernel.ok("int myCounter = 1;")
    assert complete(kernel, "myCou")["matches"] == ["myCounter"]
    reply = complete(kernel, "StringBui")
    assert "StringBuilder" in reply["matches"] and reply["cursor_start"] == 0
    reply = complete(kernel, "for (int i = 0; i < 3; i++) { whi")
    assert "while" in reply["matches"]
    assert reply["cursor_start"] == len("for (int i = 0; i < 3; i++) { ")
    assert complete(kernel, "ret")["matches"] == ["return"]


def test_inspect(kernel):
    reply = kernel.shell_reply(kernel.kc.inspect("String.valueOf", len("String.valueOf")))["content"]
    assert reply["status"] == "ok" and reply["found"] is True
    assert "String String.valueOf(int i)" in reply["data"]["text/plain"]
    reply = kernel.shell_reply(kernel.kc.inspect("Math.max(1, 2)", len("Math.max(")))["content"]
    assert reply["found"] is True and "Math.max(int a, int b)" in reply["data"]["text/plain"]
    reply = kernel.shell_reply(kernel.kc.inspect("noSuchThing", 5))["content"]
    assert reply["status"] == "ok" and reply["found"] is False and reply["data"] == {}


# --- pager (IPython's NAME?) ---------------------------------------------------------------------------------------

def page_of(reply):
    """The text/plain of the execute_reply's single "page" payload."""
    assert reply["status"] == "ok", reply
    pages = [p for p in reply["payload"] if p["source"] == "page"]
    assert len(pages) == 1, reply["payload"]
    assert pages[0]["start"] == 0
    return pages[0]["data"]["text/plain"]


def test_name_and_question_mark_shows_the_inspection_in_the_pager(kernel):
    reply, outputs = kernel.run("Math.max?")
    text = page_of(reply)
    assert "int Math.max(int a, int b)" in text and "double Math.max(double a, double b)" in text
    assert outputs == [], "a help request runs no code and shows nothing in the cell"
    inspected = kernel.shell_reply(kernel.kc.inspect("Math.max", len("Math.max")))["content"]
    assert text == inspected["data"]["text/plain"], "the pager shows what inspect_request gives"


def test_the_pager_and_inspect_show_javadoc_rendered_not_its_markup(kernel):
    reply, _ = kernel.run("Math.max?")
    pages = [p for p in reply["payload"] if p["source"] == "page"]
    assert len(pages) == 1, reply["payload"]
    data = pages[0]["data"]
    # the console prints text/plain: Javadoc's tags are gone, its sections named
    plain = data["text/plain"]
    assert "Returns the greater of two int values." in plain, plain
    assert "{@" not in plain and "@param" not in plain and "@return" not in plain and "<p>" not in plain, plain
    assert "Parameters:\n  a - an argument." in plain, plain
    # a notebook's pager shows text/markdown: code as code, signatures as Java
    md = data["text/markdown"]
    assert "```java\nint Math.max(int a, int b)\n```" in md, md
    assert "Returns the greater of two `int` values." in md and "- `a` - an argument." in md, md
    assert "{@" not in md and "@param" not in md, md
    inspected = kernel.shell_reply(kernel.kc.inspect("Math.max(", len("Math.max(")))["content"]["data"]
    assert inspected["text/markdown"] == md and inspected["text/plain"] == plain


@pytest.mark.parametrize("code, expected", [
    ("String?", "java.lang.String"),
    ("?java.util.List", "java.util.List"),
    ("Pool?", "jpool.pool.Pool"),
    ("%%pool?", "%%pool: "),
    ("?%ps", "%ps: "),
    ("Pool.map?", "map(Fn<A,R> fn, Iterable<A> items)"),
])
def test_pager_for_types_packages_and_magics(kernel, code, expected):
    reply, _ = kernel.run(code)
    assert expected in page_of(reply)


def test_pager_for_notebook_names_and_their_source(kernel):
    kernel.ok("int pagerVar = 12;")
    kernel.ok("int pagerTwice(int v) {\n    return 2 * v;\n}")
    reply, _ = kernel.run("pagerVar?")
    assert page_of(reply) == "int pagerVar = 12"
    reply, _ = kernel.run("pagerTwice??")
    assert page_of(reply) == "int pagerTwice(int v)\n\nSource:\nint pagerTwice(int v) {\n    return 2 * v;\n}"


def test_pager_for_an_unknown_name_says_so_and_the_kernel_goes_on(kernel):
    reply, outputs = kernel.run("noSuchThingAnywhere?")
    assert reply["status"] == "ok" and reply["payload"] == []
    assert stdout_of(outputs) == "Object `noSuchThingAnywhere` not found.\n"
    assert [m["msg_type"] for m in outputs] == ["stream"]
    assert result_of(kernel.ok("1 + 1")) == "2"


@pytest.mark.parametrize("code, result", [
    ("int tern = 3;\ntern > 2 ? \"big\" : \"small\"", "big"),
    ("List<?> wild = List.of(1, 2);\nwild", "[1, 2]"),
    ("Map<String, ? extends Number> m = Map.of(\"a\", 1);\nm.get(\"a\") == null ? 0 : m.get(\"a\")", "1"),
])
def test_question_marks_inside_code_still_run(kernel, code, result):
    reply, outputs = kernel.run(code)
    assert reply["status"] == "ok" and reply["payload"] == []
    assert result_of(outputs) == result


def test_a_help_request_is_complete_for_the_console(kernel):
    for code in ("Math.max?", "?String", "myVar??"):
        reply = kernel.shell_reply(kernel.kc.is_complete(code))["content"]
        assert reply["status"] == "complete", code


def test_history_tail_and_search(kernel):
    kernel.ok("int historyOne = 1;")
    kernel.ok("int historyTwo = 2;")
    kernel.kc.execute("int historySilent = 3;", silent=True)
    kernel.ok("historyOne + historyTwo")
    tail = kernel.shell_reply(kernel.kc.history(hist_access_type="tail", n=3, output=False, raw=True))["content"]
    assert tail["status"] == "ok"
    assert [h[2] for h in tail["history"]] == ["int historyOne = 1;", "int historyTwo = 2;", "historyOne + historyTwo"]
    assert tail["history"][1][1] == tail["history"][0][1] + 1
    found = kernel.shell_reply(kernel.kc.history(hist_access_type="search", pattern="int history*",
                                                 output=False, raw=True))["content"]
    assert [h[2] for h in found["history"]] == ["int historyOne = 1;", "int historyTwo = 2;"]
    with_output = kernel.shell_reply(kernel.kc.history(hist_access_type="tail", n=1, output=True, raw=True))["content"]
    assert with_output["history"][0][2] == ["historyOne + historyTwo", "3"]


# --- lifecycle -----------------------------------------------------------------------------------------------------

def test_restart_replaces_the_process_and_resets_definitions(fresh_kernel):
    k = fresh_kernel
    k.ok("int definedBeforeRestart = 1;")
    old_pid = k.pid()
    k.km.restart_kernel(now=False)
    wait_until(lambda: not pid_exists(old_pid), 30, f"old kernel process {old_pid} to exit")
    assert k.pid() != old_pid and pid_exists(k.pid())
    k.kc.wait_for_ready(timeout=60)
    reply, _ = k.run("definedBeforeRestart")
    assert reply["status"] == "error" and "cannot find symbol" in reply["evalue"]
    assert reply["execution_count"] == 1
    assert result_of(k.ok("6 * 7")) == "42"


def test_shutdown_ends_the_kernel_process(fresh_kernel):
    k = fresh_kernel
    k.ok('System.out.println("working");')
    pid = k.pid()
    msg_id = k.kc.shutdown()
    reply = k.kc.get_control_msg(timeout=TIMEOUT)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"] == {"status": "ok", "restart": False}
    wait_until(lambda: not k.km.is_alive(), 30, "the kernel to exit after shutdown_request")
    assert k.km.provisioner.process.returncode == 0
    assert not pid_exists(pid)


def test_kernel_exits_when_the_client_that_started_it_dies():
    """A killed frontend must not leave an orphaned JVM behind (Jupyter names the parent in JPY_PARENT_PID)."""
    script = ("from jupyter_client.manager import start_new_kernel\n"
              "km, kc = start_new_kernel(kernel_name='jpool', startup_timeout=60)\n"
              "print(km.provisioner.process.pid, flush=True)\n"
              "import sys; sys.stdin.read()\n")  # stays alive until killed
    client = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        kernel_pid = int(client.stdout.readline())
        assert pid_exists(kernel_pid)
    finally:
        client.kill()
        client.wait()
    try:
        wait_until(lambda: not pid_exists(kernel_pid), 30, f"orphaned kernel {kernel_pid} to exit")
    finally:
        if pid_exists(kernel_pid):
            os.kill(kernel_pid, signal.SIGKILL)  # do not leave the orphan behind when the test fails


# --- bad input -----------------------------------------------------------------------------------------------------

def test_malformed_and_wrongly_signed_shell_messages_are_ignored(fresh_kernel):
    """Messages the kernel cannot trust or parse do not run and get no reply (a signed request with a readable header
    gets an error reply); the kernel goes on serving."""
    import json

    import zmq
    from jupyter_client.session import Session

    k = fresh_kernel
    pid = k.pid()
    count_before = k.run("1")[0]["execution_count"]
    info = k.km.get_connection_info()
    good = Session(key=info["key"], signature_scheme=info["signature_scheme"])
    wrong = Session(key=b"not-the-connection-key", signature_scheme=info["signature_scheme"])
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
    try:
        def header(msg_type):
            return json.dumps({"msg_id": f"bad-{msg_type}", "msg_type": msg_type, "session": "s", "username": "u",
                               "date": "2026-01-01T00:00:00Z", "version": "5.3"}).encode()

        def signed(frames):
            sock.send_multipart([b"<IDS|MSG>", good.sign(frames)] + frames)

        # wrongly signed: a valid message under another key, including code that would print if it ran
        wrong.send(sock, "kernel_info_request", {})
        wrong.send(sock, "execute_request", {"code": 'System.out.println("ran-unsigned-code")', "silent": False,
                                             "store_history": True, "user_expressions": {}, "allow_stdin": False,
                                             "stop_on_error": True})
        # unsigned frames: no delimiter, too few parts, a garbage signature, bytes that are not UTF-8
        sock.send_multipart([b"garbage"])
        sock.send_multipart([b"<IDS|MSG>"])
        sock.send_multipart([b"<IDS|MSG>", b"deadbeef", b"{not json", b"{}", b"{}", b"{}"])
        sock.send_multipart([b"<IDS|MSG>", b"", b"\xff\xfe", b"", b"", b""])
        sock.send_multipart([b"\x00" * 5000] * 7)
        # correctly signed but malformed: JSON that does not parse, a header that is not an object, no msg_type,
        # content that is not an object (a request with a readable header: answered with an error reply), an
        # unknown message type
        signed([b"{not json", b"{}", b"{}", b"{}"])
        signed([b"[]", b"{}", b"{}", b"{}"])
        signed([json.dumps({"msg_id": "no-type", "session": "s", "username": "u", "version": "5.3"}).encode(),
                b"{}", b"{}", b"{}"])
        signed([header("execute_request"), b"{}", b"{}", b"[1]"])
        signed([header("no_such_request"), b"{}", b"{}", b"{}"])
        # then a good request on the same socket: its reply is the first (and only) one the socket receives
        request = good.send(sock, "kernel_info_request", {})
        assert sock.poll(TIMEOUT * 1000), "no error reply to the execute_request whose content is a list"
        _, frames = good.feed_identities(sock.recv_multipart())
        error = good.deserialize(frames)
        assert error["msg_type"] == "execute_reply" and error["parent_header"]["msg_id"] == "bad-execute_request", error
        assert error["content"]["status"] == "error" and error["content"]["ename"] == "MalformedMessage", error
        assert sock.poll(TIMEOUT * 1000), "no reply to a valid kernel_info_request after the bad messages"
        _, frames = good.feed_identities(sock.recv_multipart())
        reply = good.deserialize(frames)
        assert reply["msg_type"] == "kernel_info_reply"
        assert reply["parent_header"]["msg_id"] == request["header"]["msg_id"], reply
        assert reply["content"]["status"] == "ok"
        assert not sock.poll(0), "a bad message was answered"
    finally:
        sock.close()
    assert k.km.is_alive() and pid_exists(pid)
    # the regular client is served too, and the wrongly signed execute_request never ran
    k.kc.kernel_info()
    assert k.kc.get_shell_msg(timeout=TIMEOUT)["msg_type"] == "kernel_info_reply"
    reply, outputs = k.run("20 + 22")
    assert result_of(outputs) == "42"
    assert reply["execution_count"] == count_before + 1  # nothing was executed in between


def launch_argv(connection_file):
    """The kernelspec's command line (install/launch.sh: java -jar jpool.jar CONNECTION_FILE) for a connection file."""
    from jupyter_client.kernelspec import KernelSpecManager

    argv = KernelSpecManager().get_kernel_spec("jpool").argv
    return [str(connection_file) if a == "{connection_file}" else a for a in argv]


@pytest.mark.parametrize("content, reason", [
    (None, "connection file not found"),
    ("{not json", "is not a JSON object"),
    ('{"transport": "tcp", "ip": "127.0.0.1", "key": "k"}', "missing or non-numeric 'shell_port'"),
], ids=["missing", "invalid-json", "no-ports"])
def test_bad_connection_file_exits_non_zero_with_the_reason(tmp_path, content, reason):
    conn = tmp_path / "kernel-bad.json"
    if content is not None:
        conn.write_text(content)
    done = subprocess.run(launch_argv(conn), capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items() if k != "JPY_PARENT_PID"})
    assert done.returncode != 0
    assert f"jpool: connection file {'not found: ' if content is None else ''}{conn}" in done.stderr, done.stderr
    assert reason in done.stderr, done.stderr
    assert "Exception in thread" not in done.stderr and "\tat " not in done.stderr, done.stderr  # a message, no trace
