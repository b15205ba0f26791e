#!/usr/bin/env bash
# Removes the jpool kernelspec installed by install.sh.
set -euo pipefail
for py in "${JPOOL_PYTHON:-}" /usr/bin/python3 python3; do
  if [[ -n "$py" ]] && "$py" -c 'import jupyter_client' >/dev/null 2>&1; then
    PYDEVD_DISABLE_FILE_VALIDATION=1 exec "$py" -Xfrozen_modules=off -m jupyter_client.kernelspecapp remove -f jpool
  fi
done
echo "uninstall.sh: jupyter_client not found; nothing removed" >&2; exit 1
