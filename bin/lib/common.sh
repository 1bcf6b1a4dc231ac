# Shared by the bin/ commands: find the project, a JDK 25+, build what is missing, run.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNNER="$ROOT/local/runner"
CLASSPATH_FILE="$RUNNER/target/runtime-classpath.txt"

java_major() {
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1
}

# The functions are built for Java 25; `java` on PATH may be older.
find_java() {
  local candidate major
  for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" \
      /usr/lib/jvm/*/bin/java /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java \
      "$HOME"/.sdkman/candidates/java/*/bin/java; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    major="$(java_major "$candidate")"
    if [ "${major:-0}" -ge 25 ]; then
      echo "$candidate"
      return 0
    fi
  done
  echo "error: a JDK 25 or newer is needed; install one or set JAVA_HOME" >&2
  exit 2
}

# Builds (quietly, on stderr) when a jar is missing or a main source or pom is newer than the build.
ensure_built() {
  local missing=""
  [ -f "$CLASSPATH_FILE" ] || missing="local runner"
  local jar
  for jar in "$ROOT"/functions/*/pom.xml; do
    local module; module="$(dirname "$jar")"
    [ -f "$module/target/$(basename "$module").jar" ] || missing="$module"
  done
  if [ -z "$missing" ] && [ -z "$(find "$ROOT/pom.xml" "$ROOT/shared" "$ROOT/functions" "$ROOT/local" \
      -newer "$CLASSPATH_FILE" \( -path '*/src/main/*' -o -name pom.xml \) -type f \
      -not -path '*/target/*' -print -quit)" ]; then
    return 0
  fi
  echo "Building (mvn -DskipTests package)..." >&2
  (cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipTests package) >&2
}

# Runs the local runner's command line with the given arguments.
run_local() {
  local java; java="$(find_java)"
  ensure_built
  exec "$java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Ddatamart.root="$ROOT" \
    -Dsqlite4java.library.path="$RUNNER/target/native-libs" \
    -cp "$RUNNER/target/classes:$(cat "$CLASSPATH_FILE")" \
    io.datamart.local.runner.LocalCli "$@"
}
