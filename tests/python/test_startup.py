"""Start-up: the archive install.sh records for the kernel's first seconds, and the kernel on every installed JDK."""
import glob
import os
import re
import subprocess
from pathlib import Path

import pytest

from kernel_helpers import kernel  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]

STRICT = {"jpool.jsa": "-Xshare:on -XX:SharedArchiveFile={}", "jpool.aot": "-XX:AOTMode=on -XX:AOTCache={}"}


def java_feature(java):
    out = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True).stderr
    m = re.search(r"java\.specification\.version = (\d+)", out)
    return int(m.group(1)) if m else 0


def test_the_kernel_maps_the_archive_install_recorded(kernel):
    args = kernel.execute("java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()"
                          ).assert_ok().result
    m = re.search(r"-XX:(?:SharedArchiveFile|AOTCache)=([^,\]]+)", args)
    assert m, f"the kernel started without the start-up archive install.sh records: {args}"
    archive = Path(m.group(1))
    java = kernel.execute('System.getProperty("java.home")').assert_ok().result.strip('"') + "/bin/java"
    # the strict form refuses to start when the archive cannot be mapped (the kernel's own form falls back silently)
    strict = STRICT[archive.name].format(archive).split()
    done = subprocess.run([java, *strict, "-jar", str(archive.parent / "jpool.jar"), "--version"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("jpool "), done.stdout + done.stderr


RUN_ON_INSTALLED = r"""
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name="jpool", startup_timeout=180)
try:
    for code in ["Runtime.version().feature()",
                 "Pool p = new Pool(2); var v = p.map(x -> x * Runtime.version().feature(), List.of(1, 2)); p.terminate(); v"]:
        got = []
        reply = kc.execute_interactive(code, timeout=180, output_hook=lambda m: got.append(
            m["content"]["data"]["text/plain"]) if m["msg_type"] == "execute_result" else None)
        print("STATUS", reply["content"]["status"], "RESULT", got, flush=True)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=False)
"""


def newer_jdks():
    found = {}
    for java in sorted(glob.glob("/usr/lib/jvm/*/bin/java")):
        real = os.path.realpath(java)
        if real not in found:
            found[real] = java_feature(real)
    return [(j, v) for j, v in found.items() if v > 17]


def test_the_kernel_and_a_pool_run_on_a_newer_jdk(tmp_path):
    jdks = newer_jdks()
    if not jdks:
        pytest.skip("no JDK newer than 17 is installed under /usr/lib/jvm")
    java, feature = max(jdks, key=lambda jv: jv[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER_") and k != "JPOOL_JAVA"}
    env.update(JUPYTER_DATA_DIR=str(tmp_path / "data"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), PYDEVD_DISABLE_FILE_VALIDATION="1")
    done = subprocess.run([str(ROOT / "install" / "install.sh"), "--user"], env={**env, "JPOOL_JAVA": java},
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    spec = tmp_path / "data" / "kernels" / "jpool"
    assert f"Recorded a start-up archive for Java {feature}" in done.stdout, done.stdout + done.stderr
    assert (spec / ("jpool.aot" if feature >= 25 else "jpool.jsa")).is_file(), sorted(os.listdir(spec))
    ran = subprocess.run(["/usr/bin/python3", "-c", RUN_ON_INSTALLED], env=env, capture_output=True, text=True,
                         timeout=600)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert f"STATUS ok RESULT ['{feature}']" in ran.stdout, ran.stdout + ran.stderr
    assert f"STATUS ok RESULT ['[{feature}, {2 * feature}]']" in ran.stdout, ran.stdout + ran.stderr
