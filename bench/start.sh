#!/usr/bin/env bash
# How long the server takes to start, with and without the workers' class archive (--class-cache), side by side.
#
#   bench/start.sh
#
# One data dir. First an untimed start with one worker and a graceful stop, which leaves the class archive in a cache
# dir of this run. Then ROUNDS (6) starts per side, alternating `--class-cache off` and `--class-cache DIR` (which goes
# first alternates too): `bin/netdisk-server --port 0 --workers WORKERS (2)`, until its log says "listening", then
# SIGTERM and wait. Per start: the time from launch to that log line (the launcher included), the CPU (user + system)
# that the master and its workers had used by then (/proc/PID/stat), and the workers' own "ready in" figures. The
# table gives medians and the ratio with ÷ without.
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

say "making the class archive: one start and a graceful stop..."
start_once "$tmp/train.log" --workers 1 --class-cache "$cache" >/dev/null
ls "$cache"/worker-*.jsa >/dev/null 2>&1 || die "no class archive in $cache after a graceful stop (log $tmp/train.log)"

declare -A MS=() CPU=() READY=()
for ((r = 0; r < ROUNDS; r++)); do
  order=(without with)
  ((r % 2)) && order=(with without)
  for side in "${order[@]}"; do
    option=off
    [[ $side == with ]] && option=$cache
    read -r ms cpu ready < <(start_once "$tmp/$side-$r.log" --workers "$WORKERS" --class-cache "$option")
    MS[$side]+="$ms " CPU[$side]+="$cpu " READY[$side]+="$ready "
    say "round $((r + 1)) $side archive: listening after $ms ms, $cpu s CPU, workers ready in ${ready% } ms"
  done
done

# shellcheck disable=SC2086 # lists of numbers
{
  printf '\n%s, %d workers, %d starts each (%s)\n\n' "$(git -C "$root" rev-parse --short HEAD)" "$WORKERS" "$ROUNDS" \
    "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf '| | without archive | with archive | ratio |\n|---|---:|---:|---:|\n'
  a=$(printf '%.0f' "$(median ${MS[without]})") b=$(printf '%.0f' "$(median ${MS[with]})")
  printf '| launch to "listening", ms | %s | %s | %s |\n' "$a" "$b" "$(ratio "$b" "$a")"
  a=$(printf '%.2f' "$(median ${CPU[without]})") b=$(printf '%.2f' "$(median ${CPU[with]})")
  printf '| CPU of master and workers by then, s | %s | %s | %s |\n' "$a" "$b" "$(ratio "$b" "$a")"
  a=$(printf '%.0f' "$(median ${READY[without]})") b=$(printf '%.0f' "$(median ${READY[with]})")
  printf '| a worker "ready in", ms | %s | %s | %s |\n' "$a" "$b" "$(ratio "$b" "$a")"
}
