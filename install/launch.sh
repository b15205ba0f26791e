#!/bin/sh
# Kernel launcher written by install.sh. JPOOL_JAVA_OPTS adds JVM options (e.g. -Xmx8g).
# exec: the kernel must be the process Jupyter started, so signals and "kill the kernel" reach the JVM itself.
here="$(dirname "$0")"
java="${JPOOL_JAVA:-@JAVA@}"
# shellcheck disable=SC2086
exec "$java" $JPOOL_JAVA_OPTS -Djava.awt.headless=true \
  -jar "$here/jpool.jar" "$@"
