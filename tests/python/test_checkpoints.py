"""Checkpointed maps: each input's outcome is stored as it arrives in a real embedded store (H2 MVStore); a rerun, in
the same kernel or a new one after the kernel was killed, computes only the missing inputs. Executions are counted
through a side file every input appends to."""

import os
import signal
import time

import pytest

from kernel_helpers import Kernel, wait_until


def start(tmp_path):
    return Kernel(extra_env={"JPOOL_CHECKPOINT_DIR": str(tmp_path / "ckpt")})


@pytest.fixture
def kern(tmp_path):
    k = start(tmp_path)
    yield k
    k.shutdown()


def runs(path):
    """Inputs executed so far, as the side file lists them."""
    return path.read_text().split() if path.exists() else []


def setup_cell(side, pool_size=2):
    return f'''
        Pool cp = new Pool({pool_size});
        String side = "{side}";
        void ran(Object x) throws Exception {{
            java.nio.file.Files.writeString(java.nio.file.Path.of(side), x + "\\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }}
        List<Integer> forty = java.util.stream.IntStream.range(0, 40).boxed().toList();
    '''


def test_a_map_whose_kernel_was_killed_resumes_in_a_new_kernel(tmp_path):
    side = tmp_path / "runs.txt"
    k1 = start(tmp_path)
    try:
        k1.ok(setup_cell(side))
        msg_id = k1.kc.execute('''
            List<Integer> squares = cp.checkpoint("half").map(x -> { ran(x); Thread.sleep(150); return x * x; }, forty, 1);
        ''')
        wait_until(lambda: len(runs(side)) >= 20, timeout=120, what="half of the inputs to run")
        os.kill(k1.pid, signal.SIGKILL)
        wait_until(lambda: not k1.km.is_alive(), timeout=30, what="the killed kernel to be gone")
    finally:
        k1.shutdown()
    first = runs(side)
    assert 20 <= len(first) < 40, first
    side.write_text("")

    k2 = start(tmp_path)
    try:
        listing = k2.ok('%checkpoints').all_text()
        assert "half" in listing, listing
        stored = k2.ok('jpool.checkpoint.Checkpoints.list().get(0).stored()').result
        stored = int(stored)
        assert 10 <= stored <= len(first), (stored, first)
        k2.ok(setup_cell(side))
        r = k2.ok('''
            List<Integer> squares = cp.checkpoint("half").map(x -> { ran(x); Thread.sleep(150); return x * x; }, forty, 1);
            squares
        ''')
        assert r.result == str([x * x for x in range(40)]).replace(" ", " "), r.result
        assert f"checkpoint 'half': {stored} of 40 inputs from the store" in r.stdout, r.stdout
        again = runs(side)
        assert len(again) == 40 - stored, (stored, again)
        assert sorted(set(again)) == sorted(again), again  # none ran twice
    finally:
        k2.shutdown()


def test_rerun_in_the_same_kernel_runs_nothing_and_a_code_change_starts_afresh(kern, tmp_path):
    side = tmp_path / "runs.txt"
    kern.ok(setup_cell(side))
    kern.ok('int offset = 1;')
    kern.ok("int score(int x) { return x * 10 + offset; }")
    r = kern.ok('cp.checkpoint("grid").map(x -> { ran(x); return score(x); }, List.of(1, 2, 3, 4, 5))')
    assert r.result == "[11, 21, 31, 41, 51]"
    assert "checkpoint 'grid': 5 inputs to compute" in r.stdout, r.stdout
    assert len(runs(side)) == 5

    r = kern.ok('cp.checkpoint("grid").map(x -> { ran(x); return score(x); }, List.of(1, 2, 3, 4, 5, 6))')
    assert r.result == "[11, 21, 31, 41, 51, 61]"
    assert "5 of 6 inputs from the store" in r.stdout and "1 to compute" in r.stdout, r.stdout
    assert sorted(runs(side)) == ["1", "2", "3", "4", "5", "6"]

    kern.ok("int score(int x) { return x * 100 + offset; }")   # a method the function calls changed
    r = kern.ok('cp.checkpoint("grid").map(x -> { ran(x); return score(x); }, List.of(1, 2, 3))')
    assert r.result == "[101, 201, 301]"
    assert "the code changed since the checkpoint of" in r.stdout and "starting afresh" in r.stdout, r.stdout
    assert len(runs(side)) == 9

    kern.ok('offset = 2;')                                               # a variable it reads changed
    r = kern.ok('cp.checkpoint("grid").map(x -> { ran(x); return score(x); }, List.of(1, 2, 3))')
    assert r.result == "[102, 202, 302]" and "starting afresh" in r.stdout, r.stdout
    assert len(runs(side)) == 12


def test_failures_are_computed_again_unless_kept(kern, tmp_path):
    side = tmp_path / "runs.txt"
    kern.ok(setup_cell(side))
    kern.ok('Fn<Integer, Integer> shaky = x -> { ran(x); if (x == 3) throw new IllegalStateException("three"); return x; };')
    r = kern.ok('cp.checkpoint("f").mapResults(shaky, List.of(1, 2, 3, 4)).stream().map(o -> o.ok() ? "" + o.value() : "X").toList()')
    assert r.result == "[1, 2, X, 4]"
    r = kern.ok('cp.checkpoint("f").keepFailures(true).mapResults(shaky, List.of(1, 2, 3, 4)).get(2).error().getMessage()')
    assert "IllegalStateException: three" in r.result, r.result
    assert len(runs(side)) == 4
    r = kern.ok('cp.checkpoint("f").mapResults(shaky, List.of(1, 2, 3, 4)).get(2).worker()')
    assert r.result.strip('"').startswith("PoolWorker-")
    assert runs(side)[4:] == ["3"]


def test_a_corrupt_store_is_a_clear_error_and_nothing_runs(kern, tmp_path):
    side = tmp_path / "runs.txt"
    (tmp_path / "ckpt").mkdir()
    bad = tmp_path / "ckpt" / "broken.mv.db"
    bad.write_bytes(b"this is not a store\n" * 200)
    kern.ok(setup_cell(side))
    r = kern.execute('cp.checkpoint("broken").map(x -> { ran(x); return x; }, forty)')
    assert r.status == "error"
    text = r.error_text()
    assert "CheckpointUnavailable" in text and str(bad) in text and "%checkpoints clear broken" in text, text
    assert runs(side) == []
    assert kern.ok('1 + 1').result == "2"
    assert "cleared checkpoint 'broken'" in kern.ok('%checkpoints clear broken').all_text()
    assert kern.ok('cp.checkpoint("broken").map(x -> x + 1, List.of(1))').result == "[2]"


def test_bad_names_and_unwritable_folders_are_one_line_errors(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    k = Kernel(extra_env={"JPOOL_CHECKPOINT_DIR": str(blocker / "sub")})
    try:
        k.ok('Pool cp = new Pool(1);')
        r = k.execute('cp.checkpoint("grid").map(x -> x, List.of(1))')
        assert r.status == "error" and "cannot create the folder" in r.error_text() and "JPOOL_CHECKPOINT_DIR" in r.error_text()
        r = k.execute('cp.checkpoint("../escape").map(x -> x, List.of(1))')
        assert r.status == "error" and "a checkpoint name is letters, digits" in r.error_text(), r.error_text()
        assert k.ok('cp.map(x -> x + 1, List.of(1))').result == "[2]"
    finally:
        k.shutdown()


def test_two_kernels_on_one_checkpoint_do_not_corrupt_it(tmp_path):
    side = tmp_path / "runs.txt"
    a, b = start(tmp_path), start(tmp_path)
    try:
        gate = tmp_path / "go"
        a.ok(setup_cell(side))
        # the first kernel's map holds the checkpoint until the test opens the gate
        a.ok(f'''var slow = cp.checkpoint("shared").mapAsync(x -> {{
            ran(x);
            while (!java.nio.file.Files.exists(java.nio.file.Path.of("{gate}"))) Thread.sleep(10);
            return x;
        }}, forty, 1);''')
        wait_until(lambda: len(runs(side)) >= 2, timeout=60, what="the first kernel's map to start")
        b.ok('Pool other = new Pool(1);')
        r = b.execute('other.checkpoint("shared").map(x -> x, List.of(1))')
        assert r.status == "error" and "in use by another kernel" in r.error_text(), r.error_text()
        gate.write_text("go")
        assert a.ok('slow.get().size()').result == "40"
        r = b.ok('other.checkpoint("shared").map(x -> -1, List.of(5))')  # a's run ended: b may use it now
        assert r.result == "[-1]"
    finally:
        a.shutdown()
        b.shutdown()


def test_pool_magic_with_checkpoint(kern, tmp_path):
    side = tmp_path / "runs.txt"
    kern.ok(setup_cell(side))
    body = '''%%pool -n 2 --map List.of(1, 2, 3, 4, 5, 6) --as x --out cells --checkpoint magic
ran(x);
x * 3
'''
    first = kern.ok(body).all_text()
    assert "6 inputs to compute" in first, first
    second = kern.ok(body).all_text()
    assert "6 of 6 inputs from the store" in second and "6 from checkpoint 'magic'" in second, second
    assert kern.ok('cells').result == "[3, 6, 9, 12, 15, 18]"
    assert len(runs(side)) == 6
    r = kern.execute('%%pool --map List.of(1) --keep-failures\nit')
    assert r.status == "error" and "--keep-failures goes with --checkpoint" in r.error_text()


def test_a_checkpointed_notebook_run_twice_by_nbconvert_computes_nothing_the_second_time(tmp_path):
    """The same notebook executed twice by nbconvert: the second run takes every result from the checkpoint (no
    input runs again, each run of an input leaves a file) and its saved output is the same. How much faster that is
    belongs to bench/checkpoint_bench.py, not to a pass/fail test."""
    import nbformat
    import subprocess
    from nbformat.v4 import new_code_cell, new_notebook
    ran = tmp_path / "ran"
    ran.mkdir()
    nb = new_notebook(cells=[
        new_code_cell('Pool pool = new Pool(2);\n'
                      'int work(int x) throws Exception {\n'
                      '    java.nio.file.Files.createTempFile(java.nio.file.Path.of("%s"), "input-" + x + "-", "");\n'
                      '    return x * x;\n}' % ran),
        new_code_cell('List<Integer> squares = pool.checkpoint("twice").map(x -> work(x), '
                      'java.util.stream.IntStream.range(0, 24).boxed().toList(), 1);\n'
                      'System.out.println("sum=" + squares.stream().mapToInt(i -> i).sum());'),
    ], metadata={"kernelspec": {"name": "jpool", "display_name": "Java (jpool)", "language": "java"}})
    path = tmp_path / "twice.ipynb"
    nbformat.write(nb, str(path))
    env = dict(os.environ, JPOOL_CHECKPOINT_DIR=str(tmp_path / "ckpt"))
    runs_after = []
    for run in range(2):
        out = tmp_path / f"run{run}.ipynb"
        proc = subprocess.run(["/usr/bin/jupyter", "nbconvert", "--to", "notebook", "--execute", "--output", str(out), str(path)],
                              capture_output=True, text=True, env=env, timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
        text = "".join(o.get("text", "") for o in nbformat.read(str(out), 4).cells[1].outputs)
        assert "sum=4324" in text, text
        runs_after.append(len(list(ran.iterdir())))
    assert runs_after == [24, 24], runs_after


def test_a_value_that_cannot_be_stored_is_returned_and_computed_again_next_time(kern, tmp_path):
    side = tmp_path / "runs.txt"
    kern.ok(setup_cell(side))
    kern.ok('''
        class Picky implements java.io.Serializable {
            final int v;
            Picky(int v) { this.v = v; }
            private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
                if (!Mp.inWorker()) throw new java.io.NotSerializableException("Picky travels only from workers");
                out.defaultWriteObject();
            }
            public String toString() { return "Picky" + v; }
        }
    ''')
    r = kern.ok('cp.checkpoint("picky").map(x -> { ran(x); return new Picky(x); }, List.of(1, 2, 3))')
    assert r.result == "[Picky1, Picky2, Picky3]", r.result
    assert "3 value(s) could not be stored and will be computed again next time" in r.stderr, r.stderr
    r = kern.ok('cp.checkpoint("picky").map(x -> { ran(x); return new Picky(x); }, List.of(1, 2, 3))')
    assert r.result == "[Picky1, Picky2, Picky3]"
    assert len(runs(side)) == 6
