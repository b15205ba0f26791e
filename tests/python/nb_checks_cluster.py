"""Checks of notebooks/09-cluster.ipynb after nbconvert executed it (wired in by test_notebooks.py through CHECKS):
the notebook starts a Spark standalone cluster itself and runs the 8-topic grid search on it, in topic order, with
executor-tagged output; a failing input fails alone; the board of the executors is saved; a time limit fails the input
that runs over alone; an initializer runs on each executor. NEEDS skips it when Spark cannot be resolved (nothing in
~/.m2 and Maven Central out of reach)."""
import re
from pathlib import Path

import maven_fixture

from nb_cells import cell as _cell, all_text as _all_text

SPARK = Path.home() / ".m2" / "repository" / "org" / "apache" / "spark" / "spark-core_2.13" / "4.2.0"


def check_cluster(nb):
    assert "spark://127.0.0.1:" in _all_text(nb, "start")
    assert "2 executors (2 cores)" in _all_text(nb, "pool"), _all_text(nb, "pool")
    grid = _all_text(nb, "grid")
    for topic in ("sports", "politics", "science", "arts", "business", "health", "travel", "food"):
        assert f"@ 127.0.0.1] {topic}: best lambda" in grid, grid
    assert "8 topics tuned, in order: true" in _all_text(nb, "count")
    fail = _all_text(nb, "fail")
    assert "arts" not in fail.split("failed")[0] or "failed: TaskFailed" in fail, fail
    assert "failed: TaskFailed" in fail and "sports ok" in fail and "food ok" in fail, fail
    board = _all_text(nb, "board")  # the board's last frame is saved with the cell
    assert re.search(r"map of 8 items on spark://127\.0\.0\.1:\d+: 8/8 done", board), board
    assert re.search(r"^Spark UI: http://", board, re.M) and len(re.findall(r"^  executor \d+ @ 127\.0\.0\.1 ", board, re.M)) == 2, board
    timed = _all_text(nb, "timeout")
    assert re.search(r"failed: executor \d+ @ 127\.0\.0\.1 interrupted input science, which ran longer than its timeout of 2\.0 s", timed), timed
    assert "ok 6" in timed and "ok 8" in timed and timed.count("ok ") == 7, timed
    init = _all_text(nb, "init")
    for cell_id in ("board", "timeout", "init"):  # a finished map's saved board shows no executor still busy with it
        rows = re.findall(r"^  executor \d+ @ 127\.0\.0\.1 +pid \d+ +(\w+)", _all_text(nb, cell_id), re.M)
        assert rows and set(rows) == {"idle"}, (cell_id, _all_text(nb, cell_id))
    assert re.search(r"\[executor \d+ @ 127\.0\.0\.1\] lexicon loaded", init), init
    assert "[-, model, -, topics]" in init, init


def spark_unavailable():
    if (SPARK / "spark-core_2.13-4.2.0.jar").exists():
        return None
    return maven_fixture.central_unreachable()


CHECKS = {"09-cluster.ipynb": check_cluster}
NEEDS = {"09-cluster.ipynb": spark_unavailable}
