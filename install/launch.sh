#!/bin/sh
# Kernel launcher written by install.sh. JPOOL_JAVA_OPTS adds JVM options (e.g. -Xmx8g).
# exec: the kernel must be the process Jupyter started, so signals and "kill the kernel" reach the JVM itself.
here="$(dirname "$0")"
java="${JPOOL_JAVA:-@JAVA@}"
# install.sh recorded a start-up archive for its java (JDK 25+: an AOT cache; 17-24: a class-data sharing archive):
# the classes of JShell and its compiler are mapped from it instead of loaded and verified one by one. Another java
# (JPOOL_JAVA) or a changed jar cannot use it; logging is off so that the JVM then starts without it, silently.
if [ -z "${JPOOL_JAVA:-}" ] && [ -f "$here/jpool.aot" ]; then
  set -- -XX:AOTCache="$here/jpool.aot" -Xlog:aot=off -Xlog:cds=off -jar "$here/jpool.jar" "$@"
elif [ -z "${JPOOL_JAVA:-}" ] && [ -f "$here/jpool.jsa" ]; then
  set -- -XX:SharedArchiveFile="$here/jpool.jsa" -Xlog:cds=off -jar "$here/jpool.jar" "$@"
else
  set -- -jar "$here/jpool.jar" "$@"
fi
# shellcheck disable=SC2086
exec "$java" $JPOOL_JAVA_OPTS -Djava.awt.headless=true "$@"
