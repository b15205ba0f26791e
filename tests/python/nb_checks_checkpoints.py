"""Checks of notebooks/07-checkpoints.ipynb after nbconvert executed it (wired in by test_notebooks.py through
CHECKS): a grid search stopped part way resumes from its checkpoint and computes only the rest."""
import re


def _tagged(nb, tag):
    found = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(found) == 1, f"expected one cell tagged {tag!r}, found {len(found)}"
    return found[0]


def _stdout(nb, tag):
    return "".join(o.text for o in _tagged(nb, tag).outputs if o.output_type == "stream" and o.name == "stdout")


def _result(nb, tag):
    results = [o for o in _tagged(nb, tag).outputs if o.output_type == "execute_result"]
    assert len(results) == 1, f"cell {tag!r} has no single value: {_tagged(nb, tag).outputs}"
    return results[0].data["text/plain"]


def check_checkpoints(nb):
    for c in nb.cells:
        if c.cell_type == "code":
            for o in c.outputs:
                assert o.output_type != "error", f"cell {c.get('metadata')} failed: {o.ename}: {o.evalue}"
    m = re.search(r"finished before the stop: (\d+) of 16", _stdout(nb, "cut-short"))
    assert m, _stdout(nb, "cut-short")
    finished = int(m.group(1))
    listing = _result(nb, "listing")
    stored = int(re.search(r"name=topics, inputs stored=(\d+), failures=0", listing).group(1))
    assert finished <= stored < 16, (finished, listing)

    resume = _stdout(nb, "resume")
    assert f"checkpoint 'topics': {stored} of 16 inputs from the store" in resume, resume
    assert f", {16 - stored} to compute" in resume, resume
    scores = _result(nb, "resume")
    assert scores.startswith("[0.981, 0.948, 0.996, 0.983,") and scores.count(",") == 15, scores

    again = _stdout(nb, "all-stored")
    assert "16 of 16 inputs from the store" in again and "nothing to compute" in again, again
    assert "same scores: true" in again, again

    changed = _stdout(nb, "code-changed")
    assert "the code changed since the checkpoint of" in changed and "starting afresh" in changed, changed
    assert "4 of 4 inputs from the store" in _stdout(nb, "magic-again")
    assert _result(nb, "cleanup") == "[]"


CHECKS = {"07-checkpoints.ipynb": check_checkpoints}
