#!/usr/bin/env bash
# Removes the jpool kernelspec that install.sh installed in one scope.
#   install/uninstall.sh [--user | --sys-prefix | --prefix DIR]
# The same scopes as install.sh (default --user). Only that scope's 'jpool' kernelspec is removed, and only when it
# is one install.sh wrote (its launch.sh and jpool.jar are there): a 'jpool' kernelspec elsewhere is left alone.
set -euo pipefail
scope=(--user)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --user) scope=(--user); shift ;;
    --sys-prefix) scope=(--sys-prefix); shift ;;
    --prefix) [[ $# -ge 2 ]] || { echo "uninstall.sh: --prefix needs a directory" >&2; exit 2; }
              scope=(--prefix "$2"); shift 2 ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "uninstall.sh: unknown option '$1' (use --user, --sys-prefix or --prefix DIR)" >&2; exit 2 ;;
  esac
done
if [[ -n "${JPOOL_PYTHON:-}" ]] && ! "$JPOOL_PYTHON" -c 'import jupyter_client' >/dev/null 2>&1; then
  # never fall back to another python: --sys-prefix would then look in that python's prefix
  echo "uninstall.sh: JPOOL_PYTHON=$JPOOL_PYTHON cannot import jupyter_client." >&2; exit 1
fi
py=""
for cand in "${JPOOL_PYTHON:-}" /usr/bin/python3 python3; do
  [[ -n "$cand" ]] && command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import jupyter_client' >/dev/null 2>&1 && { py="$cand"; break; }
done
[[ -n "$py" ]] || { echo "uninstall.sh: jupyter_client not found for any python3; nothing removed" >&2; exit 1; }
# The directory is worked out from the scope the way jupyter_client's KernelSpecManager.install_kernel_spec does,
# never by asking Jupyter where 'jpool' is (that could name another scope's kernelspec, which is not ours to remove).
remove_py='
import os, shutil, sys
from jupyter_core.paths import jupyter_data_dir
scope = sys.argv[1:]
if scope == ["--user"]:
    base = os.path.join(jupyter_data_dir(), "kernels")
else:
    prefix = sys.prefix if scope == ["--sys-prefix"] else os.path.abspath(scope[1])
    base = os.path.join(prefix, "share", "jupyter", "kernels")
spec = os.path.join(base, "jpool")
if not os.path.isfile(os.path.join(spec, "kernel.json")):
    print(f"uninstall.sh: no jpool kernelspec in {base}; nothing removed", file=sys.stderr)
    sys.exit(1)
if not (os.path.isfile(os.path.join(spec, "launch.sh")) and os.path.isfile(os.path.join(spec, "jpool.jar"))):
    print(f"uninstall.sh: {spec} was not written by install.sh (no launch.sh and jpool.jar); nothing removed",
          file=sys.stderr)
    sys.exit(1)
shutil.rmtree(spec)
print(f"Removed kernel \x27jpool\x27 from {spec}")
'
PYDEVD_DISABLE_FILE_VALIDATION=1 exec "$py" -Xfrozen_modules=off -c "$remove_py" "${scope[@]}"
