#!/usr/bin/env bash
# Runnel vs Apache Kafka, side by side on this machine.
#
#   benchmarks/bench.sh [--quick] [--only produce,consume,projected,bytes,latency,aggregate] [--rows N] ...
#   benchmarks/bench.sh --help          # every option
#
# Builds what it needs on first use (the benchmarks module and the modules it depends on, and the
# Kafka broker's class path), then runs io.runnel.bench.suite.BenchSuite in its own JVM. That JVM
# starts a Kafka broker and, once the server exists in this checkout, a Runnel server, and stops
# both at the end whatever happens; this script also kills, by pid, any server it left behind
# (e.g. if the suite's JVM was killed with SIGKILL). See benchmarks/README.md.
#
# Environment:
#   BENCH_JAVA_OPTS   JVM options of the suite's JVM (the clients of both sides run there)
#   JAVA_HOME         the JDK to use (else java on PATH); Kafka's broker runs on the same JVM
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CLASSPATH_FILE="$ROOT/benchmarks/target/suite.classpath"
PID_FILE="$ROOT/benchmarks/target/bench-servers.pids"
# The servers' data and logs live in a temporary directory under here (or under --work-dir).
WORK_PARENT="$ROOT/benchmarks/target/bench-work"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# 3 GB: the 10M-row dataset (≈0.6 GB of Order objects) plus client buffers; fixed size so that no
# run pays for heap growth.
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xms3g -Xmx3g -XX:+UseG1GC}"

needs_build() {
  [[ ! -s "$CLASSPATH_FILE" ]] && return 0
  # Rebuild when any source or POM the suite depends on is newer than the last build.
  [[ -n "$(find pom.xml benchmarks/pom.xml benchmarks/src/main storage/pom.xml storage/src/main \
        jdbc-driver/pom.xml jdbc-driver/src/main -newer "$CLASSPATH_FILE" -print -quit 2>/dev/null)" ]]
}

if needs_build; then
  echo "bench: building the benchmarks module and what it depends on (first use, or sources changed) ..." >&2
  # One reactor invocation: package, then write the runtime class path pointing at the reactor's
  # own jars (not at whatever another checkout installed into ~/.m2).
  ./mvnw -B -q package dependency:build-classpath -pl benchmarks -am -DskipTests \
    -Dmdep.outputFile="$CLASSPATH_FILE" -Dmdep.includeScope=runtime
fi

cleanup() {
  # The suite stops its servers and deletes their data itself (also on Ctrl-C); this is for a
  # suite JVM that died too hard to do so (SIGKILL, out of memory).
  [[ -s "$PID_FILE" ]] || { rm -f "$PID_FILE"; return 0; }
  while read -r pid name; do
    [[ -n "${pid:-}" ]] || continue
    if kill -0 "$pid" 2>/dev/null; then
      echo "bench: stopping leftover $name (pid $pid)" >&2
      for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do kill "$child" 2>/dev/null || true; done
      kill "$pid" 2>/dev/null || true
    fi
  done < "$PID_FILE"
  rm -f "$PID_FILE"
  if [[ -z "$USER_WORK_DIR" ]]; then
    sleep 2 # let the servers exit before their files go
    rm -rf "$WORK_PARENT"/runnel-bench-*
  fi
}
trap cleanup EXIT

USER_WORK_DIR=""
for arg in "$@"; do
  [[ "$arg" == --work-dir* ]] && USER_WORK_DIR=yes
done
WORK_ARGS=()
[[ -n "$USER_WORK_DIR" ]] || WORK_ARGS=(--work-dir "$WORK_PARENT")

# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
"$JAVA" $BENCH_JAVA_OPTS -Djava.awt.headless=true --add-opens=java.base/java.nio=ALL-UNNAMED \
  -cp "$ROOT/benchmarks/target/classes:$(cat "$CLASSPATH_FILE")" \
  io.runnel.bench.suite.BenchSuite --repo-root "$ROOT" --pid-file "$PID_FILE" "${WORK_ARGS[@]}" "$@"
