"""%maven and %%loadFromPOM against Maven repositories built on disk (file: URLs, a scratch local repository and
settings.xml through $JPOOL_MAVEN_SETTINGS): cells, running pool workers, new pools, Proc and spares see the jars;
every bad input gets one line and changes nothing. One test uses Maven Central and skips when it cannot be reached."""

import time

import pytest

import maven_fixture
from kernel_helpers import Kernel

pytestmark = pytest.mark.skipif(not (maven_fixture.JAVAC and maven_fixture.JAR), reason="needs javac and jar on PATH")


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    root = tmp_path_factory.mktemp("maven")
    repo = maven_fixture.build(root)
    return root, repo


@pytest.fixture(scope="module")
def k(repos):
    root, repo = repos
    s = maven_fixture.settings(root / "settings.xml", root / "local", mirror_url=repo.as_uri())
    kernel = Kernel(extra_env={"JPOOL_MAVEN_SETTINGS": str(s)})
    yield kernel
    kernel.shutdown()


def one_line_error(r, *parts):
    assert r.status == "error", r
    line = r.reply["evalue"]
    assert "\n" not in line, line
    for p in parts:
        assert p in line, line
    return line


def test_malformed_coordinates_print_usage_and_add_nothing(k):
    r = k.execute("%maven commons-math3")
    line = one_line_error(r, "'commons-math3' has 1 part", "expected GROUP:ARTIFACT:VERSION")
    assert r.reply["ename"] == "MagicError"
    one_line_error(k.execute("%maven com.example:greeter:1.0 --exclude nocolon"), "exclusion 'nocolon' is not GROUP:ARTIFACT")
    one_line_error(k.execute("%maven --repo nourl"), "'nourl' is not NAME=URL")
    one_line_error(k.execute("%maven --frobnicate"), "unknown option '--frobnicate'")
    assert "no jars added with %maven yet" in k.execute("%maven --list").assert_ok().all_text()
    assert k.execute("1 + 1").assert_ok().result == "2", line


def test_missing_artifact_names_it_and_the_repositories_tried(k, repos):
    _, repo = repos
    one_line_error(k.execute("%maven com.example:nothere:1.0"),
                   "com.example:nothere:1.0", "was not found", "fixture (" + repo.as_uri())
    one_line_error(k.execute("%maven com.example:greeter:9.9"), "com.example:greeter:9.9", "was not found")


def test_checksum_failure_is_refused(k):
    one_line_error(k.execute("%maven com.example:broken:1.0"), "checksum failure", "com.example:broken:1.0")
    r = k.execute("Class.forName(\"ex.broken.Broken\")")
    assert r.status == "error" and "ClassNotFoundException" in r.error_text(), r


def test_jars_reach_cells_running_workers_new_pools_and_procs(k):
    # a pool whose workers are already running before the jars are added
    k.execute("Pool early = new Pool(2); early.map(x -> x + 1, List.of(1, 2))").assert_ok()
    r = k.execute("%maven com.example:greeter:1.0").assert_ok()
    text = r.all_text()
    assert "resolved 2 jars" in text and "2 added to the class path" in text, text
    assert k.execute('ex.Greeter.greet("cell")').assert_ok().result == 'HELLO CELL!'
    # capture-free lambdas using the library, on the workers that were already running
    assert k.execute('early.map(x -> ex.Greeter.greet("w" + x), List.of(1, 2, 3))').assert_ok().result \
        == '[HELLO W1!, HELLO W2!, HELLO W3!]'
    # a new pool (spares left by the first one, then fresh JVMs) and a Proc
    r = k.execute('Pool late = new Pool(3); late.map(x -> ex.core.Words.version() + ":" + x, List.of(1, 2, 3))').assert_ok()
    assert r.result == "[1.0:1, 1.0:2, 1.0:3]", r
    r = k.execute('var pr = new Proc("m", () -> System.out.println(ex.Greeter.greet(Proc.current().name()))); '
                  'pr.start(); pr.join(); pr.exitCode()').assert_ok()
    assert "HELLO M!" in r.stdout and r.result == "0", r
    k.execute("early.terminate(); late.terminate();").assert_ok()


def test_users_own_gson_wins_over_jpools_in_cells_and_workers(k):
    k.execute("%maven com.google.code.gson:gson:9.9-user").assert_ok()
    assert k.execute("com.google.gson.Gson.who()").assert_ok().result == "the user's gson"
    r = k.execute('Pool g = new Pool(2); var w = g.map(x -> com.google.gson.Gson.who(), List.of(1, 2)); g.terminate(); w')
    assert r.assert_ok().result == "[the user's gson, the user's gson]", r


def test_list_shows_versions_and_where_each_jar_came_from(k, repos):
    _, repo = repos
    text = k.execute("%maven --list").assert_ok().all_text()
    for part in ("com.example:greeter ", "com.example:greeter-core", "1.0", "greeter-1.0.jar", "fixture (" + repo.as_uri()):
        assert part in text, text


def test_version_conflict_says_which_won_and_why(k):
    text = k.execute("%maven com.example:greeter:1.0 com.example:other:1.0").assert_ok().all_text()
    assert ("version conflict: com.example:greeter-core 2.0 (wanted by other 1.0) lost to 1.0 "
            "(the declaration nearest to the notebook wins, as in Maven)") in text, text
    assert k.execute("ex.core.Words.version()").assert_ok().result == '1.0'


def test_load_from_pom_with_its_own_repository(k, repos):
    root, _ = repos
    r = k.execute(f"""%%loadFromPOM
<dependencies>
  <dependency><groupId>com.example</groupId><artifactId>extra</artifactId><version>1.0</version></dependency>
</dependencies>
<repositories><repository><id>second</id><url>{(root / "repo2").as_uri()}</url></repository></repositories>
""").assert_ok()
    assert "1 added to the class path" in r.all_text(), r.all_text()
    assert k.execute("ex.extra.Extra.hi()").assert_ok().result == 'extra'
    one_line_error(k.execute("%%loadFromPOM\n<dependency><groupId>g</groupId></dependency>"),
                   "<dependency> #1 needs <groupId>, <artifactId> and <version>")
    one_line_error(k.execute("%%loadFromPOM\n<dependency>"), "not well-formed XML")


def test_local_repository_is_quick_and_serves_when_the_repository_is_unreachable(k, repos, tmp_path):
    root, _ = repos
    k.execute("%maven com.example:greeter:1.0").assert_ok()  # in the local repository whichever tests ran before
    # same repository id, now pointing at a port nobody listens on: what is in the local repository still resolves
    s = maven_fixture.settings(tmp_path / "settings.xml", root / "local", mirror_url="http://127.0.0.1:9/")
    k2 = Kernel(extra_env={"JPOOL_MAVEN_SETTINGS": str(s)})
    try:
        t0 = time.monotonic()
        text = k2.execute("%maven com.example:greeter:1.0").assert_ok().all_text()
        wall = time.monotonic() - t0
        assert "(all from the local repository)" in text, text
        print(f"\n%maven from the local repository (first use, resolver start included): {wall:.2f} s; {text.strip()}")
        t0 = time.monotonic()
        text = k2.execute("%maven com.example:greeter:1.0").assert_ok().all_text()
        print(f"%maven again: {time.monotonic() - t0:.2f} s; {text.strip()}")
        assert k2.execute('ex.Greeter.greet("x")').assert_ok().result == 'HELLO X!'
        # the jar of greeter-core 2.0 was never downloaded (it lost a conflict), only its POM
        one_line_error(k2.execute("%maven com.example:greeter-core:2.0"), "could not reach fixture (http://127.0.0.1:9/)",
                       "for com.example:greeter-core:2.0", "not in the local repository")
        assert k2.execute("1 + 2").assert_ok().result == "3"
    finally:
        k2.shutdown()


def test_offline_settings_are_honoured(repos, tmp_path):
    root, repo = repos
    s = maven_fixture.settings(tmp_path / "settings.xml", tmp_path / "empty-local", mirror_url=repo.as_uri(), offline=True)
    k3 = Kernel(extra_env={"JPOOL_MAVEN_SETTINGS": str(s)})
    try:
        one_line_error(k3.execute("%maven com.example:greeter:1.0"), "com.example:greeter", "offline in " + str(s))
    finally:
        k3.shutdown()


def test_real_artifact_from_maven_central(tmp_path):
    why = maven_fixture.central_unreachable()
    if why:
        pytest.skip(why)
    s = maven_fixture.settings(tmp_path / "settings.xml", tmp_path / "local")
    kc = Kernel(extra_env={"JPOOL_MAVEN_SETTINGS": str(s)})
    try:
        r = kc.execute("%maven org.apache.commons:commons-math3:3.6.1").assert_ok()
        assert "downloaded" in r.all_text() and "resolved 1 jar" in r.all_text(), r.all_text()
        assert any(m["msg_type"] == "display_data" for m in r.msgs), "no progress display"
        kc.execute("Pool p = new Pool(2)").assert_ok()
        r = kc.execute("p.map(x -> org.apache.commons.math3.util.ArithmeticUtils.gcd(x, 12), List.of(8, 9))")
        assert r.assert_ok().result == "[4, 3]", r
    finally:
        kc.shutdown()
