"""Checks of notebooks/08-maven.ipynb after nbconvert executed it (wired in by test_notebooks.py through CHECKS):
Commons Math from Maven Central fits a curve per topic in a pool; %%loadFromPOM brings Commons Text and, transitively,
Commons Lang; a version that does not exist is one line. The notebook needs Maven Central: NEEDS skips it, saying
why, when Central cannot be reached."""
import re

import maven_fixture

from nb_cells import cell as _cell, all_text as _all_text


def check_maven(nb):
    resolved = _all_text(nb, "maven")
    # first run on this machine downloads, later runs are served by the local repository
    assert re.search(r"resolved 1 jar in \d+ ms (\(all from the local repository\)|, downloaded \d+ files?)", resolved), resolved
    assert "1 added to the class path of cells and workers" in resolved, resolved
    assert "downloading:" not in resolved, f"the progress line was not replaced by the summary: {resolved}"

    listing = _all_text(nb, "list")
    for part in ("org.apache.commons:commons-math3", "3.6.1", "commons-math3-3.6.1.jar"):
        assert part in listing, listing

    # every topic's degree is the one its data was made with: the fits ran in the pool's workers with Commons Math
    found = re.findall(r"^(\w+) +degree (\d) \(true (\d)\)$", _all_text(nb, "found"), re.M)
    assert len(found) == 8, _all_text(nb, "found")
    for name, degree, true in found:
        assert degree == true, (name, degree, true)
    assert "Fit[topic=weather, degree=1," in _all_text(nb, "fits"), _all_text(nb, "fits")

    pom = _all_text(nb, "pom")
    assert re.search(r"resolved 2 jars in \d+ ms", pom) and "2 added to the class path" in pom, pom
    assert _all_text(nb, "pom-use").startswith("[Weather: degree 1, Traffic: degree 2, Energy: degree 3,"), \
        _all_text(nb, "pom-use")

    missing = [o for o in _cell(nb, "missing").outputs if o.output_type == "error"]
    assert len(missing) == 1, _cell(nb, "missing").outputs
    line = missing[0].evalue
    assert "\n" not in line and "org.apache.commons:commons-math3:9.9.9 was not found" in line and "central" in line, line

    after = _all_text(nb, "after")
    for part in ("commons-math3", "commons-text", "commons-lang3"):
        assert part in after, after
    assert "9.9.9" not in after, after


CHECKS = {"08-maven.ipynb": check_maven}
NEEDS = {"08-maven.ipynb": maven_fixture.central_unreachable}
