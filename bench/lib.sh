# shellcheck shell=bash
# Shared by the benchmark scripts in bench/. Sourced, not run, after the script has set BENCH_NAME (its name, for
# messages) and root (the repository root):
#
#   self=$(readlink -f -- "${BASH_SOURCE[0]}")
#   root=${self%/bench/NAME.sh}
#   BENCH_NAME=NAME.sh
#   source "$root/bench/lib.sh"
#
# It finds a JDK >= 25 (JAVA_HOME, JAVA), tells the launchers not to build (the script builds, see bench_build), and
# gives: say/die, bench_tmp VAR DIR (temp dirs removed at exit unless KEEP_TMP=1), ALIVE + bench_started/stop_pid (every
# server started is stopped at exit: SIGTERM, 30 s, SIGKILL), free_port, wait_listening, now_ns, cpu_ticks (of pids),
# children_cpu (of this shell's children), write_tree and tree_sum (a tree of random files, and its checksum), median,
# ratio, nginx_conf (the peers' nginx configuration), and start_netdisk (a server with one account, the client
# logged in to it). Works under `set -euo pipefail`.

: "${root:?set root (the repository) before sourcing bench/lib.sh}" "${BENCH_NAME:?set BENCH_NAME first}"
# shellcheck source-path=SCRIPTDIR source=../bin/lib/common.sh
source "$root/bin/lib/common.sh"
netdisk_java_home
# shellcheck disable=SC2034 # for the scripts
JAVA=$JAVA_HOME/bin/java
export NETDISK_SKIP_BUILD=1 # built by bench_build; the launchers must not start their own build

say() { printf '%s\n' "$*" >&2; }
die() {
  say "$BENCH_NAME: $*"
  exit 1
}

declare -a ALIVE=()      # pids of servers started here and not yet stopped
declare -a BENCH_TMPS=() # temp dirs, removed at exit unless KEEP_TMP=1
BENCH_ON_EXIT=''         # a function to run first at exit (optional)

bench_tmp() { # $1 = name of the variable to set, $2 = parent dir: a new temp dir under it, removed at exit
  local -n bench__dir=$1
  bench__dir=$(mktemp -d "$2/netdisk-${BENCH_NAME%.sh}.XXXXXX")
  BENCH_TMPS+=("$bench__dir")
}

bench_started() { ALIVE+=("$1"); } # $1 = pid of a server just started in the background

stop_pid() { # $1 = pid of a server started here; SIGTERM, 30 s, SIGKILL; sets STOPPED_RC
  local pid=$1 i keep=() p
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$BENCH_NAME: pid $pid ignored SIGTERM for 30 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  local rc=0
  wait "$pid" 2>/dev/null || rc=$?
  # shellcheck disable=SC2034 # for the caller
  STOPPED_RC=$rc
  for p in ${ALIVE[@]+"${ALIVE[@]}"}; do
    [[ $p == "$pid" ]] || keep+=("$p")
  done
  ALIVE=(${keep[@]+"${keep[@]}"})
}

bench_cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  if [[ -n $BENCH_ON_EXIT ]]; then "$BENCH_ON_EXIT" || true; fi
  for p in ${ALIVE[@]+"${ALIVE[@]}"}; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in ${ALIVE[@]+"${ALIVE[@]}"}; do
    stop_pid "$p"
  done
  if [[ ${KEEP_TMP:-0} == 1 ]]; then
    ((${#BENCH_TMPS[@]} == 0)) || say "$BENCH_NAME: kept ${BENCH_TMPS[*]}"
  else
    for p in ${BENCH_TMPS[@]+"${BENCH_TMPS[@]}"}; do rm -rf -- "$p"; done
  fi
  exit "$rc"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_build() { # $1 = log file, $2 = modules (comma-separated); offline unless MVN_OFFLINE=0; skipped with SKIP_BUILD=1
  local log=$1 modules=$2 off=()
  [[ ${SKIP_BUILD:-0} == 1 ]] && return 0
  [[ ${MVN_OFFLINE:-1} == 1 ]] && off=(-o)
  say "building $modules (log: $log)..."
  (cd -- "$root" && ./mvnw -B -q "${off[@]}" -DskipTests package -pl "$modules" -am) >"$log" 2>&1 || {
    grep -v '^WARNING' "$log" >&2
    die "build failed"
  }
}

declare -A TAKEN=()
free_port() { # a TCP port nobody listens on or is connected from, not handed out before by this script
  local used p
  used=" $(ss -Htan | awk '{n = split($4, a, ":"); print a[n]}' | sort -u | tr '\n' ' ') "
  while :; do
    p=$((20000 + RANDOM % 30000))
    [[ $used == *" $p "* || -n ${TAKEN[$p]:-} ]] && continue
    TAKEN[$p]=1
    echo "$p"
    return
  done
}

wait_listening() { # $1 = port, $2 = pid, $3 = log
  local i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$2" 2>/dev/null || {
      tail -20 "$3" >&2
      die "server pid $2 exited while starting (log $3)"
    }
    ss -Htln "sport = :$1" | grep -q . && return 0
    sleep 0.1
  done
  die "nothing listens on port $1 after 30 s (log $3)"
}

now_ns() { date +%s%N; }
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { # pids -> their CPU time (user + system) so far, in clock ticks
  local p
  for p in "$@"; do
    if [[ -r /proc/$p/stat ]]; then sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}'; fi
  done | awk '{s += $1} END{print s + 0}'
}
children_cpu() { # sets CHILD_CPU: the CPU (user + system, s) of this shell's reaped children so far; not in $(...)
  local t
  t=$(mktemp) # `times` of this shell: in a subshell it would count the subshell's children only
  times >"$t"
  CHILD_CPU=$(sed -n 2p "$t" | awk '{s = 0; for (i = 1; i <= 2; i++) {split($i, a, "m"); s += a[1] * 60 + a[2]}
    printf "%.3f", s}')
  rm -f -- "$t"
}
write_tree() { # $1 = dir, $2 = files, $3 = directories, $4 = size: files of random bytes, d000/f0000 ...
  local d dir per_dir=$(($2 / $3))
  for ((d = 0; d < $3; d++)); do
    dir=$(printf '%s/d%03d' "$1" "$d")
    mkdir -p "$dir"
    head -c $((per_dir * $4)) /dev/urandom | split -b "$4" -d -a 4 - "$dir/f"
  done
}
tree_sum() { # $1 = dir -> "COUNT SHA256": the number of files and the SHA-256 of their sorted sha256sum lines
  local list
  list=$(cd -- "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
  printf '%s %s\n' "$(grep -c . <<<"$list" || true)" "$(sha256sum <<<"$list" | cut -c1-64)"
}
median() { # numbers on the command line -> median (3 decimals), "-" when none
  [[ $# -gt 0 ]] || {
    echo -
    return
  }
  printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END{m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f", m}'
}
ratio() { # a ÷ b, 2 decimals (3 below 0.1); "-" when either is missing
  awk -v a="$1" -v b="$2" 'BEGIN{if (a == "-" || b == "-" || b == 0) print "-"; else printf (a / b < 0.1 ? "%.3f" : "%.2f"), a / b}'
}

# ---- netdisk: a server with one account (ND_USER, ND_PASSWORD), the client logged in to it

ND_USER=bench
ND_PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n') # only for `user add` and `login`, never exported
declare -A ND_PID=() ND_PORT=() ND_LOG=() ND_DATA=()

nginx_conf() { # $1 = dir (pid, error log, temp files), $2 = port, $3 = worker processes, $4 = connections per worker,
  # $5 = more http-level lines, $6 = the server's locations -> on stdout: the configuration of the benchmarks' nginx
  # (as root, in the foreground, sendfile on, access_log off), listening on 127.0.0.1:PORT
  cat <<EOF
# generated by bench/$BENCH_NAME
user root root;
worker_processes $3;
daemon off;
master_process on;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections $4; }
http {
    access_log off;
    sendfile on;${5:+
$5}
    default_type application/octet-stream;
    client_body_temp_path $1/body;
    proxy_temp_path $1/proxy;
    fastcgi_temp_path $1/fastcgi;
    uwsgi_temp_path $1/uwsgi;
    scgi_temp_path $1/scgi;
    server {
        listen 127.0.0.1:$2;
$6
    }
}
EOF
}
start_netdisk() { # $1 = name, $2 = data dir (created with its one account), $3 = log dir, then server options
  local name=$1 data=$2 dir=$3 log=$3/netdisk-$1.log i port='' pid
  shift 3
  NETDISK_PASSWORD=$ND_PASSWORD "$root/bin/netdisk-server" user add "$ND_USER" --data "$data" >"$dir/user-$name.log" \
    2>&1 || die "netdisk-server user add ($name) failed: $(cat "$dir/user-$name.log")"
  "$root/bin/netdisk-server" --port 0 --data "$data" "$@" >"$log" 2>&1 &
  pid=$!
  bench_started "$pid"
  for ((i = 0; i < 600; i++)); do
    kill -0 "$pid" 2>/dev/null || {
      tail -20 "$log" >&2
      die "netdisk-server ($name) exited while starting"
    }
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -1)
    [[ -n $port ]] && break
    sleep 0.1
  done
  [[ -n $port ]] || die "netdisk-server ($name) not listening after 60 s (log $log)"
  # shellcheck disable=SC2034 # for the scripts
  ND_PID[$name]=$pid ND_PORT[$name]=$port ND_LOG[$name]=$log ND_DATA[$name]=$data
  NETDISK_PASSWORD=$ND_PASSWORD "$root/bin/netdisk" --port "$port" --user "$ND_USER" login >"$dir/login-$name.log" \
    2>&1 || die "netdisk login ($name) failed: $(cat "$dir/login-$name.log")"
}
