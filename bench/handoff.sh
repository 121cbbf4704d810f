#!/usr/bin/env bash
# Hand-off benchmark: connect → Hello → first answer (Welcome), sequential connections, against
#   baseline      a plain in-process accept-and-answer JVM (netdisk.bench.BaselineServer), no hand-off
#   thread-*      netdisk-server --mode thread   (hand-off in memory)
#   process-*     netdisk-server --mode process  (hand-off as an fd over AF_UNIX/SCM_RIGHTS)
# each real server at the default log level (INFO) and at WARN, plus process mode with a JDK 25 AOT cache for the
# workers. Also reports master/worker RSS (idle, after the first COUNT connections, at the end) and worker start
# times with and without the AOT cache. Everything runs on 127.0.0.1; every server started here is stopped here.
#
#   bench/handoff.sh
#
# A diagnostic target, process-warn-c1, runs the workers C1-only (-XX:TieredStopAtLevel=1, the defaults before uploads
# were hashed), and a paced
# pass (PACED_US µs of idle before every connection) shows the latency when the CPUs are idle between connections.
#
# Env (defaults): ROUNDS=5 COUNT=1000 WARMUP=3000 WORKERS=2 START_CYCLES=3 AOT=1 TRAIN_COUNT=500 PACED_US=1000
#                 (0: no paced pass) PACED_ROUNDS=3 SKIP_BUILD=0 MVN_OFFLINE=1 KEEP_TMP=0 (keep the temp dir)
set -euo pipefail

ROUNDS=${ROUNDS:-5}
COUNT=${COUNT:-1000}
WARMUP=${WARMUP:-3000}
WORKERS=${WORKERS:-2}
START_CYCLES=${START_CYCLES:-3}
AOT=${AOT:-1}
TRAIN_COUNT=${TRAIN_COUNT:-500}
PACED_US=${PACED_US:-1000}
PACED_ROUNDS=${PACED_ROUNDS:-3}

self=$(readlink -f -- "${BASH_SOURCE[0]}")
root=${self%/bench/handoff.sh}
BENCH_NAME=handoff.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$root/bench/lib.sh" # JAVA, say, die, temp dirs, servers stopped at exit (with reap, below)

# The master's JVM flags, as bin/netdisk-server sets them (checked against a running master below).
MASTER_FLAGS=(--enable-native-access=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED -XX:+UseSerialGC -Xms32m)
# The driver's JVM flags: the same for every target.
DRIVER_FLAGS=(-XX:+UseSerialGC -Xshare:auto)
BENCH_CP="$root/bench/target/netdisk-bench.jar:$root/bench/target/lib/*"
SERVER_CP="$root/server/target/netdisk-server.jar:$root/server/target/lib/*"

started=$(date +%s)
load_before=$(cut -d" " -f1-3 /proc/loadavg)
tmp=''
bench_tmp tmp "${TMPDIR:-/tmp}"

declare -A PID=() PORT=() LOGF=() WPIDS=() RSS=() RC=()
# ---- cleanup: SIGTERM every server still running, wait (30 s, then SIGKILL) and make sure its workers went; lib.sh
#      then removes the temp dir

reap() { # $1 = pid of a server started by this script; sets REAPED_RC
  local pid=$1 i w
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "handoff.sh: pid $pid ignored SIGTERM for 30 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  REAPED_RC=0
  wait "$pid" 2>/dev/null || REAPED_RC=$?
  for w in ${WPIDS[$pid]:-}; do # workers exit on EOF of their control socket; make sure
    if kill -0 "$w" 2>/dev/null; then
      sleep 1
      if kill -0 "$w" 2>/dev/null; then kill -TERM "$w" 2>/dev/null || true; fi
    fi
  done
  local keep=() p
  for p in "${ALIVE[@]}"; do
    [[ $p == "$pid" ]] || keep+=("$p")
  done
  ALIVE=(${keep[@]+"${keep[@]}"})
}

cleanup() {
  local p
  if [[ -n ${DRIVER_PID:-} ]]; then
    kill -TERM "$DRIVER_PID" 2>/dev/null || true
    wait "$DRIVER_PID" 2>/dev/null || true
  fi
  for p in ${ALIVE[@]+"${ALIVE[@]}"}; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in ${ALIVE[@]+"${ALIVE[@]}"}; do
    reap "$p"
  done
}
BENCH_ON_EXIT=cleanup

# ---- build

build() {
  local off=() log=$tmp/build.log
  [[ ${MVN_OFFLINE:-1} == 1 ]] && off=(-o)
  say "building (log: $log)..."
  (
    cd -- "$root"
    if grep -q '<module>bench</module>' pom.xml; then
      ./mvnw -B -q "${off[@]}" -DskipTests package -pl protocol,server,bench -am
    else
      # bench is not (yet) a module of the parent: install parent + protocol, then build bench on its own
      ./mvnw -B -q "${off[@]}" -DskipTests install -pl protocol -am
      ./mvnw -B -q "${off[@]}" -DskipTests package -pl server
      ./mvnw -B -q "${off[@]}" -DskipTests -f bench/pom.xml package
    fi
  ) >"$log" 2>&1 || {
    grep -v '^WARNING' "$log" >&2
    die "build failed"
  }
}
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  build
fi
[[ -f $root/server/target/netdisk-server.jar && -f $root/bench/target/netdisk-bench.jar ]] ||
  die "server/target/netdisk-server.jar or bench/target/netdisk-bench.jar missing"

# ---- /proc helpers

children_of() { cat /proc/"$1"/task/*/children 2>/dev/null || true; }

# "VmRSS RssAnon RssFile" of a pid, in KiB
rss_kib() {
  awk '/^VmRSS:/{r=$2} /^RssAnon:/{a=$2} /^RssFile:/{f=$2} END{print r+0, a+0, f+0}' /proc/"$1"/status 2>/dev/null ||
    echo "0 0 0"
}
mib() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }

# "VmRSS MiB (anon+file)" of a pid
rss_text() {
  local r a f
  read -r r a f < <(rss_kib "$1")
  printf '%s (%s+%s)' "$(mib "$r")" "$(mib "$a")" "$(mib "$f")"
}

# ---- servers

wait_ready() { # $1 = name; sets PORT[name] from the log, or from `status --json` when the log is at WARN
  local name=$1 pid=${PID[$1]} log=${LOGF[$1]} i json port=''
  for ((i = 0; i < 600; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -20 "$log" >&2
      die "$name exited while starting (log above, $log)"
    fi
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -1)
    if [[ -z $port && $name != baseline && $((i % 5)) == 4 ]]; then
      json=$("$root/bin/netdisk-server" status --json --data "$tmp/$name/data" 2>/dev/null || true)
      if [[ $json == *'"state":"running"'* ]]; then
        port=$(sed -n 's/.*"listen":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' <<<"$json")
      fi
    fi
    if [[ -n $port ]]; then
      PORT[$name]=$port
      WPIDS[$pid]=$(children_of "$pid" | tr '\n' ' ')
      return 0
    fi
    sleep 0.1
  done
  tail -20 "$log" >&2
  die "$name not ready after 60 s (log above, $log)"
}

start_baseline() {
  local name=baseline
  mkdir -p "$tmp/$name"
  LOGF[$name]=$tmp/$name/server.log
  : >"${LOGF[$name]}" # there before the server starts: wait_ready reads it at once
  "$JAVA" "${MASTER_FLAGS[@]}" -cp "$BENCH_CP" netdisk.bench.BaselineServer --port 0 >"${LOGF[$name]}" 2>&1 &
  PID[$name]=$!
  bench_started "$!"
  wait_ready "$name"
}

# start_server NAME MODE WORKERS SERVER_OPTS [more server args...]
start_server() {
  local name=$1 mode=$2 workers=$3 opts=$4
  shift 4
  mkdir -p "$tmp/$name/data"
  LOGF[$name]=$tmp/$name/server.log
  : >"${LOGF[$name]}" # there before the server starts: wait_ready reads it at once
  NETDISK_SERVER_OPTS=$opts "$root/bin/netdisk-server" --port 0 --data "$tmp/$name/data" --mode "$mode" \
    --workers "$workers" "$@" >"${LOGF[$name]}" 2>&1 &
  PID[$name]=$!
  bench_started "$!"
  wait_ready "$name"
}

stop_server() {
  local name=$1
  reap "${PID[$name]}"
  RC[$name]=$REAPED_RC
  if ((REAPED_RC != 0)); then
    say "handoff.sh: $name exited with status $REAPED_RC (log: ${LOGF[$name]})"
  fi
}

sample_rss() { # $1 = phase; RSS[name,phase] = "master text|worker text; worker text"
  local phase=$1 name pid w ws
  for name in "${TARGETS[@]}"; do
    pid=${PID[$name]}
    ws=''
    for w in ${WPIDS[$pid]:-}; do
      ws+="${ws:+; }$(rss_text "$w")"
    done
    RSS[$name,$phase]="$(rss_text "$pid")|${ws:--}"
  done
}

# the driver runs in the background so that a signal to this script interrupts the wait at once (cleanup stops it)
DRIVER_PID=''
driver() {
  "$JAVA" "${DRIVER_FLAGS[@]}" -cp "$BENCH_CP" netdisk.bench.HandoffBench "$@" &
  DRIVER_PID=$!
  local rc=0
  wait "$DRIVER_PID" || rc=$?
  DRIVER_PID=''
  return "$rc"
}

# ready-in figures of a server log: "w0 w1 ... | master"
ready_figures() {
  local log=$1 workers master
  workers=$(sed -n 's/.*\] ready in \([0-9]*\) ms.*/\1/p' "$log" | tr '\n' ' ')
  master=$(sed -n 's/.*listening on .*(ready in \([0-9]*\) ms).*/\1/p' "$log" | head -1)
  printf '%s| %s' "$workers" "${master:-?}"
}

# does pid $1 map a file whose path contains $2?
maps_file() { grep -q -- "$2" /proc/"$1"/maps 2>/dev/null; }

# ---- the machine

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
jdk=$("$JAVA" -version 2>&1 | sed -n '2p')
say "machine: $(nproc) CPUs, $cpu; $jdk; Linux $(uname -r)"

# ---- default worker JVM options (from ServerConfig, so that this script follows changes)

cat >"$tmp/PrintWorkerOptions.java" <<'EOF'
public class PrintWorkerOptions {
    public static void main(String[] args) {
        System.out.println(String.join(" ", netdisk.server.ServerConfig.DEFAULT_WORKER_JVM_OPTIONS));
    }
}
EOF
DEFAULT_WORKER_OPTS=$("$JAVA" -cp "$SERVER_CP" "$tmp/PrintWorkerOptions.java")
# -XX:AOTCacheOutput / -XX:AOTCache refuse to start together with any -Xshare:* option (JDK 25: "Option AOTCache cannot
# be used at the same time with -Xshare:on, -Xshare:auto, ..."), so the AOT runs drop it.
AOT_BASE_OPTS=$(tr ' ' '\n' <<<"$DEFAULT_WORKER_OPTS" | grep -v '^-Xshare:' | tr '\n' ' ')
AOT_BASE_OPTS=${AOT_BASE_OPTS% }
# Diagnostic: the default worker options made C1-only, as they were before uploads were hashed (one compiler thread).
C1_WORKER_OPTS="$(tr ' ' '\n' <<<"$DEFAULT_WORKER_OPTS" | grep -v -e '^-XX:CICompilerCount=' | tr '\n' ' ')"
C1_WORKER_OPTS="${C1_WORKER_OPTS% } -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1"

# ---- AOT cache for the workers: training run (1 worker, TRAIN_COUNT connections, graceful stop writes the cache)

aot_note=''
aot_ok=0
if [[ $AOT == 1 ]]; then
  say "AOT training run ($TRAIN_COUNT connections)..."
  t0=$(date +%s%N)
  TARGETS=()
  start_server aot-train process 1 "" --worker-jvm-options "$AOT_BASE_OPTS -XX:AOTCacheOutput=$tmp/worker.aot"
  driver --warmup 0 --count "$TRAIN_COUNT" "train=127.0.0.1:${PORT[aot-train]}" >"$tmp/aot-train/driver.out" 2>&1 ||
    say "handoff.sh: training connections had failures (see $tmp/aot-train/driver.out)"
  stop_server aot-train
  train_ms=$((($(date +%s%N) - t0) / 1000000))
  if [[ -s $tmp/worker.aot ]]; then
    aot_ok=1
    aot_note="cache $(mib $(($(stat -c %s "$tmp/worker.aot") / 1024))) MiB, training run $train_ms ms in all (start, $TRAIN_COUNT connections, stop, cache assembly by a child JVM at worker exit)"
  else
    aot_note="no cache was written; worker output: $(grep -iE 'aot|error' "${LOGF[aot-train]}" | grep -v '\[warning\]\[aot\] Skipping' | head -5 | tr '\n' ' ')"
    say "handoff.sh: AOT: $aot_note"
  fi
  AOT_WORKER_OPTS="$AOT_BASE_OPTS -XX:AOTCache=$tmp/worker.aot"
fi

# ---- worker start time, with and without the AOT cache (process mode, INFO, START_CYCLES starts each)

declare -a START_PLAIN=() START_AOT=()
start_cycle() { # $1 = name, $2 = worker JVM options (empty: server default); sets CYCLE_OUT
  local name=$1 opts=$2 w maps=''
  TARGETS=("$name")
  if [[ -n $opts ]]; then
    start_server "$name" process "$WORKERS" "" --worker-jvm-options "$opts"
  else
    start_server "$name" process "$WORKERS" ""
  fi
  sleep 1 # idle
  for w in ${WPIDS[${PID[$name]}]}; do
    if maps_file "$w" worker.aot; then
      maps+=" aot"
    elif maps_file "$w" classes.jsa; then
      maps+=" cds"
    else
      maps+=" none"
    fi
  done
  sample_rss idle
  stop_server "$name"
  CYCLE_OUT="$(ready_figures "${LOGF[$name]}")|${RSS[$name,idle]#*|}|${maps# }"
}
say "worker start times: $START_CYCLES start(s) with the default worker options$( ((aot_ok)) && echo ', and as many with the AOT cache')..."
for ((c = 1; c <= START_CYCLES; c++)); do
  start_cycle "start-plain-$c" ""
  START_PLAIN+=("$CYCLE_OUT")
  if ((aot_ok)); then
    start_cycle "start-aot-$c" "$AOT_WORKER_OPTS"
    START_AOT+=("$CYCLE_OUT")
  fi
done

# ---- the benchmark servers, started one after another

TARGETS=(baseline thread-info thread-warn process-info process-warn process-warn-c1)
((aot_ok)) && TARGETS+=(process-aot)
say "starting ${TARGETS[*]}..."
start_baseline
start_server thread-info thread "$WORKERS" ""
start_server thread-warn thread "$WORKERS" "-Dnetdisk.log.level=WARN"
start_server process-info process "$WORKERS" ""
start_server process-warn process "$WORKERS" "-Dnetdisk.log.level=WARN"
start_server process-warn-c1 process "$WORKERS" "-Dnetdisk.log.level=WARN" --worker-jvm-options "$C1_WORKER_OPTS"
if ((aot_ok)); then
  start_server process-aot process "$WORKERS" "" --worker-jvm-options "$AOT_WORKER_OPTS"
fi
master_cmd=$(tr '\0' ' ' <"/proc/${PID[process-info]}/cmdline")
for f in "${MASTER_FLAGS[@]}"; do
  [[ " $master_cmd " == *" $f "* ]] || say "handoff.sh: note: the real master is not run with $f (baseline is)"
done
endpoints=()
for name in "${TARGETS[@]}"; do
  endpoints+=("$name=127.0.0.1:${PORT[$name]}")
done
sleep 1
sample_rss idle

say "first $COUNT connections per target (cold, not in the table)..."
driver --warmup 0 --count "$COUNT" "${endpoints[@]}" >"$tmp/driver-cold.out" 2>&1 ||
  say "handoff.sh: failures in the cold pass (see below)"
sample_rss after1k

say "measuring: $ROUNDS rounds × ${#TARGETS[@]} targets × ($WARMUP warm-up + $COUNT measured) connections..."
driver --rounds "$ROUNDS" --warmup "$WARMUP" --count "$COUNT" --rotate 1 "${endpoints[@]}" >"$tmp/driver.out" 2>&1 ||
  say "handoff.sh: the driver reported failures (see below)"
sample_rss end
if ((PACED_US > 0)); then
  say "paced pass: $PACED_US µs idle before each connection, $PACED_ROUNDS rounds × ($((WARMUP / 10)) warm-up + $COUNT measured)..."
  driver --pause-us "$PACED_US" --rounds "$PACED_ROUNDS" --warmup $((WARMUP / 10)) --count "$COUNT" --rotate 2 "${endpoints[@]}" \
    >"$tmp/driver-paced.out" 2>&1 || say "handoff.sh: failures in the paced pass (see below)"
fi
ready_bench_process=$(ready_figures "${LOGF[process-info]}")
ready_bench_aot=''
((aot_ok)) && ready_bench_aot=$(ready_figures "${LOGF[process-aot]}")
aot_mapped=''
if ((aot_ok)); then
  for w in ${WPIDS[${PID[process-aot]}]}; do
    maps_file "$w" worker.aot && aot_mapped+=y || aot_mapped+=n
  done
fi
for name in "${TARGETS[@]}"; do
  stop_server "$name"
done

# ---- report

total_conns=$((COUNT + ROUNDS * (WARMUP + COUNT)))
summary() { grep "^SUMMARY name=$1 " "${2:-$tmp/driver.out}" | head -1 || true; }
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
us() { awk -v n="$1" 'BEGIN{printf "%.1f", n/1000}'; }

describe() {
  case $1 in
    baseline) echo "baseline (in-process accept → answer on the accept thread)" ;;
    thread-info) echo "thread mode, INFO log (default)" ;;
    thread-warn) echo "thread mode, WARN log" ;;
    process-info) echo "process mode, INFO log (default)" ;;
    process-warn) echo "process mode, WARN log" ;;
    process-aot) echo "process mode, INFO, AOT-cached workers" ;;
    process-warn-c1) echo "process mode, WARN, workers C1-only (diagnostic)" ;;
  esac
}

base=$(summary baseline)
base_med=$(field "$base" median_ns)
echo
echo "### Hand-off: connect → Hello → first answer (Welcome)"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs ($cpu), $jdk, Linux $(uname -r); $WORKERS workers; loopback 127.0.0.1;"
echo "load average before the run: $load_before."
echo "Sequential connections; per target and round $WARMUP warm-up + $COUNT measured; $ROUNDS rounds, target order"
echo "rotated each round; figures are the median of the per-round figures (per-round medians in the last column)."
echo
echo "| target | median µs | p90 µs | p99 µs | mean µs | conn/s | median − baseline | ÷ baseline | failed | per-round medians µs |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for name in "${TARGETS[@]}"; do
  s=$(summary "$name")
  if [[ -z $s ]]; then
    echo "| $(describe "$name") | (no result) | | | | | | | | |"
    continue
  fi
  med=$(field "$s" median_ns)
  rounds_txt=$(grep "^RESULT name=$name " "$tmp/driver.out" || true)
  rounds_txt=$(sed -n 's/.* median_ns=\([0-9]*\).*/\1/p' <<<"$rounds_txt" |
    awk '{printf "%s%.0f", (NR>1?" / ":""), $1/1000}')
  if [[ $name == baseline ]]; then
    diff='—'
    ratio='1.00'
  else
    diff=$(awk -v a="$med" -v b="$base_med" 'BEGIN{printf "%+.1f µs", (a-b)/1000}')
    ratio=$(awk -v a="$med" -v b="$base_med" 'BEGIN{printf "%.2f", a/b}')
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(describe "$name")" "$(us "$med")" \
    "$(us "$(field "$s" p90_ns)")" "$(us "$(field "$s" p99_ns)")" "$(us "$(field "$s" mean_ns)")" \
    "$(field "$s" conn_per_s)" "$diff" "$ratio" "$(field "$s" failed)" "$rounds_txt"
done
pi=$(summary process-info)
pw=$(summary process-warn)
if [[ -n $pi && -n $pw ]]; then
  echo
  echo "Target: process-mode hand-off adds ≤ 100 µs over the baseline (median): INFO $(awk -v a="$(field "$pi" median_ns)" -v b="$base_med" 'BEGIN{d=(a-b)/1000; printf "%+.1f µs → %s", d, (d<=100?"met":"MISSED")}'), WARN $(awk -v a="$(field "$pw" median_ns)" -v b="$base_med" 'BEGIN{d=(a-b)/1000; printf "%+.1f µs → %s", d, (d<=100?"met":"MISSED")}')."
fi

if ((PACED_US > 0)); then
  echo
  echo "Paced: the same servers, $PACED_US µs of idle before every connection (CPUs mostly idle between connections); $PACED_ROUNDS rounds × ($((WARMUP / 10)) warm-up + $COUNT measured), median of the per-round figures:"
  echo
  echo "| target | median µs | p90 µs | p99 µs | median − baseline | failed |"
  echo "|---|---:|---:|---:|---:|---:|"
  pbase=$(field "$(summary baseline "$tmp/driver-paced.out")" median_ns)
  for name in "${TARGETS[@]}"; do
    s=$(summary "$name" "$tmp/driver-paced.out")
    [[ -n $s ]] || continue
    printf '| %s | %s | %s | %s | %s | %s |\n' "$(describe "$name")" "$(us "$(field "$s" median_ns)")" \
      "$(us "$(field "$s" p90_ns)")" "$(us "$(field "$s" p99_ns)")" \
      "$(awk -v a="$(field "$s" median_ns)" -v b="$pbase" 'BEGIN{printf "%+.1f µs", (a-b)/1000}')" "$(field "$s" failed)"
  done
fi

echo
echo "#### Memory (VmRSS MiB, in brackets RssAnon+RssFile)"
echo
echo "Idle = all servers started, 1 s idle; after ${COUNT} = after the cold pass of $COUNT connections; end = after all $total_conns connections per target."
echo
echo "| target | master idle | master after $COUNT | master end | workers idle | workers after $COUNT | workers end |"
echo "|---|---|---|---|---|---|---|"
for name in "${TARGETS[@]}"; do
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$(describe "$name")" \
    "${RSS[$name,idle]%%|*}" "${RSS[$name,after1k]%%|*}" "${RSS[$name,end]%%|*}" \
    "${RSS[$name,idle]#*|}" "${RSS[$name,after1k]#*|}" "${RSS[$name,end]#*|}"
done

echo
echo "#### Worker start ($WORKERS process workers started together; \"ready in\" from the master's log)"
echo
echo "| worker JVM | start | workers ready in (ms) | master ready in (ms) | worker RSS idle, MiB | archive mapped |"
echo "|---|---|---|---|---|---|"
row_start() {
  local label=$1 i=$2 line=$3 ready master rss maps
  IFS='|' read -r ready master rss maps <<<"$line"
  printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "$i" "${ready% }" "${master# }" "$rss" "$maps"
}
for ((c = 0; c < ${#START_PLAIN[@]}; c++)); do
  row_start "default options ($DEFAULT_WORKER_OPTS)" $((c + 1)) "${START_PLAIN[c]}"
done
for ((c = 0; c < ${#START_AOT[@]}; c++)); do
  row_start "AOT cache (-XX:AOTCache, no -Xshare:auto)" $((c + 1)) "${START_AOT[c]}"
done
echo
echo "Benchmark servers (started one after another, others idle): process-info workers/master ready in ${ready_bench_process} ms${ready_bench_aot:+; process-aot ${ready_bench_aot} ms}."
echo "Thread mode: master ready in $(ready_figures "${LOGF[thread-info]}" | sed 's/.*| //') ms; baseline: $(sed -n 's/.*(.*ready in \([0-9]*\) ms).*/\1/p' "${LOGF[baseline]}") ms to listening."
if [[ $AOT == 1 ]]; then
  echo
  if ((aot_ok)); then
    echo "AOT: $aot_note. Training options: \`$AOT_BASE_OPTS -XX:AOTCacheOutput=…/worker.aot\`; the benchmark's AOT workers mapped the cache: $aot_mapped."
  else
    echo "AOT: FAILED — $aot_note"
  fi
fi

echo
echo "#### Sanity"
echo
for name in "${TARGETS[@]}"; do
  warns=$(grep -cE ' (WARN|ERROR) ' "${LOGF[$name]}" || true)
  printf -- '- %s: exit status %s, %s WARN/ERROR log lines, log %s lines\n' "$name" "${RC[$name]:-?}" "$warns" \
    "$(wc -l <"${LOGF[$name]}")"
done
echo
echo "Per-round results (driver output):"
echo
echo '```'
grep -v '^RESULT\|^SUMMARY' "$tmp/driver.out" || true
echo "-- cold pass (first $COUNT connections after start, driver cold too):"
grep -v '^RESULT\|^SUMMARY' "$tmp/driver-cold.out" || true
if ((PACED_US > 0)); then
  echo "-- paced pass ($PACED_US µs idle before each connection):"
  grep -v '^RESULT\|^SUMMARY' "$tmp/driver-paced.out" || true
fi
echo '```'
say "done in $(($(date +%s) - started)) s"
