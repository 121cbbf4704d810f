#!/usr/bin/env bash
# How long the server takes to start, with and without the class archives (the workers': --class-cache; the master's:
# bin/netdisk-server's, NETDISK_SERVER_CDS), side by side.
#
#   bench/start.sh
#
# One data dir. First an untimed start with one worker and a graceful stop, which leaves the workers' archive in a
# cache dir of this run (and the launcher makes the master's, if this build has none yet). Then ROUNDS (6) starts per
# side, in rotating order: no archive (NETDISK_SERVER_CDS=0, --class-cache off), the workers' (NETDISK_SERVER_CDS=0,
# --class-cache DIR), both (--class-cache DIR): `bin/netdisk-server --port 0 --workers WORKERS (2)`, until its log
# says "listening", then SIGTERM and wait. Per start: the time from launch to that log line (the launcher included),
# the CPU (user + system) that the master and its workers had used by then (/proc/PID/stat), and the workers' own
# "ready in" figures. The table gives medians and the ratios to no archive.
#
# Env (defaults): ROUNDS=6 WORKERS=2 SKIP_BUILD=0 MVN_OFFLINE=1 KEEP_TMP=0
set -euo pipefail
self=$(readlink -f -- "${BASH_SOURCE[0]}")
root=${self%/bench/start.sh}
BENCH_NAME=start.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$root/bench/lib.sh"

ROUNDS=${ROUNDS:-6}
WORKERS=${WORKERS:-2}

tmp=
bench_tmp tmp "${TMPDIR:-/tmp}"
trap bench_cleanup EXIT
bench_build "$tmp/build.log" protocol,server
data=$tmp/data
cache=$tmp/cache

# one start -> "MS CPU_S READY_MS..." on stdout; $1 = log, then server options
start_once() {
  local log=$1 t0 t1 pid line='' i
  shift
  t0=$(now_ns)
  "$root/bin/netdisk-server" --port 0 --data "$data" "$@" >"$log" 2>&1 &
  pid=$!
  bench_started "$pid"
  for ((i = 0; i < 3000; i++)); do
    line=$(grep -m1 'listening on' "$log" || true)
    [[ -n $line ]] && break
    kill -0 "$pid" 2>/dev/null || {
      tail -20 "$log" >&2
      die "the server exited while starting (log $log)"
    }
    sleep 0.02
  done
  [[ -n $line ]] || die "not listening after 60 s (log $log)"
  t1=$(now_ns)
  # shellcheck disable=SC2046 # pids, one word each
  local ticks
  ticks=$(cpu_ticks "$pid" $(pgrep -P "$pid"))
  stop_pid "$pid"
  [[ $STOPPED_RC == 0 ]] || die "the server exited with $STOPPED_RC on SIGTERM (log $log)"
  printf '%d %s %s\n' $(((t1 - t0) / 1000000)) "$(awk -v t="$ticks" -v hz="$CLK_TCK" 'BEGIN{printf "%.2f", t / hz}')" \
    "$(grep -o 'PROCESS\[PID [0-9]*:no [0-9]*\] ready in [0-9]*' "$log" | awk '{print $NF}' | tr '\n' ' ')"
}

say "making the class archives (the master's by bin/netdisk-server, the workers' by a start and a graceful stop)..."
NETDISK_SERVER_CDS=1 start_once "$tmp/train.log" --workers 1 --class-cache "$cache" >/dev/null
ls "$cache"/worker-*.jsa >/dev/null 2>&1 || die "no class archive in $cache after a graceful stop (log $tmp/train.log)"

sides=(none workers both)
declare -A MS=() CPU=() READY=()
declare -A MASTER=([none]=0 [workers]=0 [both]=1) WORKER=([none]=off [workers]=$cache [both]=$cache)
for ((r = 0; r < ROUNDS; r++)); do
  for ((k = 0; k < 3; k++)); do
    side=${sides[(r + k) % 3]}
    read -r ms cpu ready < <(NETDISK_SERVER_CDS=${MASTER[$side]} start_once "$tmp/$side-$r.log" --workers "$WORKERS" \
      --class-cache "${WORKER[$side]}")
    MS[$side]+="$ms " CPU[$side]+="$cpu " READY[$side]+="$ready "
    say "round $((r + 1)), archives for $side: listening after $ms ms, $cpu s CPU, workers ready in ${ready% } ms"
  done
done

# shellcheck disable=SC2059,SC2086 # $2 is a number format of this script's; the values are lists of numbers
row() { # $1 = label, $2 = printf format of a value, $3 = name of the array
  local -n values=$3
  local a b c
  a=$(printf "$2" "$(median ${values[none]})") b=$(printf "$2" "$(median ${values[workers]})")
  c=$(printf "$2" "$(median ${values[both]})")
  printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$a" "$b" "$(ratio "$b" "$a")" "$c" "$(ratio "$c" "$a")"
}
{
  printf '\n%s, %d workers, %d starts each (%s)\n\n' "$(git -C "$root" rev-parse --short HEAD)" "$WORKERS" "$ROUNDS" \
    "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf '| | no archive | workers'"'"' archive | ratio | workers'"'"' and master'"'"'s | ratio |\n'
  printf '|---|---:|---:|---:|---:|---:|\n'
  row 'launch to "listening", ms' '%.0f' MS
  row 'CPU of master and workers by then, s' '%.2f' CPU
  row 'a worker "ready in", ms' '%.0f' READY
}
