#!/usr/bin/env bash
# Runs the Cairn benchmarks and writes BENCHMARKS.md at the repository root.
#
#   persistence-bench/run-benchmarks.sh                 build, run everything (~12 min on 2 cores, plus the build), write BENCHMARKS.md
#   persistence-bench/run-benchmarks.sh --smoke         every benchmark once, briefly, small sizes (~2.5 min);
#                                                       writes persistence-bench/target/BENCHMARKS-smoke.md
#   persistence-bench/run-benchmarks.sh --wait-quiet    first wait (up to 20 min) for a 1-minute load average below 1.5
#   persistence-bench/run-benchmarks.sh --no-build      use the jar already in persistence-bench/target
#   persistence-bench/run-benchmarks.sh -- ARGS         pass ARGS to JMH, e.g. -- 'CommitBench' -prof jfr
#                                                       (one JMH run with exactly these arguments, instead of the
#                                                       embedded run plus the PostgreSQL runs below)
#
# The PostgreSQL targets (postgres-process-crash, postgres-power-loss) run in JMH runs of their own, with a
# subset of the parameters (preloading 100,000 nodes into PostgreSQL takes about half a minute per trial).
# Each JMH fork starts its own PostgreSQL server (PostgresTestServer, from the io.zonky binaries in the jar;
# stopped when the fork exits) unless CAIRN_PG_URL=postgres://user:pass@host:port/db names one; the user
# needs CREATEDB. When no server can be had, the PostgreSQL runs are skipped and the report says why.
#
# Environment: CAIRN_BENCH_DIR (where the SQLite databases go; default persistence-bench/target/bench-data; use
# a disk, not a tmpfs; PostgreSQL's data directory goes under java.io.tmpdir), CAIRN_PG_URL (see above),
# MVN_FLAGS (extra Maven flags, e.g. -o), JAVA (the java to run, default java).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MOD=$ROOT/persistence-bench
JAVA=${JAVA:-java}

smoke=0
build=1
wait_quiet=0
jmh_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --no-build) build=0 ;;
    --wait-quiet) wait_quiet=1 ;;
    --) shift; jmh_args+=("$@"); break ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$build" = 1 ]; then
  echo "Building persistence-bench and the modules it needs..."
  # shellcheck disable=SC2086
  ./mvnw -q ${MVN_FLAGS:-} -pl persistence-bench -am package -DskipTests
fi
JAR=$MOD/target/benchmarks.jar
[ -f "$JAR" ] || { echo "no $JAR; run without --no-build" >&2; exit 1; }

BENCH_DIR=${CAIRN_BENCH_DIR:-$MOD/target/bench-data}
mkdir -p "$BENCH_DIR"
rm -rf "${BENCH_DIR:?}"/cairn-bench-* 2>/dev/null || true

load1() { cut -d' ' -f1 /proc/loadavg; }
note=""
if [ "$wait_quiet" = 1 ]; then
  deadline=$(( $(date +%s) + 1200 ))
  while awk -v l="$(load1)" 'BEGIN { exit !(l >= 1.5) }'; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      note="The machine never got quiet: after waiting 20 minutes the 1-minute load average was still $(load1) (want < 1.5), so this run shares the CPUs with other work and its figures are lower and noisier than on an idle machine."
      echo "$note"
      break
    fi
    echo "load $(load1) >= 1.5; waiting..."
    sleep 30
  done
fi

if [ "$smoke" = 1 ]; then
  JSON=$MOD/target/jmh-smoke.json
  OUT=$MOD/target/BENCHMARKS-smoke.md
  ENV=$MOD/target/bench-env-smoke.txt
  # One short iteration each, no warmup, small sizes: proves every benchmark runs, measures nothing.
  brief=(-f 1 -wi 0 -i 1 -r 200ms)
  settings=("${brief[@]}" -p nodes=100 -p size=1000 -p sessions=1000)
  rounds=1
  note="SMOKE RUN: one 200 ms iteration without warmup and small sizes; these figures mean nothing."
  # The PostgreSQL runs: a JMH benchmark regex and its parameters, one run each.
  pg_runs=(
    "CommitBench\.(throughput|latency)$ -p target=postgres-process-crash,postgres-power-loss -p nodes=100"
    "ReadBench\.activePathTail50$ -p target=postgres-process-crash -p size=1000"
    "ConcurrentCommitBench\.threads(1|16)$ -p target=postgres-process-crash,postgres-power-loss"
  )
else
  JSON=$MOD/target/jmh.json
  OUT=$ROOT/BENCHMARKS.md
  ENV=$MOD/target/bench-env.txt
  brief=()
  settings=()
  rounds=12
  # Sequential commits on both tiers; the session-size cost and the tail read on one tier (reads do not
  # depend on synchronous_commit; process-crash shows a commit's own cost, not hidden behind the WAL flush);
  # 1 against 16 threads on both. About 3 minutes on 2 cores.
  pg_runs=(
    "CommitBench\.(throughput|latency)$ -p target=postgres-process-crash,postgres-power-loss -p nodes=0"
    "CommitBench\.latency$ -p target=postgres-process-crash -p nodes=100,100000"
    "ReadBench\.activePathTail50$ -p target=postgres-process-crash -p size=100000"
    "ConcurrentCommitBench\.threads(1|16)$ -p target=postgres-process-crash,postgres-power-loss"
    "BlobBench -p target=postgres-process-crash"
  )
fi
PG_JSON_PREFIX=${JSON%.json}-postgres
rm -f "$JSON" "$PG_JSON_PREFIX"-*.json
# The user's JMH arguments replace the standard runs: one JMH run, nothing else chosen for them.
[ ${#jmh_args[@]} -gt 0 ] && pg_runs=()

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain -- persistence-api persistence-memory persistence-sqlite persistence-postgres 2>/dev/null)" ]; then
  commit="$commit (with uncommitted changes in the api or provider modules)"
fi
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit: $commit"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores: $(nproc)"
  echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "os: $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), $(uname -srm)"
  echo "java:"
  "$JAVA" -version 2>&1 | sed 's/^/  /'
  echo "filesystem: $(df -PT "$BENCH_DIR" | awk 'NR==2 { print $2 " on " $1 " (" $7 ")" }'), databases in $BENCH_DIR"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
  [ -n "$note" ] && echo "note: $note"
} > "$ENV"

# Whether there is a PostgreSQL server for the postgres targets: starts one (about 2 s) and describes it.
if [ ${#pg_runs[@]} -gt 0 ]; then
  echo "Checking for a PostgreSQL server..."
  pg_status=0
  pg_line=$("$JAVA" -cp "$JAR" dev.cairn.persistence.bench.Postgres) || pg_status=$?
  if [ "$pg_status" = 0 ]; then
    echo "postgres: $pg_line" >> "$ENV"
  elif [ "$pg_status" = 3 ]; then
    # no server to be had (the reason says why and how to name one): the report shows the rest
    echo "postgres: not measured: $pg_line" >> "$ENV"
    echo "No PostgreSQL server, the postgres targets are skipped: $pg_line" >&2
    pg_runs=()
  else
    echo "Checking for a PostgreSQL server failed (exit code $pg_status): $pg_line" >&2
    exit 1
  fi
fi

start=$(date +%s)
echo "Running JMH (results in $JSON)..."
# -prof gc: GC pause time and bytes allocated per operation, which the report shows for the commits.
# Without arguments of the user's, this run covers the embedded stores; PostgreSQL follows in runs of its own.
embedded=()
[ ${#jmh_args[@]} -eq 0 ] && embedded=(-p target=memory,sqlite-process-crash,sqlite-power-loss)
"$JAVA" -Dcairn.bench.dir="$BENCH_DIR" -jar "$JAR" -rf json -rff "$JSON" -prof gc ${settings[@]+"${settings[@]}"} \
  ${embedded[@]+"${embedded[@]}"} ${jmh_args[@]+"${jmh_args[@]}"}
pg_start=$(date +%s)
jsons=$JSON
i=0
for run in ${pg_runs[@]+"${pg_runs[@]}"}; do
  i=$((i + 1))
  echo "Running JMH on PostgreSQL ($i/${#pg_runs[@]}: $run)..."
  read -r -a words <<< "$run"   # a regex and -p options, split on spaces (no globbing)
  "$JAVA" -Dcairn.bench.dir="$BENCH_DIR" -jar "$JAR" -rf json -rff "$PG_JSON_PREFIX-$i.json" -prof gc \
    ${brief[@]+"${brief[@]}"} "${words[@]}"
  jsons="$jsons,$PG_JSON_PREFIX-$i.json"
done
end=$(date +%s)
echo "Cross-checking the provider / raw JDBC ratio with interleaved blocks..."
"$JAVA" -Dcairn.bench.dir="$BENCH_DIR" -Xmx2g -cp "$JAR" dev.cairn.persistence.bench.Interleaved "$ENV" "$rounds"
{
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
  echo "runtime: JMH $(( (end - start) / 60 )) min $(( (end - start) % 60 )) s (of which PostgreSQL $(( end - pg_start )) s), interleaved cross-check $(( $(date +%s) - end )) s"
} >> "$ENV"

# The hand-written analysis (persistence-bench/ANALYSIS.md) goes under the figures of a full run only; Report carries
# the "(hand-written)" sections of the BENCHMARKS.md it replaces into the new one.
analysis=()
[ "$smoke" = 0 ] && analysis=("$MOD/ANALYSIS.md")
"$JAVA" -cp "$JAR" dev.cairn.persistence.bench.Report "$jsons" "$ENV" "$OUT" ${analysis[@]+"${analysis[@]}"}
rm -rf "${BENCH_DIR:?}"/cairn-bench-* 2>/dev/null || true
