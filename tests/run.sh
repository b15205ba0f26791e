#!/usr/bin/env bash
# Runs every jpool test: JUnit (mvn package), then the Jupyter-client tests (conformance suite,
# protocol, console in tmux, notebooks executed by nbconvert, worker process tables) against a kernelspec
# installed into a throw-away Jupyter data dir. Extra arguments go to pytest (e.g. -k pool).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -B package
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export JUPYTER_DATA_DIR="$scratch/data" JUPYTER_RUNTIME_DIR="$scratch/runtime" JUPYTER_CONFIG_DIR="$scratch/config"
export PYDEVD_DISABLE_FILE_VALIDATION=1
install/install.sh --user
/usr/bin/python3 -Xfrozen_modules=off -m pytest -q -p no:cacheprovider tests/python "$@"
