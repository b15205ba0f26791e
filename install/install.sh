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
if [[ -n "${JPOOL_PYTHON:-}" ]] && ! "$JPOOL_PYTHON" -c 'import jupyter_client' >/dev/null 2>&1; then
  # never fall back to another python here: --sys-prefix would then install into that python's prefix
  echo "install.sh: JPOOL_PYTHON=$JPOOL_PYTHON cannot import jupyter_client." >&2; exit 1
fi
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
cat > "$spec/kernel.json" <<JSON
{
  "argv": ["@SPEC@/launch.sh", "{connection_file}"],
  "display_name": "Java (jpool)",
  "language": "java",
  "interrupt_mode": "message",
  "metadata": {"debugger": false}
}
JSON
# Installs with jupyter_client's own KernelSpecManager, which returns the directory it wrote: argv[0] is filled in
# there and only there (asking "where is jpool?" afterwards could name another jpool kernelspec that Jupyter finds
# first, or none at all for a --prefix that is not on Jupyter's path). Prints the directory, then, when Jupyter
# would not find it, the JUPYTER_PATH entry that makes it visible.
install_py='
import json, os, sys
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_core.paths import jupyter_path
spec, scope = sys.argv[1], sys.argv[2:]
kw = {"user": True} if scope == ["--user"] else {"prefix": sys.prefix if scope == ["--sys-prefix"] else os.path.abspath(scope[1])}
dest = KernelSpecManager().install_kernel_spec(spec, "jpool", replace=True, **kw)
path = os.path.join(dest, "kernel.json")
with open(path) as f:
    k = json.load(f)
k["argv"] = [a.replace("@SPEC@", dest) for a in k["argv"]]
with open(path, "w") as f:
    json.dump(k, f, indent=2)
print(dest)
kernels = os.path.dirname(dest)
seen = [os.path.realpath(p) for p in jupyter_path("kernels")]
print("" if os.path.realpath(kernels) in seen else os.path.dirname(kernels))
'
if ! out="$(PYDEVD_DISABLE_FILE_VALIDATION=1 "$py" -Xfrozen_modules=off -c "$install_py" "$spec" "${scope[@]}" 2>"$stage/err")"; then
  echo "install.sh: installing the kernelspec (${scope[*]}) failed:" >&2
  cat "$stage/err" >&2
  exit 1
fi
dest="$(sed -n 1p <<<"$out")"
missing="$(sed -n 2p <<<"$out")"
echo "Installed kernel 'jpool' (Java (jpool)) in $dest"
if [[ -n "$missing" ]]; then
  echo "Jupyter does not look in $missing; to use this kernel, run Jupyter with"
  echo "  export JUPYTER_PATH=$missing\${JUPYTER_PATH:+:\$JUPYTER_PATH}"
fi

# A start-up archive, recorded by running what a kernel does in its first seconds (Main --rehearse-start) once with
# the installed jar and java: later kernels map those classes instead of loading them (see launch.sh). Without it
# the kernel works the same, only slower to start.
if [[ "$java_major" -ge 25 ]]; then
  record=(-XX:AOTCacheOutput="$dest/jpool.aot" -Xlog:aot=off -Xlog:cds=off); archive="$dest/jpool.aot"
else
  record=(-XX:ArchiveClassesAtExit="$dest/jpool.jsa" -Xlog:cds=off); archive="$dest/jpool.jsa"
fi
rm -f "$dest/jpool.aot" "$dest/jpool.jsa"
if "$java_bin" "${record[@]}" -Djava.awt.headless=true -jar "$dest/jpool.jar" --rehearse-start >"$stage/rehearsal" 2>&1 \
   && [[ -s "$archive" ]]; then
  echo "Recorded a start-up archive for Java $java_major: $archive"
else
  rm -f "$archive"
  echo "install.sh: no start-up archive (the kernel starts without it, more slowly): $(tail -n 1 "$stage/rehearsal")" >&2
fi

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
