#!/usr/bin/env bash
# What the tutorial's design costs before netdisk's protocol, login and bookkeeping: issue 5's case (a) (a new
# connection per download of a 4 KiB file, concurrency 16, "process mode, hand-off included") asks netdisk for
# nginx's rate, and netdisk's master must accept every connection and pass it to a worker process. bench/c/handoff.c
# does just that in C, and nothing else: in `handoff` mode its master accepts and sends each connection to the next
# worker (SCM_RIGHTS over a socketpair, then close), in `direct` mode its workers accept for themselves, as nginx's
# do. Each worker reads the request, writes an HTTP header and sendfile()s the file. netdisk.bench.HttpFloorServer
# does the same in a JVM. So all contenders speak the same HTTP to the same driver:
#
#   nginx         worker_processes WORKERS, sendfile on, access_log off (bench/smallfiles.sh's configuration)
#   c-direct      bench/c/handoff.c direct   WORKERS
#   c-handoff     bench/c/handoff.c handoff  WORKERS
#   java-accept   netdisk.bench.HttpFloorServer --on accept --threads WORKERS: one JVM, WORKERS platform threads
#                 blocking in accept on one socket, each serving what it accepted (the least a JVM does per connection)
#   java-virtual  netdisk.bench.HttpFloorServer --on virtual: one JVM, one acceptor, a virtual thread per connection
#                 (how a netdisk worker serves a session, minus the hand-off, the protocol, the login and the hash)
#   java-handoff  netdisk.bench.HttpFloorServer --on handoff --threads WORKERS: netdisk's process model and nothing
#                 else: a master JVM accepts and passes each connection to the next of WORKERS worker JVMs with the
#                 server's own Libc.sendMessage (SCM_RIGHTS) and NioBridge; a worker serves it on its receiving thread
#
# driven by `wrk -t 2 -c CONC -d WRK_SECONDS -H 'Connection: close'`, ROUNDS rounds in rotating order. Per run:
# requests per second (wrk), the servers' CPU per request (master and workers, /proc/PID/stat, over the run; the
# request count from wrk). The table gives medians and the ratios to nginx. netdisk itself is not in it: its case (a)
# is bench/smallfiles.sh's (its own protocol, its C driver); run that beside this one to compare. The Java rows
# say what a JVM alone costs: netdisk does all of their work and more for each connection.
#
#   bench/handoff-floor.sh
#
# Env (defaults): ROUNDS=5 CONC=16 WORKERS=2 WRK_SECONDS=2 SIZE=4096 KEEP_TMP=0 SKIP_BUILD=0 (builds bench first)
# Needs root (nginx as root, as bench/smallfiles.sh); installs nginx, wrk and gcc from Debian's packages if missing.
set -euo pipefail
self=$(readlink -f -- "${BASH_SOURCE[0]}")
root=${self%/bench/handoff-floor.sh}
BENCH_NAME=handoff-floor.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$root/bench/lib.sh"

ROUNDS=${ROUNDS:-5}
CONC=${CONC:-16}
WORKERS=${WORKERS:-2}
WRK_SECONDS=${WRK_SECONDS:-2}
SIZE=${SIZE:-4096}

[[ $(id -u) == 0 ]] || die "needs root: nginx is started as root"
missing=()
for tool in nginx wrk gcc; do command -v "$tool" >/dev/null 2>&1 || [[ -x /usr/sbin/$tool ]] || missing+=("$tool"); done
[[ -e /usr/include/stdio.h ]] || missing+=(libc6-dev)
if ((${#missing[@]} > 0)); then
  say "installing: ${missing[*]}..."
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 ||
    die "apt-get install ${missing[*]} failed"
fi

started=$(date +%s)
load_before=$(cut -d" " -f1-3 /proc/loadavg)
pressure_before=$(sed -n 's/^some avg10=\([^ ]*\) avg60=\([^ ]*\).*/\1 % (10 s), \2 % (60 s)/p' /proc/pressure/cpu 2>/dev/null || true)
tmp=
bench_tmp tmp "${TMPDIR:-/tmp}"
trap bench_cleanup EXIT
chmod 755 "$tmp"
mkdir -p "$tmp/www/dl" "$tmp/nginx"
head -c "$SIZE" /dev/urandom >"$tmp/www/dl/small.bin"
gcc -O2 -std=c11 -Wall -o "$tmp/handoff" "$root/bench/c/handoff.c" >"$tmp/build.log" 2>&1 ||
  die "gcc could not compile bench/c/handoff.c: $(cat "$tmp/build.log")"
bench_build "$tmp/build-java.log" protocol,server,client,bench

declare -A PORT=() PIDS=()
PORT[nginx]=$(free_port)
nginx_conf "$tmp/nginx" "${PORT[nginx]}" "$WORKERS" 1024 "" "        location /dl/ { alias $tmp/www/dl/; }" \
  >"$tmp/nginx/nginx.conf"
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" >"$tmp/nginx/stdout.log" 2>&1 &
PIDS[nginx]=$!
bench_started "${PIDS[nginx]}"
wait_listening "${PORT[nginx]}" "${PIDS[nginx]}" "$tmp/nginx/error.log"
for mode in direct handoff; do
  PORT[c-$mode]=$(free_port)
  "$tmp/handoff" "$mode" "${PORT[c-$mode]}" "$tmp/www/dl/small.bin" "$WORKERS" >"$tmp/c-$mode.log" 2>&1 &
  PIDS[c-$mode]=$!
  bench_started "${PIDS[c-$mode]}"
  wait_listening "${PORT[c-$mode]}" "${PIDS[c-$mode]}" "$tmp/c-$mode.log"
done
for on in accept virtual handoff; do
  PORT[java-$on]=$(free_port)
  "$JAVA" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
    -cp "$root/bench/target/netdisk-bench.jar:$root/bench/target/lib/*" netdisk.bench.HttpFloorServer --on "$on" \
    --threads "$WORKERS" --port "${PORT[java-$on]}" --file "$tmp/www/dl/small.bin" >"$tmp/java-$on.log" 2>&1 &
  PIDS[java-$on]=$!
  bench_started "${PIDS[java-$on]}"
  wait_listening "${PORT[java-$on]}" "${PIDS[java-$on]}" "$tmp/java-$on.log"
done
sleep 0.5
sum=$(sha256sum <"$tmp/www/dl/small.bin" | cut -c1-64)
contenders=(nginx c-direct c-handoff java-accept java-virtual java-handoff)
declare -A SERVER_PIDS=()
for who in "${contenders[@]}"; do
  got=$(curl -sS --fail "http://127.0.0.1:${PORT[$who]}/dl/small.bin" | sha256sum | cut -c1-64)
  [[ $got == "$sum" ]] || die "$who serves another file"
  SERVER_PIDS[$who]="${PIDS[$who]} $({ pgrep -P "${PIDS[$who]}" || true; } | tr '\n' ' ')"
done

declare -A RATE=() CPU=()
run() { # $1 = contender [$2 = 1 on a retry] -> "rate cpu_us" (requests/s, server CPU µs per request)
  local who=$1 out t0 t1 requests
  # shellcheck disable=SC2086 # pids, one word each
  t0=$(cpu_ticks ${SERVER_PIDS[$who]})
  out=$(wrk -t 2 -c "$CONC" -d "${WRK_SECONDS}s" -H 'Connection: close' "http://127.0.0.1:${PORT[$who]}/dl/small.bin")
  # shellcheck disable=SC2086
  t1=$(cpu_ticks ${SERVER_PIDS[$who]})
  if [[ $out == *"Non-2xx"* || $out == *"Socket errors"* ]]; then
    # seen once in c-handoff (every connection of a run reset after its answer), never twice in a row: one retry
    ((${2:-0} == 0)) || die "$who: wrk saw errors twice in a row: $out"
    say "$who: wrk saw errors, run again: $(grep -e Non-2xx -e 'Socket errors' <<<"$out")"
    run "$who" 1
    return
  fi
  requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$out")
  awk -v r="$(sed -n 's/^Requests\/sec: *//p' <<<"$out")" -v t=$((t1 - t0)) -v k="$CLK_TCK" -v n="$requests" \
    'BEGIN{printf "%.0f %.1f\n", r, t / k * 1e6 / n}'
}
say "warming up (1 s each, 5 s for the JVMs' JIT)..."
for who in "${contenders[@]}"; do
  wrk -t 2 -c "$CONC" -d "$([[ $who == java-* ]] && echo 5 || echo 1)s" -H 'Connection: close' "http://127.0.0.1:${PORT[$who]}/dl/small.bin" >/dev/null
done
for ((r = 0; r < ROUNDS; r++)); do
  for ((k = 0; k < ${#contenders[@]}; k++)); do
    who=${contenders[(r + k) % ${#contenders[@]}]}
    read -r rate cpu < <(run "$who")
    RATE[$who]+="$rate " CPU[$who]+="$cpu "
    say "round $((r + 1))  $who: $rate requests/s, server CPU $cpu µs each"
  done
done

echo "### The hand-off's floor in C and in a bare JVM: bench/handoff-floor.sh ($(date -u '+%Y-%m-%d %H:%M UTC'))"
echo
echo "Machine: $(nproc) vCPUs ($(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1)), $(uname -sr)," \
  "$("$JAVA" -version 2>&1 | sed -n 2p), $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)." \
  "Load average before: $load_before; CPU pressure before: ${pressure_before:-n/a}."
echo "A $SIZE-byte file over HTTP/1.1 with Connection: close, wrk -t 2 -c $CONC -d ${WRK_SECONDS}s, $WORKERS worker" \
  "processes or threads each; $ROUNDS rounds in rotating order after 1 s of warm-up each (5 s for the JVMs); medians (all rounds in brackets)."
echo
echo "| server | requests/s | ÷ nginx | server CPU per request, µs | ÷ nginx |"
echo "|---|---:|---:|---:|---:|"
# shellcheck disable=SC2086
base_rate=$(median ${RATE[nginx]}) base_cpu=$(median ${CPU[nginx]})
for who in "${contenders[@]}"; do
  # shellcheck disable=SC2086
  rate=$(median ${RATE[$who]}) cpu=$(median ${CPU[$who]})
  printf '| %s | %.0f (%s) | %s | %.1f (%s) | %s |\n' "$who" "$rate" "$(echo ${RATE[$who]} | sed 's/ /, /g')" \
    "$(ratio "$rate" "$base_rate")" "$cpu" "$(echo ${CPU[$who]} | sed 's/ /, /g')" "$(ratio "$cpu" "$base_cpu")"
done
echo
[[ ! -s $tmp/nginx/error.log ]] || say "nginx's error log: $(cat "$tmp/nginx/error.log")"
echo "done in $(($(date +%s) - started)) s"
