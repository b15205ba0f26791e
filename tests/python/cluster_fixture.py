"""A real Spark standalone cluster on this machine for the cluster-pool tests: a Master and Workers started as
separate JVMs (loopback only) by `java -cp jpool.jar jpool.cluster.LocalStandalone WORKERS CORES`, which resolves
Spark from Maven Central into ~/.m2 the first time and stops every JVM it started when its stdin closes."""

import subprocess
from pathlib import Path

import pytest

JAR = Path(__file__).resolve().parents[2] / "kernel" / "target" / "jpool.jar"


class StandaloneCluster:
    def __init__(self, workers=2, cores=1):
        self.proc = subprocess.Popen(["java", "-cp", str(JAR), "jpool.cluster.LocalStandalone", str(workers), str(cores)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.master = None
        self.pids = []
        for line in self.proc.stdout:  # ends when the launcher prints its result (or dies)
            if line.startswith("FAILED"):
                self.close()
                if "could not be resolved" in line:
                    pytest.skip("Spark cannot be resolved (no Maven Central and nothing in ~/.m2): " + line.strip())
                raise AssertionError(line)
            if line.startswith("MASTER "):
                self.master = line.split()[1]
            if line.startswith("PIDS "):
                self.pids = [int(p) for p in line.split()[1:]]
                break
        assert self.master, "the local cluster did not start"

    def close(self):
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)
