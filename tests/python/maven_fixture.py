"""Small Maven repositories on disk for the %maven tests: jars compiled here with javac/jar, POMs, .sha1 checksums,
and a settings.xml that points the kernel at a scratch local repository (the real ~/.m2 is never touched)."""

import hashlib
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

JAVAC = shutil.which("javac")
JAR = shutil.which("jar")


def _checksum(path):
    path.with_name(path.name + ".sha1").write_text(hashlib.sha1(path.read_bytes()).hexdigest())


def pom(group, artifact, version, deps=()):
    d = "".join(f"<dependency><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version></dependency>"
                for g, a, v in deps)
    return (f'<?xml version="1.0"?><project><modelVersion>4.0.0</modelVersion><groupId>{group}</groupId>'
            f'<artifactId>{artifact}</artifactId><version>{version}</version><dependencies>{d}</dependencies></project>')


def publish(repo, work, group, artifact, version, sources, deps=(), classpath=(), bad_checksum=False):
    """Compiles `sources` ({relative path: text}) into GROUP:ARTIFACT:VERSION in `repo`, with its POM and checksums."""
    src = work / f"{artifact}-{version}-src"
    classes = work / f"{artifact}-{version}-classes"
    for rel, text in sources.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text)
    cmd = [JAVAC, "--release", "17", "-d", str(classes)]
    if classpath:
        cmd += ["-cp", ":".join(str(c) for c in classpath)]
    subprocess.run(cmd + [str(p) for p in src.rglob("*.java")], check=True)
    target = repo / group.replace(".", "/") / artifact / version
    target.mkdir(parents=True, exist_ok=True)
    jar = target / f"{artifact}-{version}.jar"
    subprocess.run([JAR, "cf", str(jar), "-C", str(classes), "."], check=True)
    p = target / f"{artifact}-{version}.pom"
    p.write_text(pom(group, artifact, version, deps))
    _checksum(jar)
    _checksum(p)
    if bad_checksum:
        jar.with_name(jar.name + ".sha1").write_text("0" * 40)
    return jar


def build(root):
    """A repository at root/repo: greeter 1.0 -> greeter-core 1.0; other 1.0 -> greeter-core 2.0 (a conflict);
    broken 1.0 with a wrong checksum; and a second repository root/repo2 with extra 1.0 (for <repositories>)."""
    repo, work = root / "repo", root / "work"
    core1 = publish(repo, work, "com.example", "greeter-core", "1.0",
                    {"ex/core/Words.java": "package ex.core; public class Words { "
                     "public static String shout(String s) { return s.toUpperCase() + \"!\"; } "
                     "public static String version() { return \"1.0\"; } }"})
    publish(repo, work, "com.example", "greeter-core", "2.0",
            {"ex/core/Words.java": "package ex.core; public class Words { "
             "public static String shout(String s) { return s.toUpperCase() + \"!!\"; } "
             "public static String version() { return \"2.0\"; } }"})
    publish(repo, work, "com.example", "greeter", "1.0",
            {"ex/Greeter.java": "package ex; public class Greeter { "
             "public static String greet(String n) { return ex.core.Words.shout(\"hello \" + n); } }"},
            deps=[("com.example", "greeter-core", "1.0")], classpath=[core1])
    publish(repo, work, "com.example", "other", "1.0",
            {"ex/other/Other.java": "package ex.other; public class Other { public static int one() { return 1; } }"},
            deps=[("com.example", "greeter-core", "2.0")])
    publish(repo, work, "com.example", "broken", "1.0",
            {"ex/broken/Broken.java": "package ex.broken; public class Broken { }"}, bad_checksum=True)
    # a stand-in for a user's own gson, in the package jpool's gson has (relocated inside jpool.jar)
    publish(repo, work, "com.google.code.gson", "gson", "9.9-user",
            {"com/google/gson/Gson.java": "package com.google.gson; public class Gson { "
             "public static String who() { return \"the user's gson\"; } }"})
    publish(root / "repo2", work, "com.example", "extra", "1.0",
            {"ex/extra/Extra.java": "package ex.extra; public class Extra { public static String hi() { return \"extra\"; } }"})
    return repo


def settings(path, local, mirror_url=None, mirror_id="fixture", offline=False):
    """A settings.xml with a scratch local repository; `mirror_url` replaces Maven Central (tests stay offline)."""
    mirror = (f"<mirrors><mirror><id>{mirror_id}</id><url>{mirror_url}</url><mirrorOf>central</mirrorOf></mirror></mirrors>"
              if mirror_url else "")
    path.write_text(f"<settings><localRepository>{local}</localRepository>"
                    f"<offline>{'true' if offline else 'false'}</offline>{mirror}</settings>")
    return path


CENTRAL = "https://repo.maven.apache.org/maven2/"


def central_unreachable():
    """Why Maven Central cannot be used from this machine (a skip reason), or None when it answers."""
    try:
        urllib.request.urlopen(CENTRAL + "org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.pom", timeout=10).close()
        return None
    except urllib.error.HTTPError:
        return None  # it answered
    except OSError as e:
        return f"Maven Central ({CENTRAL}) cannot be reached from this machine: {e}"
