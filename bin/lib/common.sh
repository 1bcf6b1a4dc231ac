# Shared by the bin/ commands: find the project, a JDK 25+, build what is missing, run.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

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

# The local AWS is moto, the open-source AWS emulator, run by local/moto/serve.py, which
# says in one line why it cannot run here.
require_moto() {
  if ! command -v python3 >/dev/null 2>&1; then
    echo "error: python3 is not on PATH; the local AWS is moto: install Python 3, then pip install 'moto[server]'" >&2
    exit 2
  fi
  local why
  if ! why="$(python3 "$ROOT/local/moto/serve.py" --check 2>&1)"; then
    echo "error: ${why##*$'\n'}" >&2
    exit 2
  fi
}

# Modules bin/ runs from their classes and the runtime classpath their build writes.
RUN_MODULES=(local/runner local/admin)

classpath_file() {
  echo "$ROOT/$1/target/runtime-classpath.txt"
}

# Builds (quietly, on stderr) when a jar or a module's classpath is missing, or a main
# source or pom is newer than a module's last build. One check for every bin/ command.
ensure_built() {
  local missing="" module stamp
  for module in "${RUN_MODULES[@]}"; do
    [ -f "$(classpath_file "$module")" ] || missing="$module"
  done
  local jar
  for jar in "$ROOT"/functions/*/pom.xml; do
    module="$(dirname "$jar")"
    [ -f "$module/target/$(basename "$module").jar" ] || missing="$module"
  done
  if [ -z "$missing" ]; then
    for module in "${RUN_MODULES[@]}"; do
      stamp="$(classpath_file "$module")"
      if [ -n "$(find "$ROOT/pom.xml" "$ROOT/shared" "$ROOT/functions" "$ROOT/local" \
          -newer "$stamp" \( -path '*/src/main/*' -o -name pom.xml \) -type f \
          -not -path '*/target/*' -print -quit)" ]; then
        missing="$module"
        break
      fi
    done
  fi
  [ -n "$missing" ] || return 0
  echo "Building (mvn -DskipTests package)..." >&2
  (cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipTests package) >&2
  # The build leaves a classpath file untouched when it did not change: mark this build.
  for module in "${RUN_MODULES[@]}"; do
    touch "$(classpath_file "$module")"
  done
}

# Runs MAIN_CLASS of the module in MODULE_DIR (relative to the project) with the given
# arguments, from its classes and runtime classpath, building first if needed.
#   run_module local/admin io.datamart.admin.AdminCli "$@"
run_module() {
  local name="$1" main="$2"
  local module="$ROOT/$name"
  shift 2
  local java; java="$(find_java)"
  ensure_built
  exec "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Ddatamart.project.root="$ROOT" \
    -cp "$module/target/classes:$(cat "$(classpath_file "$name")")" \
    "$main" "$@"
}

# Runs the local runner's command line with the given arguments, on moto.
run_local() {
  require_moto
  run_module local/runner io.datamart.local.runner.LocalCli "$@"
}
