#!/usr/bin/env bash
# Installs the jpool Jupyter kernelspec ("Java (jpool)").
#   install/install.sh [--user | --sys-prefix | --prefix DIR] [--demo]
# --demo then runs the demo notebook (notebooks/03-pool.ipynb) headless with nbconvert into target/demo/.
# Builds kernel/target/jpool.jar first when it is missing or older than the sources.
# JVM options for the kernel come from JPOOL_JAVA_OPTS at kernel start (not at install time).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
scope=(--user)
demo=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --user) scope=(--user); shift ;;
    --sys-prefix) scope=(--sys-prefix); shift ;;
    --prefix) [[ $# -ge 2 ]] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
              scope=(--prefix "$2"); shift 2 ;;
    --demo) demo=1; shift ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (use --user, --sys-prefix or --prefix DIR)" >&2; exit 2 ;;
  esac
done

java_bin="${JPOOL_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"
if ! command -v "$java_bin" >/dev/null 2>&1; then
  echo "install.sh: no 'java' found. Install a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk)." >&2; exit 1
fi
java_bin="$(command -v "$java_bin")"   # absolute: the kernel runs this java, not whatever PATH has at kernel start
java_major="$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
java_major="${java_major#1.}"
if [[ -z "$java_major" || "$java_major" -lt 17 ]]; then
  echo "install.sh: jpool needs Java 17 or newer; '$java_bin' is Java ${java_major:-unknown}. Set JAVA_HOME or JPOOL_JAVA." >&2; exit 1
fi
# Jupyter's kernelspec tool, run as a module so that it works without the 'jupyter-kernelspec' script
# (Debian's python3-jupyter-client ships the module only). Debian's Jupyter lives on /usr/bin/python3.
py=""
for cand in "${JPOOL_PYTHON:-}" /usr/bin/python3 python3; do
  [[ -n "$cand" ]] && command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import jupyter_client' >/dev/null 2>&1 && { py="$cand"; break; }
done
if [[ -z "$py" ]]; then
  echo "install.sh: Jupyter (jupyter_client) is not installed for any python3. Install it (Debian: apt-get install python3-jupyter-client jupyter-notebook; pip: pip install jupyter), or set JPOOL_PYTHON." >&2; exit 1
fi
kernelspec() { PYDEVD_DISABLE_FILE_VALIDATION=1 "$py" -Xfrozen_modules=off -m jupyter_client.kernelspecapp "$@"; }

jar="$root/kernel/target/jpool.jar"
if [[ ! -f "$jar" ]] || [[ -n "$(find "$root/kernel/src/main" "$root/kernel/pom.xml" "$root/pom.xml" -newer "$jar" -print -quit)" ]]; then
  command -v mvn >/dev/null || { echo "install.sh: Maven is needed to build jpool (Debian: apt-get install maven)." >&2; exit 1; }
  echo "Building $jar ..."
  (cd "$root" && mvn -q -DskipTests package)
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
spec="$stage/jpool"
mkdir -p "$spec"
cp "$jar" "$spec/jpool.jar"
cp "$here/logo-32x32.png" "$here/logo-64x64.png" "$spec/"
sed "s|@JAVA@|$java_bin|" "$here/launch.sh" > "$spec/launch.sh"
chmod +x "$spec/launch.sh"
# argv[0] is filled in after install because the final directory is only known then.
cat > "$spec/kernel.json" <<JSON
{
  "argv": ["@SPEC@/launch.sh", "{connection_file}"],
  "display_name": "Java (jpool)",
  "language": "java",
  "interrupt_mode": "message",
  "metadata": {"debugger": false}
}
JSON
kernelspec install --replace --name jpool "${scope[@]}" "$spec" >/dev/null 2>&1 \
  || { kernelspec install --replace --name jpool "${scope[@]}" "$spec"; exit 1; }
dest="$(kernelspec list --json 2>/dev/null | "$py" -c 'import json,sys; print(json.load(sys.stdin)["kernelspecs"]["jpool"]["resource_dir"])')"
sed -i "s|@SPEC@|$dest|" "$dest/kernel.json"
echo "Installed kernel 'jpool' (Java (jpool)) in $dest"

if [[ -n "$demo" ]]; then
  out="$root/target/demo"
  mkdir -p "$out"
  echo "Running the demo notebook headless (notebooks/03-pool.ipynb) ..."
  PYDEVD_DISABLE_FILE_VALIDATION=1 "$py" -Xfrozen_modules=off -m nbconvert --to notebook --execute \
    --ExecutePreprocessor.timeout=900 --ExecutePreprocessor.kernel_name=jpool \
    --output-dir "$out" "$root/notebooks/03-pool.ipynb"
  PYDEVD_DISABLE_FILE_VALIDATION=1 "$py" -Xfrozen_modules=off -m nbconvert --to html --output-dir "$out" "$out/03-pool.ipynb" >/dev/null 2>&1 || true
  echo "Demo done: $out/03-pool.ipynb (and .html)"
fi
