#!/usr/bin/env bash
# Small-file benchmark (issue 5): many small downloads and uploads, netdisk against the usual peers, on 127.0.0.1.
#
#   (a) New connection per download. COUNT (2,000) downloads of one SIZE (4 KiB) file of random bytes at CONC (16).
#       netdisk: `bin/netdisk-server --mode process` (default workers: the fd hand-off is included), driven by
#       netdisk.bench.SmallFileBench --mode connect: CONC platform threads, each download = TCP connect, Hello,
#       Login and GetFile (the lean client sends the three in one write, as protocol 1.3 allows a client that knows
#       the server; the client library sends Hello and its ticket Login together, as its transfer connections do),
#       answered by Welcome, LoginOk, FileInfo + content, SHA-256 of the content checked against the announced one
#       and against the file's, close. WARMUP (10,000) downloads of the same kind first, untimed, in the same JVM;
#       and before the first round, SERVER_WARMUP_CONNECT (60,000) downloads on new connections and SERVER_WARMUP
#       (150,000) in sessions, untimed, so that the server is measured as it runs for its users, its JIT done: a
#       fresh server's CPU per download fell from 178 µs over the first 50,000 in sessions to 114 over the next
#       and 62-66 from the 100,000th on (it was measured with 3,000 of each until 2026-11-29 04:00 UTC).
#       Twice: with the client library (NetdiskClient.getFile, what `bin/netdisk get` uses) and with a lean client
#       written with the protocol module alone (RawSession: no watchdog thread, no background hashing).
#       And a third time with the C driver, bench/c/ndload.c (compiled here into the temp dir with gcc), which drives
#       netdisk as wrk drives nginx: `ndload -t 2 -c CONC -m connect`, two threads with an epoll loop each over
#       their share of CONC non-blocking connections, C_WARMUP (1) s untimed, then WRK_SECONDS timed; per download
#       socket, TCP_NODELAY, connect, Hello + Login + GetFile in one write, Welcome, LoginOk, FileInfo + content
#       checked (type and request id of every frame; FileInfo's size, offset and SHA-256; the content byte for byte
#       against the file), close. It encodes nothing: `SmallFileBench --emit-requests` writes the Hello + Login and
#       the GetFile bytes with the protocol module right before each of its runs (a fresh ticket: they are
#       short-lived). Why: driver and server share the machine's cores, and the Java drivers spend 25-30 µs of CPU
#       per download in sessions and ~100 µs per new connection, taken from netdisk's server, where wrk spends 6-20
#       µs per request on nginx's; the C rows have both servers driven by equally lean C programs.
#       nginx (worker_processes 2, sendfile, access_log off) serves the same file to `wrk -t 2 -c CONC` with
#       `Connection: close` (wrk 4 then reconnects for every request: checked against nginx's stub_status count of
#       accepted connections), for WRK_SECONDS (2) s: time-based, not count-based, because a wrk thread stopped
#       from Lua still waits for the whole duration, which its figures then count. Requests/s = requests ÷ wrk's
#       duration; responses checked by status and length (wrk does not look at the bytes; curl checks them once).
#   (b) Established sessions. The same downloads inside CONC connections opened and logged in before the warm-up,
#       each one request at a time (SmallFileBench --mode session, both Java clients; `ndload -m session`), against
#       nginx keep-alive with the same wrk without the header. Separate rows: netdisk pipelined (SmallFileBench
#       --mode pipeline, lean client only; `ndload -m pipeline -w WINDOW`): up to WINDOW (16) GetFile requests in
#       flight per connection, answers read in order (a new request sent as each answer is checked), against nginx
#       keep-alive with wrk pipelining as its own scripts/pipeline.lua does: WINDOW requests in one write, the next
#       WINDOW once all are answered (HTTP/1.1 pipelining, which nginx serves in order).
#   (c) Trees. `put -r` and `get -r` of FILES (10,000) files of SIZE random bytes in DIRS (100) directories, with the
#       real client (`bin/netdisk put -r -q TREE /`, `bin/netdisk get -r -q /tree OUT`, logged in with a token
#       before), against `scp -r` and `rsync -a` over ssh to a throwaway sshd (started here on 127.0.0.1 and a free
#       port, its own config, host key and client key in the temp dir, key authentication only) and `lftp mirror -R`
#       / `lftp mirror` against vsftpd (anonymous, passive mode). Each direction timed around the whole client
#       process (netdisk: launcher and JVM start included). netdisk's uploads are on disk when it answers (an fsync
#       per file and directory before issue 5's batches); the peers' are not, so they are also given with the time of
#       a `sync -f` of the file system right after their upload. Every upload and download is verified, untimed: file count and one SHA-256 over the
#       sorted `sha256sum` lines of the tree, against the source (netdisk's upload: by the `get -r` that follows it,
#       plus an `ls` of /tree). Between runs: everything uploaded or downloaded is deleted (`bin/netdisk rm -r /tree`,
#       rm -rf for the peers) and the file system synced, untimed, so that no run writes back another's pages.
#       Before the rounds, TREE_WARMUP (2) untimed `put -r` + `get -r` of the tree with netdisk (its JIT compiling the
#       upload path: a fresh server's CPU during `put -r` of this tree, removed after each, was 5.3 s, 5.0, then
#       3.9-4.2 s); the peers are native programs, started afresh by each run anyway.
#
# CPU: for (a) and (b) also the CPU time (user + system, from /proc/PID/stat) per download of the server (netdisk's
# master and workers over the driver's whole run, warm-up included, which is the same work: for ndload, divided by
# the downloads of its warm-up and timed part that it reports; nginx's master and workers over the wrk run) and of
# the client (the driver JVM's own count for its timed downloads; ndload's getrusage over its timed part; wrk's from
# `times`); for (c) the CPU time of netdisk's server during `put -r` and `get -r`. On a machine shared with other
# work, CPU per download moves much less than downloads/s.
#
# Rounds are interleaved (ROUNDS for (a) and (b), TREE_ROUNDS for (c)); the order of the contenders rotates every
# round and the tables give medians. Ratios: netdisk ÷ nginx (downloads/s) in (a) and (b), every netdisk client's row
# against the same nginx figure, netdisk ÷ the best peer (files/s) in (c); the targets are ≥ 1.0.
#
# Login: LOGIN=auto asks the driver whether transfer tickets work (SmallFileBench --probe-ticket: the client library
# has NetdiskClient.ticket() and loginWithTicket, and the server accepts Login method 3) and uses them if so, the
# saved login's token otherwise (Login method 2, a database lookup per connection); the report says which and why.
# ndload's Login (in the bytes SmallFileBench --emit-requests writes) is the same.
#
#   bench/smallfiles.sh
#
# Env (defaults): ROUNDS=3 COUNT=2000 WARMUP=10000 SERVER_WARMUP=150000 SERVER_WARMUP_CONNECT=60000 CONC=16 WINDOW=16 SIZE=4096 WRK_SECONDS=2 FILES=10000 DIRS=100
#                 TREE_ROUNDS=ROUNDS TREE_WARMUP=2 PARTS="a b c" CLIENTS="c raw library" PEERS="scp rsync lftp" LOGIN=auto
#                 C_WARMUP=1 (seconds of ndload's own untimed warm-up; the server's warm-up is the Java driver's, first
#                 Java client of CLIENTS, else raw)
#                 SETTLE_MAX=150 (with the C driver, after that warm-up: 3-s ndload runs on new connections until the
#                 rate has not beaten its best by 5 % twice and 15 s passed, at most this many seconds; 0 = none)
#                 DIAG=1 (in (a), also connections closed after the Welcome and after the LoginOk, lean client)
#                 WORKERS= (the server's default) SKIP_BUILD=0 MVN_OFFLINE=1 KEEP_TMP=0 (keep the temp dir and logs)
# Needs root (sshd, vsftpd and nginx run as root here), and nginx, wrk, openssh-server, openssh-client, rsync, lftp,
# vsftpd, curl, ss, gcc and libc6-dev (installed with apt-get when missing; nothing is started as a service). Every
# server is started here in the foreground on 127.0.0.1 and free ports, and stopped here. Disk: about 4 × FILES × SIZE in TMPDIR.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
COUNT=${COUNT:-2000}
WARMUP=${WARMUP:-10000}
SERVER_WARMUP=${SERVER_WARMUP:-150000}
SERVER_WARMUP_CONNECT=${SERVER_WARMUP_CONNECT:-60000}
CONC=${CONC:-16}
WINDOW=${WINDOW:-16}
SIZE=${SIZE:-4096}
WRK_SECONDS=${WRK_SECONDS:-2}
FILES=${FILES:-10000}
DIRS=${DIRS:-100}
TREE_ROUNDS=${TREE_ROUNDS:-$ROUNDS}
TREE_WARMUP=${TREE_WARMUP:-2}
PARTS=${PARTS:-a b c}
CLIENTS=${CLIENTS:-c raw library}
C_WARMUP=${C_WARMUP:-1}
SETTLE_MAX=${SETTLE_MAX:-150}
PEERS=${PEERS:-scp rsync lftp}
LOGIN=${LOGIN:-auto}
DIAG=${DIAG:-1}
WORKERS=${WORKERS:-}

self=$(readlink -f -- "${BASH_SOURCE[0]}")
root=${self%/bench/smallfiles.sh}
BENCH_NAME=smallfiles.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$root/bench/lib.sh"

part() { [[ " $PARTS " == *" $1 "* ]]; }
[[ $(id -u) == 0 ]] || die "needs root: sshd (key login as this user), vsftpd and nginx are started as root"
((FILES % DIRS == 0)) || die "FILES ($FILES) must be a multiple of DIRS ($DIRS)"
((CONC >= 2)) || die "CONC must be at least 2 (wrk -t 2)"
[[ $LOGIN == auto || $LOGIN == token || $LOGIN == ticket ]] || die "LOGIN must be auto, token or ticket"

# ---- tools: Debian's packages, installed when missing
declare -A PKG=([nginx]=nginx [wrk]=wrk [sshd]=openssh-server [ssh]=openssh-client [scp]=openssh-client
  [ssh-keygen]=openssh-client [rsync]=rsync [lftp]=lftp [vsftpd]=vsftpd [curl]=curl [ss]=iproute2 [gcc]=gcc)
has() { command -v "$1" >/dev/null 2>&1 || [[ -x /usr/sbin/$1 ]]; }
missing=()
for tool in "${!PKG[@]}"; do has "$tool" || missing+=("${PKG[$tool]}"); done
# gcc only recommends the C library's headers and crt files, which ndload needs to compile and link
[[ -e /usr/include/stdio.h ]] || missing+=(libc6-dev)
if ((${#missing[@]} > 0)); then
  command -v apt-get >/dev/null 2>&1 || die "missing packages: ${missing[*]}"
  say "installing the benchmark's peers: ${missing[*]}..."
  if ! apt-get update -qq >&2 || ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2; then
    die "apt-get install failed"
  fi
fi
for tool in "${!PKG[@]}"; do has "$tool" || die "needs $tool (apt-get install -y ${PKG[$tool]})"; done
[[ -e /usr/include/stdio.h ]] || die "needs the C library's headers (apt-get install -y libc6-dev)"
SSHD=$(command -v sshd || echo /usr/sbin/sshd) # sshd wants to be started by its absolute path
getent passwd ftp >/dev/null || die "vsftpd's anonymous user 'ftp' does not exist (it comes with the vsftpd package)"

started=$(date +%s)
load_before=$(cut -d" " -f1-3 /proc/loadavg)
tmp=
bench_tmp tmp "${TMPDIR:-/tmp}"
chmod 755 "$tmp"
[[ $tmp != *[[:space:]]* ]] || die "TMPDIR has white space: $tmp"
disk_fs=$(findmnt -n -f -o FSTYPE,SOURCE -T "$tmp" | tr -s ' ')
case $disk_fs in
  tmpfs* | ramfs* | overlay*) die "$tmp is on ${disk_fs%% *}, not on a disk: set TMPDIR to a directory on a disk" ;;
esac
export XDG_CONFIG_HOME=$tmp/xdg/config XDG_STATE_HOME=$tmp/xdg/state # the client's saved login: ours, not the user's

RUN_SSHD_MADE=0
on_exit() { # /run/sshd is sshd's privilege separation directory; removed if this script made it
  if ((RUN_SSHD_MADE)); then rmdir /run/sshd 2>/dev/null || true; fi
}
BENCH_ON_EXIT=on_exit

bench_build "$tmp/build.log" protocol,server,client,bench
for jar in server/target/netdisk-server.jar client/target/netdisk-client.jar bench/target/netdisk-bench.jar; do
  [[ -f $root/$jar ]] || die "$jar missing (build first, or run without SKIP_BUILD=1)"
done
BENCH_CP="$root/bench/target/netdisk-bench.jar:$root/bench/target/lib/*"
DRIVER_FLAGS=(-XX:+UseSerialGC -Xms256m -Xmx1g)
NDLOAD=$tmp/ndload # the C driver, compiled for this run only
if [[ " $CLIENTS " == *" c "* ]] && { part a || part b; }; then
  gcc -O2 -std=c11 -pthread -Wall -o "$NDLOAD" "$root/bench/c/ndload.c" >"$tmp/ndload-build.log" 2>&1 ||
    die "gcc could not compile bench/c/ndload.c: $(cat "$tmp/ndload-build.log")"
fi

secs() { awk -v n="$1" 'BEGIN{printf "%.3f", n / 1e9}'; } # ns -> s
us_each() { awk -v t="$1" -v k="$CLK_TCK" -v n="$2" 'BEGIN{printf "%.1f", t / k * 1e6 / n}'; } # ticks, count -> µs each
per_s() { awk -v n="$1" -v s="$2" 'BEGIN{printf "%.1f", n / s}'; }
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; } # "k=v k=v" line, key -> value

declare -A R=() # "contender|figure" -> per-round values, space-separated
rec() { R[$1|$2]+="$3 "; }
med() { # contender, figure -> median of the rounds
  # shellcheck disable=SC2086
  median ${R[$1|$2]:-}
}
rounds_of() { echo "${R[$1|$2]:-}" | awk '{for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? " / " : ""), $i}'; }
rounds_s() { echo "${R[$1|$2]:-}" | awk '{for (i = 1; i <= NF; i++) printf "%s%.1f", (i > 1 ? ", " : ""), $i}'; }
: >"$tmp/rounds.txt"
log_round() { printf '%s\n' "$*" >>"$tmp/rounds.txt"; }

# ---- the content

mkdir -p "$tmp/www/dl" "$tmp/src" "$tmp/dl" "$tmp/remote" "$tmp/nd"
head -c "$SIZE" /dev/urandom >"$tmp/www/dl/small.bin"
SMALL_SHA=$(sha256sum "$tmp/www/dl/small.bin" | cut -c1-64)

if part c; then
  say "writing $FILES files of $SIZE random bytes in $DIRS directories..."
  write_tree "$tmp/src/tree" "$FILES" "$DIRS" "$SIZE"
  SRC_SUM=$(tree_sum "$tmp/src/tree")
  [[ ${SRC_SUM%% *} == "$FILES" ]] || die "wrote ${SRC_SUM%% *} files, not $FILES"
  sync -f "$tmp"
fi

# ---- servers

say "starting netdisk, nginx$(part c && echo ', sshd, vsftpd')..."
nd_opts=(--mode process)
[[ -n $WORKERS ]] && nd_opts+=(--workers "$WORKERS")
start_netdisk main "$tmp/nd/data" "$tmp" "${nd_opts[@]}"
ND=("$root/bin/netdisk" --port "${ND_PORT[main]}")
SESSION_FILE=$XDG_CONFIG_HOME/netdisk/session-127.0.0.1-${ND_PORT[main]}
[[ -f $SESSION_FILE ]] || die "the client saved no login in $SESSION_FILE"
nd_cmd() { # a client command, untimed; its output on stdout, dies on failure
  local out rc=0
  out=$("${ND[@]}" "$@" 2>&1) || rc=$?
  ((rc == 0)) || die "netdisk $* failed with $rc: $out"
  printf '%s\n' "$out"
}
nd_cmd put -q "$tmp/www/dl/small.bin" /small.bin >/dev/null
[[ $(nd_cmd stat --json /small.bin) == *"\"sha256\":\"$SMALL_SHA\""* ]] || die "netdisk's /small.bin has another SHA-256"
read -r -a ND_PIDS <<<"${ND_PID[main]} $(pgrep -P "${ND_PID[main]}" | tr '\n' ' ')" # master and workers
ND_WORKERS=$((${#ND_PIDS[@]} - 1))

NGINX_PORT=$(free_port)
mkdir -p "$tmp/nginx"
nginx_conf "$tmp/nginx" "$NGINX_PORT" 2 1024 "    keepalive_requests 1000000;" \
  "        location /dl/ { alias $tmp/www/dl/; }
        location = /status { stub_status; }" >"$tmp/nginx/nginx.conf"
nginx -t -q -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" || die "nginx rejects its config"
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" >"$tmp/nginx/stdout.log" 2>&1 &
NGINX_PID=$!
bench_started "$NGINX_PID"
wait_listening "$NGINX_PORT" "$NGINX_PID" "$tmp/nginx/error.log"
sleep 0.5
read -r -a NGINX_PIDS <<<"$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" # master and workers
URL=http://127.0.0.1:$NGINX_PORT/dl/small.bin
[[ $(curl -sS --fail "$URL" | sha256sum | cut -c1-64) == "$SMALL_SHA" ]] || die "nginx serves another small.bin"

if part c; then
  # sshd: its own config, host key and authorized key in the temp dir; key login only
  mkdir -p "$tmp/ssh"
  ssh-keygen -q -t ed25519 -N '' -C smallfiles-host -f "$tmp/ssh/host_key"
  ssh-keygen -q -t ed25519 -N '' -C smallfiles-client -f "$tmp/ssh/client_key"
  cp "$tmp/ssh/client_key.pub" "$tmp/ssh/authorized_keys"
  SSH_PORT=$(free_port)
  cat >"$tmp/ssh/sshd_config" <<EOF
# generated by bench/smallfiles.sh
ListenAddress 127.0.0.1
Port $SSH_PORT
HostKey $tmp/ssh/host_key
PidFile $tmp/ssh/sshd.pid
AuthorizedKeysFile $tmp/ssh/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
LogLevel ERROR
EOF
  if [[ ! -d /run/sshd ]]; then # what the openssh-server service would make; sshd as root refuses to start without
    mkdir -m 755 /run/sshd
    RUN_SSHD_MADE=1
  fi
  "$SSHD" -t -f "$tmp/ssh/sshd_config" || die "sshd rejects $tmp/ssh/sshd_config"
  "$SSHD" -D -e -f "$tmp/ssh/sshd_config" 2>"$tmp/ssh/sshd.log" &
  SSHD_PID=$!
  bench_started "$SSHD_PID"
  wait_listening "$SSH_PORT" "$SSHD_PID" "$tmp/ssh/sshd.log"
  SSH_OPTS=(-F /dev/null -i "$tmp/ssh/client_key" -o IdentitiesOnly=yes -o StrictHostKeyChecking=no
    -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR)
  RSH="ssh ${SSH_OPTS[*]} -p $SSH_PORT"
  ME=$(id -un)@127.0.0.1
  [[ $(ssh "${SSH_OPTS[@]}" -p "$SSH_PORT" "$ME" echo ok 2>&1) == ok ]] || die "ssh to the benchmark's sshd failed"

  # vsftpd: anonymous, uploads (and their directories) into up/, passive ports PASV_MIN..+PASV_N
  FTP_ROOT=$tmp/ftp
  mkdir -p "$FTP_ROOT/up" "$tmp/vsftpd-empty"
  chmod 755 "$FTP_ROOT" "$FTP_ROOT/up"
  chown ftp "$FTP_ROOT/up"
  FTP_PORT=$(free_port)
  PASV_N=100
  while :; do
    PASV_MIN=$(free_port)
    used=" $(ss -Htan | awk '{n = split($4, a, ":"); print a[n]}' | sort -u | tr '\n' ' ') "
    ok=1
    for ((p = PASV_MIN + 1; p <= PASV_MIN + PASV_N; p++)); do
      if [[ $used == *" $p "* || -n ${TAKEN[$p]:-} ]]; then
        ok=0
        break
      fi
    done
    ((ok)) && break
  done
  for ((p = PASV_MIN + 1; p <= PASV_MIN + PASV_N; p++)); do TAKEN[p]=1; done
  cat >"$tmp/vsftpd.conf" <<EOF
# generated by bench/smallfiles.sh
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$FTP_PORT
background=NO
anonymous_enable=YES
local_enable=NO
no_anon_password=YES
anon_root=$FTP_ROOT
write_enable=YES
anon_upload_enable=YES
anon_mkdir_write_enable=YES
anon_other_write_enable=YES
anon_umask=022
ftp_username=ftp
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=$PASV_MIN
pasv_max_port=$((PASV_MIN + PASV_N))
port_enable=NO
connect_from_port_20=NO
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
secure_chroot_dir=$tmp/vsftpd-empty
xferlog_enable=NO
syslog_enable=NO
dirmessage_enable=NO
hide_ids=YES
EOF
  vsftpd "$tmp/vsftpd.conf" >"$tmp/vsftpd.out" 2>&1 &
  FTP_PID=$!
  bench_started "$FTP_PID"
  wait_listening "$FTP_PORT" "$FTP_PID" "$tmp/vsftpd.out"
  # no SITE UTIME / SITE CHMOD after every upload: vsftpd refuses them to anonymous users (550), which cost a round
  # trip per file and once failed a whole mirror -R
  # two quick retries: twice in some 30 runs a transfer failed once (a 550 "Permission denied." that did not repeat)
  LFTP_SET="set cmd:fail-exit yes; set net:max-retries 3; set net:reconnect-interval-base 1;"
  LFTP_SET+=" set net:reconnect-interval-max 1; set net:timeout 30; set ftp:passive-mode on;"
  LFTP_SET+=" set ftp:use-site-utime off; set ftp:use-site-utime2 off; set ftp:use-site-chmod off"
  LFTP_URL=ftp://anonymous:@127.0.0.1:$FTP_PORT
fi

# ---- (a) and (b): 2,000 downloads of one small file

LOGIN_USED=token
LOGIN_WHY="LOGIN=token"
driver() { # SmallFileBench arguments...; its output on stdout
  "$JAVA" "${DRIVER_FLAGS[@]}" -cp "$BENCH_CP" netdisk.bench.SmallFileBench --port "${ND_PORT[main]}" \
    --session "$SESSION_FILE" "$@"
}
if part a || part b; then
  if [[ $LOGIN != token ]]; then
    rc=0
    probe=$(driver --probe-ticket 2>&1) || rc=$?
    if ((rc == 0)); then
      LOGIN_USED=ticket LOGIN_WHY="the ticket probe, SmallFileBench --probe-ticket, logged a connection in with one"
    elif ((rc == 3)) && [[ $LOGIN == auto ]]; then
      LOGIN_WHY=${probe#TICKET unavailable: }
      say "tickets: $LOGIN_WHY; using the token"
    else
      die "LOGIN=$LOGIN: the ticket probe failed ($rc): $probe"
    fi
  fi
fi

nd_downloads() { # $1 = contender, $2 = mode, $3 = client, then more driver options; records per_s, p50, p99, cpu
  local out rc=0 line c0 c1
  c0=$(cpu_ticks "${ND_PIDS[@]}")
  out=$(driver --path /small.bin --size "$SIZE" --sha256 "$SMALL_SHA" --mode "$2" --client "$3" \
    --login "$LOGIN_USED" --count "$COUNT" --warmup "$WARMUP" --concurrency "$CONC" --window "$WINDOW" \
    --label "$1" "${@:4}" 2>&1) || rc=$?
  line=$(grep '^RESULT ' <<<"$out" || true)
  if ((rc != 0)) || [[ -z $line ]]; then die "SmallFileBench $1 failed ($rc): $out"; fi
  c1=$(cpu_ticks "${ND_PIDS[@]}")
  rec "$1" per_s "$(field "$line" per_s)"
  # the server's CPU over the whole run: the warm-up's downloads are the same work
  rec "$1" server_cpu "$(us_each $((c1 - c0)) $((WARMUP + COUNT)))"
  rec "$1" client_cpu "$(field "$line" client_cpu_us)"
  rec "$1" p50 "$(field "$line" p50_us)"
  rec "$1" p99 "$(field "$line" p99_us)"
  log_round "round $round  $(grep -v '^RESULT ' <<<"$out"); server CPU $(us_each $((c1 - c0)) $((WARMUP + COUNT))) µs each"
}

emit_requests() { # the C driver's request bytes into $tmp/requests, with a ticket fetched now (they live minutes),
  # encoded by the protocol module; untimed
  local emitted
  emitted=$(driver --emit-requests "$tmp/requests" --path /small.bin --size "$SIZE" --sha256 "$SMALL_SHA" \
    --login "$LOGIN_USED" 2>&1) || die "SmallFileBench --emit-requests failed: $emitted"
}
nd_cload() { # $1 = contender, $2 = mode (connect|session|pipeline): the C driver; records as nd_downloads does
  local out rc=0 line c0 c1 total
  emit_requests
  c0=$(cpu_ticks "${ND_PIDS[@]}")
  out=$("$NDLOAD" -p "${ND_PORT[main]}" -r "$tmp/requests" -f "$tmp/www/dl/small.bin" -s "$SMALL_SHA" -m "$2" \
    -t 2 -c "$CONC" -w "$WINDOW" -d "$WRK_SECONDS" -W "$C_WARMUP" 2>&1) || rc=$?
  c1=$(cpu_ticks "${ND_PIDS[@]}")
  line=$(grep '^NDLOAD ' <<<"$out" || true)
  if ((rc != 0)) || [[ -z $line ]]; then die "ndload $1 failed ($rc): $out"; fi
  # the server's CPU over the whole run, divided by every download of it: warm-up and timed
  total=$(($(field "$line" requests) + $(field "$line" warmup_requests)))
  rec "$1" per_s "$(field "$line" per_s)"
  rec "$1" server_cpu "$(us_each $((c1 - c0)) "$total")"
  rec "$1" client_cpu "$(field "$line" cpu_us_each)"
  rec "$1" p50 "$(field "$line" p50_us)"
  rec "$1" p99 "$(field "$line" p99_us)"
  rec "$1" n "$(field "$line" requests)"
  log_round "round $round  $1: $(grep -v '^NDLOAD ' <<<"$out" | sed 's/^ndload: //' | tr '\n' ' ')- server CPU" \
    "$(us_each $((c1 - c0)) "$total") µs each over its $total downloads"
}

cat >"$tmp/report.lua" <<'EOF'
-- prints wrk's figures on one line; no per-request Lua (no response()), so wrk's own speed is unchanged
function done(summary, latency, requests)
  io.write(string.format("WRK requests=%d seconds=%.4f bytes=%d errors=%d status_errors=%d p50_us=%d p99_us=%d mean_us=%.1f max_us=%d\n",
    summary.requests, summary.duration / 1e6, summary.bytes,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
EOF
{ # wrk's own scripts/pipeline.lua: WINDOW requests in one write, the next WINDOW once all are answered
  echo "init = function(args)"
  echo "  local r = {}"
  echo "  for i = 1, $WINDOW do r[i] = wrk.format(nil) end"
  echo "  batch = table.concat(r)"
  echo "end"
  echo "request = function() return batch end"
  cat "$tmp/report.lua"
} >"$tmp/pipeline.lua"
accepts() { curl -sS --fail "http://127.0.0.1:$NGINX_PORT/status" | awk 'NR == 3 {print $1}'; } # nginx's total
wrk_run() { # $1 = contender, $2 = close|keepalive|pipeline; records per_s, p50, p99
  local hdr=() script=$tmp/report.lua out line n s bytes a0 conns c0 c1 w0 w1
  [[ $2 == close ]] && hdr=(-H 'Connection: close')
  [[ $2 == pipeline ]] && script=$tmp/pipeline.lua
  a0=$(accepts)
  c0=$(cpu_ticks "${NGINX_PIDS[@]}")
  children_cpu
  w0=$CHILD_CPU
  out=$(wrk -t 2 -c "$CONC" -d "${WRK_SECONDS}s" "${hdr[@]}" -s "$script" "$URL" 2>&1) ||
    die "wrk ($2) failed: $out"
  children_cpu
  w1=$CHILD_CPU
  c1=$(cpu_ticks "${NGINX_PIDS[@]}")
  line=$(grep '^WRK ' <<<"$out") || die "wrk ($2) printed no figures: $out"
  n=$(field "$line" requests) s=$(field "$line" seconds) bytes=$(field "$line" bytes)
  [[ $(field "$line" errors) == 0 && $(field "$line" status_errors) == 0 ]] || die "wrk ($2) had errors: $line"
  # every response: the same headers + SIZE bytes (a check of the length only: wrk does not look at the content)
  awk -v b="$bytes" -v n="$n" -v s="$SIZE" 'BEGIN{exit !(n > 0 && b / n >= s && b / n < s + 512)}' ||
    die "wrk ($2): $bytes bytes for $n responses of $SIZE bytes"
  conns=$(($(accepts) - a0 - 1)) # less the status request's own connection
  # with Connection: close, wrk must have connected once per request (the last ones may be cut off by the end)
  if [[ $2 == close ]] && ((conns < n)); then die "wrk ($2): $conns connections for $n requests"; fi
  rec "$1" per_s "$(per_s "$n" "$s")"
  rec "$1" p50 "$(field "$line" p50_us)"
  rec "$1" p99 "$(field "$line" p99_us)"
  rec "$1" n "$n"
  rec "$1" server_cpu "$(us_each $((c1 - c0)) "$n")"
  rec "$1" client_cpu "$(awk -v a="$w0" -v b="$w1" -v n="$n" 'BEGIN{printf "%.1f", (b - a) * 1e6 / n}')"
  log_round "round $round  $1: $n requests in $s s on $conns connections (nginx stub_status), $(per_s "$n" "$s")/s," \
    "p50 $(field "$line" p50_us) µs, p99 $(field "$line" p99_us) µs; CPU per request: nginx $(us_each $((c1 - c0)) "$n") µs," \
    "wrk $(awk -v a="$w0" -v b="$w1" -v n="$n" 'BEGIN{printf "%.1f", (b - a) * 1e6 / n}') µs"
}

run_dl() { # contender
  case $1 in
    nginx-close) wrk_run "$1" close ;;
    nginx-keepalive) wrk_run "$1" keepalive ;;
    nginx-pipeline) wrk_run "$1" pipeline ;;
    nd-hello-raw) nd_downloads "$1" connect raw --steps hello ;;
    nd-login-raw) nd_downloads "$1" connect raw --steps login ;;
    nd-*-c) local rest=${1#nd-} && nd_cload "$1" "${rest%-c}" ;;
    nd-*) local rest=${1#nd-} && nd_downloads "$1" "${rest%%-*}" "${rest#*-}" ;;
    *) die "no such contender: $1" ;;
  esac
  say "  round $round  $1: $(echo "${R[$1|per_s]}" | awk '{print $NF}')/s"
}

A_WHO=(nginx-close)
B_WHO=(nginx-keepalive)
for c in $CLIENTS; do
  [[ $c == c || $c == raw || $c == library ]] || die "CLIENTS: c, raw and/or library, not $c"
  A_WHO+=("nd-connect-$c")
  B_WHO+=("nd-session-$c")
done
P_WHO=(nginx-pipeline) # pipelined: nginx with wrk sending WINDOW requests at once, as netdisk's drivers do
for c in $CLIENTS; do # the pipelined rows: the C driver and the lean client (the library sends one at a time)
  [[ $c == library ]] || P_WHO+=("nd-pipeline-$c")
done
((${#P_WHO[@]} > 1)) || P_WHO=()
A_DIAG=()
if [[ " $CLIENTS " == *" raw "* ]]; then
  [[ $DIAG == 1 ]] && A_DIAG=(nd-hello-raw nd-login-raw)
fi

rotate_run() { # runner, contenders...: all of them, the order rotated by the round number
  local runner=$1 k n
  shift
  n=$#
  local order=("$@")
  for ((k = 0; k < n; k++)); do "$runner" "${order[$(((k + round - 1) % n))]}"; done
}

LOAD_AB=-
SETTLED='' # what settle saw: the C driver's rate per run until the workers' JIT settled
settle() { # after the Java warm-up: 3-s runs of the C driver on new connections until the rate stops climbing
  local out line rate best=0 since=0 t=0 curve=()
  emit_requests
  say "letting the workers' JIT settle: 3-s runs of ndload -m connect until no new best by 5 % twice (at most $SETTLE_MAX s)..."
  while ((t < SETTLE_MAX)); do
    out=$("$NDLOAD" -p "${ND_PORT[main]}" -r "$tmp/requests" -f "$tmp/www/dl/small.bin" -s "$SMALL_SHA" -m connect \
      -t 2 -c "$CONC" -w 1 -d 3 -W 0 2>&1) || die "ndload (settling) failed: $out"
    line=$(grep '^NDLOAD ' <<<"$out") || die "ndload (settling) printed no result: $out"
    rate=$(field "$line" per_s)
    curve+=("${rate%.*}")
    t=$((t + 3))
    if awk -v r="$rate" -v b="$best" 'BEGIN{exit !(r > b * 1.05)}'; then
      best=$rate since=0
    else
      since=$((since + 1))
    fi
    ((since < 2 || t < 15)) || break
  done
  SETTLED="${#curve[@]} runs of 3 s (${curve[*]} downloads/s)"
  ((since >= 2 && t >= 15)) || SETTLED+=", stopped at SETTLE_MAX=$SETTLE_MAX s while still climbing"
  say "settled after $SETTLED"
}
if part a || part b; then
  LOAD_AB=$(cut -d" " -f1-3 /proc/loadavg)
  say "downloads of one $SIZE-byte file: $ROUNDS rounds, $COUNT per run at concurrency $CONC (login: $LOGIN_USED)..."
  wrk -t 2 -c "$CONC" -d 1s -H 'Connection: close' "$URL" >/dev/null 2>&1 || true # nginx's warm-up, untimed
  first=raw # the server's warm-up: the Java driver, with the first Java client of CLIENTS
  for c in $CLIENTS; do
    if [[ $c == raw || $c == library ]]; then
      first=$c
      break
    fi
  done
  for mode in connect session; do # netdisk's workers' warm-up, untimed
    n=$SERVER_WARMUP
    [[ $mode == connect ]] && n=$SERVER_WARMUP_CONNECT
    ((n > 0)) || continue
    say "warming the server up: $n downloads ($mode)..."
    driver --path /small.bin --size "$SIZE" --sha256 "$SMALL_SHA" --mode "$mode" --client "$first" \
      --login "$LOGIN_USED" --count "$n" --warmup 0 --concurrency "$CONC" >"$tmp/server-warmup.out" 2>&1 ||
      die "the server's warm-up ($mode) failed: $(cat "$tmp/server-warmup.out")"
  done
  if [[ " $CLIENTS " == *" c "* ]] && ((SETTLE_MAX > 0)); then settle; fi
  for ((round = 1; round <= ROUNDS; round++)); do
    if part a; then rotate_run run_dl "${A_WHO[@]}" ${A_DIAG[@]+"${A_DIAG[@]}"}; fi
    if part b; then rotate_run run_dl "${B_WHO[@]}" ${P_WHO[@]+"${P_WHO[@]}"}; fi
  done
fi

# ---- (c) put -r and get -r of a tree

try_timed() { # command...: runs it; sets NS (wall time); on failure returns 1 with FAILED saying why
  local t0 t1 rc=0
  t0=$(now_ns)
  "$@" >"$tmp/cmd.out" 2>"$tmp/cmd.err" || rc=$?
  t1=$(now_ns)
  NS=$((t1 - t0))
  FAILED="$* failed with $rc: $(tail -5 "$tmp/cmd.err" | tr '\n' ' ')$(tail -5 "$tmp/cmd.out" | tr '\n' ' ')"
  ((rc == 0))
}
timed() { try_timed "$@" || die "$FAILED"; } # netdisk's own commands: a failure ends the run
try_check_tree() { # $1 = dir, $2 = what; returns 1 with FAILED saying why unless the tree is the source's
  local got
  got=$(tree_sum "$1")
  FAILED="$2: $1 has $got (files, SHA-256 of the sha256sum lines), expected $SRC_SUM"
  [[ $got == "$SRC_SUM" ]]
}
check_tree() { try_check_tree "$@" || die "$FAILED"; }
declare -a PEER_FAILURES=() # a peer that fails is reported and left out of that round: its failure is not netdisk's
peer() { # command...: a peer's step; 1 when it failed (noted in PEER_FAILURES)
  "$@" && return 0
  PEER_FAILURES+=("round $round, $who: $FAILED")
  say "  round $round  $who FAILED: $FAILED"
  log_round "round $round  tree $who: FAILED: $FAILED"
  return 1
}
rec_tree() { # contender, up|down, ns, [sync ns]
  rec "$1" "$2_s" "$(secs "$3")"
  rec "$1" "$2_fps" "$(per_s "$FILES" "$(secs "$3")")"
  if [[ -n ${4:-} ]]; then
    rec "$1" up_sync_s "$(secs $(($3 + $4)))"
    rec "$1" up_sync_fps "$(per_s "$FILES" "$(secs $(($3 + $4)))")"
  fi
}

run_tree() { # contender: upload, verify, download, verify, clean up
  local who=$1 up='' sync_ns='' down='' out=$tmp/dl/$1 c0 c1
  sync -f "$tmp"
  case $who in
    netdisk)
      c0=$(cpu_ticks "${ND_PIDS[@]}")
      timed "${ND[@]}" put -r -q "$tmp/src/tree" /
      up=$NS
      c1=$(cpu_ticks "${ND_PIDS[@]}")
      rec netdisk up_cpu "$(awk -v t=$((c1 - c0)) -v k="$CLK_TCK" 'BEGIN{printf "%.2f", t / k}')"
      [[ $(nd_cmd ls /tree | grep -c .) == "$DIRS" ]] || die "netdisk put -r: /tree does not have $DIRS directories"
      sync -f "$tmp"
      c0=$(cpu_ticks "${ND_PIDS[@]}")
      timed "${ND[@]}" get -r -q /tree "$out"
      down=$NS
      c1=$(cpu_ticks "${ND_PIDS[@]}")
      rec netdisk down_cpu "$(awk -v t=$((c1 - c0)) -v k="$CLK_TCK" 'BEGIN{printf "%.2f", t / k}')"
      check_tree "$out" "netdisk put -r then get -r"
      nd_cmd rm -r /tree >/dev/null
      ;;
    scp | rsync | lftp)
      local up_cmd down_cmd landed
      case $who in
        scp)
          up_cmd=(scp -q -r "${SSH_OPTS[@]}" -P "$SSH_PORT" "$tmp/src/tree" "$ME:$tmp/remote/")
          down_cmd=(scp -q -r "${SSH_OPTS[@]}" -P "$SSH_PORT" "$ME:$tmp/remote/tree" "$out")
          landed=$tmp/remote/tree
          ;;
        rsync)
          up_cmd=(rsync -a -e "$RSH" "$tmp/src/tree" "$ME:$tmp/remote/")
          down_cmd=(rsync -a -e "$RSH" "$ME:$tmp/remote/tree/" "$out/")
          landed=$tmp/remote/tree
          ;;
        lftp)
          up_cmd=(lftp -c "$LFTP_SET; open $LFTP_URL; mirror -R --no-perms --no-umask $tmp/src/tree /up/tree")
          down_cmd=(lftp -c "$LFTP_SET; open $LFTP_URL; mirror /up/tree $out")
          landed=$FTP_ROOT/up/tree
          ;;
      esac
      if peer try_timed "${up_cmd[@]}"; then
        up=$NS
        timed sync -f "$tmp"
        sync_ns=$NS
        if peer try_check_tree "$landed" "$who upload" && peer try_timed "${down_cmd[@]}"; then
          down=$NS
          peer try_check_tree "$out" "$who download" || down=''
        fi
      fi
      rm -rf -- "$landed"
      ;;
    *) die "no such peer: $who" ;;
  esac
  rm -rf -- "$out"
  [[ -n $up && -n $down ]] || return 0 # a peer that failed: noted, not recorded
  rec_tree "$who" up "$up" "${sync_ns:-0}" # netdisk: durable when it answers, nothing to add
  rec_tree "$who" down "$down"
  log_round "round $round  tree $who: put $(secs "$up") s${sync_ns:+ (+ sync $(secs "$sync_ns") s)}, get $(secs "$down") s"
  say "  round $round  $who: put $(secs "$up") s${sync_ns:+ (+ sync $(secs "$sync_ns"))}, get $(secs "$down") s"
}

C_WHO=(netdisk)
for p in $PEERS; do
  [[ $p == scp || $p == rsync || $p == lftp ]] || die "PEERS: scp, rsync and/or lftp, not $p"
  C_WHO+=("$p")
done
LOAD_C=-
if part c; then
  LOAD_C=$(cut -d" " -f1-3 /proc/loadavg)
  for ((w = 1; w <= TREE_WARMUP; w++)); do # netdisk's upload path warmed up like its downloads, untimed
    say "warming the server up: put -r and get -r of the tree ($w of $TREE_WARMUP)..."
    timed "${ND[@]}" put -r -q "$tmp/src/tree" /
    timed "${ND[@]}" get -r -q /tree "$tmp/dl/warmup"
    nd_cmd rm -r /tree >/dev/null
    rm -rf -- "$tmp/dl/warmup"
  done
  say "trees of $FILES files: $TREE_ROUNDS rounds (${C_WHO[*]}), each put then get..."
  for ((round = 1; round <= TREE_ROUNDS; round++)); do
    rotate_run run_tree "${C_WHO[@]}"
  done
fi

# ---- stop the servers (netdisk gracefully, its exit status checked)

stop_pid "${ND_PID[main]}"
ND_RC=$STOPPED_RC
for p in ${ALIVE[@]+"${ALIVE[@]}"}; do stop_pid "$p"; done
load_after=$(cut -d" " -f1-3 /proc/loadavg)

# ---- report

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
hyper=
if grep -q hypervisor /proc/cpuinfo; then hyper=", with the hypervisor flag"; fi
mem=$(awk '/MemTotal/{printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
ver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo '?'; }
echo "### Small-file results ($(date -u '+%Y-%m-%d %H:%M') UTC)"
echo
echo "Machine: $(nproc) vCPUs ($cpu$hyper), $mem RAM, Linux $(uname -r), $("$JAVA" -version 2>&1 | head -1 | sed 's/"//g')," \
  "nginx $(ver nginx), wrk $(ver wrk), OpenSSH $(ver openssh-server), rsync $(ver rsync), lftp $(ver lftp)," \
  "vsftpd $(ver vsftpd). Disk: $tmp on ${disk_fs}."
echo "Load average (1/5/15 min): $load_before at the start, $LOAD_AB before (a)+(b), $LOAD_C before (c)," \
  "$load_after at the end. Code: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- 2>/dev/null || echo ' plus uncommitted changes')."
echo "netdisk: \`bin/netdisk-server ${nd_opts[*]}\` ($ND_WORKERS workers), default options (INFO log, audit log)." \
  "Login of every driver connection: $LOGIN_USED ($LOGIN_WHY)."
echo
if part a || part b; then
  echo "#### (a) and (b): downloads of one $SIZE-byte file, $COUNT per run at concurrency $CONC"
  echo
  echo "Median of $ROUNDS rounds, after $SERVER_WARMUP_CONNECT untimed downloads on new connections and $SERVER_WARMUP in sessions" \
    "(each run: a new driver JVM, $WARMUP warm-up downloads, then $COUNT timed; wrk, and the C driver ndload" \
    "after its own ${C_WARMUP} s of warm-up: ${WRK_SECONDS} s, so more requests than $COUNT). netdisk latency: from" \
    "connect (a) or from sending GetFile (b) to the checked content; wrk's: from writing the request to the whole response (a TCP" \
    "connect is not in it). CPU (user + system) per download: the server's (netdisk master + workers, over the" \
    "driver's whole run, warm-up included; nginx master + workers), the client's (the driver JVM during the timed" \
    "downloads; ndload's getrusage over its timed part; wrk's whole process)."
  echo
  [[ -z $SETTLED ]] || echo "Then, untimed, C-driver runs until the rate stopped climbing (the workers' JIT settled): $SETTLED." \
    "nginx needs none of this; a netdisk server is this much slower for its first minute or so of such load."
  [[ -z $SETTLED ]] || echo
  if [[ " $CLIENTS " == *" c "* ]]; then
    echo "Why a C driver: driver and server share the machine's $(nproc) vCPUs, so the CPU a driver spends is taken" \
      "from the server it measures. wrk spends a few µs per request on nginx; the Java drivers spend 25-30 µs per" \
      "download in sessions and about 100 µs per new connection on netdisk. ndload (bench/c/ndload.c) drives netdisk" \
      "as wrk drives nginx (2 threads, an epoll loop each, $CONC non-blocking connections, duration-based) and checks" \
      "every answer (frame types and ids, FileInfo's size and SHA-256, the content byte for byte), so its rows" \
      "compare the two servers under equally lean C clients; the Java rows show what a Java client costs. Its requests are" \
      "encoded by the protocol module (SmallFileBench --emit-requests, right before each run)."
    echo
  fi
  echo "| case | contender | downloads/s | p50 µs | p99 µs | server CPU µs each | client CPU µs each | per-round downloads/s | ÷ nginx |"
  echo "|---|---|---:|---:|---:|---:|---:|---|---:|"
  describe() {
    case $1 in
      nginx-close) echo "nginx + \`wrk -t 2 -c $CONC -H 'Connection: close'\`" ;;
      nginx-keepalive) echo "nginx keep-alive + \`wrk -t 2 -c $CONC\`" ;;
      nginx-pipeline) echo "nginx keep-alive + \`wrk -t 2 -c $CONC\`, $WINDOW requests per write (wrk's pipeline.lua)" ;;
      nd-connect-raw | nd-session-raw) echo "netdisk, lean client (RawSession)" ;;
      nd-connect-library | nd-session-library) echo "netdisk, client library (NetdiskClient.getFile)" ;;
      nd-pipeline-raw) echo "netdisk pipelined, $WINDOW GetFile in flight per connection, lean client" ;;
      nd-connect-c | nd-session-c) echo "netdisk + \`ndload -t 2 -c $CONC\` (C driver)" ;;
      nd-pipeline-c)
        echo "netdisk pipelined, $WINDOW GetFile in flight per connection, \`ndload -t 2 -c $CONC -w $WINDOW\` (C driver)"
        ;;
    esac
  }
  dl_rows() { # case label, nginx contender, contenders...
    local label=$1 base=$2 c
    shift 2
    for c in "$base" "$@"; do
      printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$(describe "$c")" \
        "$(med "$c" per_s | cut -d. -f1)" "$(med "$c" p50 | cut -d. -f1)" "$(med "$c" p99 | cut -d. -f1)" \
        "$(med "$c" server_cpu | cut -d. -f1)" "$(med "$c" client_cpu | cut -d. -f1)" "$(rounds_of "$c" per_s)" \
        "$(ratio "$(med "$c" per_s)" "$(med "$base" per_s)")"
    done
  }
  if part a; then dl_rows "(a) new connection each" "${A_WHO[@]}"; fi
  if part b; then dl_rows "(b) established sessions" "${B_WHO[@]}"; fi
  if part b && ((${#P_WHO[@]} > 0)); then dl_rows "(b) pipelined" "${P_WHO[@]}"; fi
  echo
  if part a && ((${#A_DIAG[@]} > 0)); then
    echo "Where a new connection's time goes (lean client, $CONC threads, medians of the same rounds): each connection"
    echo "closed after the given answer."
    echo
    echo "| connection up to | connections/s | p50 µs | p99 µs | server CPU µs each | per-round connections/s |"
    echo "|---|---:|---:|---:|---:|---|"
    for c in "${A_DIAG[@]}" nd-connect-raw; do
      case $c in
        nd-hello-raw) label="Hello → Welcome (the hand-off to a worker)" ;;
        nd-login-raw) label="… → Login ($LOGIN_USED) → LoginOk" ;;
        nd-connect-raw) label="… → GetFile → FileInfo + $SIZE bytes, checked (row (a))" ;;
      esac
      printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "$(med "$c" per_s | cut -d. -f1)" "$(med "$c" p50 | cut -d. -f1)" \
        "$(med "$c" p99 | cut -d. -f1)" "$(med "$c" server_cpu | cut -d. -f1)" "$(rounds_of "$c" per_s)"
    done
    echo
  fi
fi
if part c; then
  echo "#### (c) put -r and get -r of $FILES files of $SIZE bytes ($DIRS directories)"
  echo
  echo "Median of $TREE_ROUNDS rounds, after $TREE_WARMUP untimed put -r + get -r with netdisk; seconds around the whole client process. \"then sync\": the peer's upload" \
    "plus a \`sync -f\` of the file system run right after it (netdisk's uploads are on disk when it answers: its" \
    "own figure is repeated there)."
  echo
  echo "| contender | put s | put files/s | put, then sync: s | files/s | get s | get files/s | per-round put s / get s |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
  for c in "${C_WHO[@]}"; do
    case $c in
      netdisk) label="netdisk \`put -r\` / \`get -r\`" ;;
      scp) label="\`scp -r\` (OpenSSH)" ;;
      rsync) label="\`rsync -a\` over ssh" ;;
      lftp) label="\`lftp mirror -R\` / \`mirror\`, vsftpd" ;;
    esac
    printf '| %s | %s | %s | %s | %s | %s | %s | %s / %s |\n' "$label" "$(med "$c" up_s)" "$(med "$c" up_fps | cut -d. -f1)" \
      "$(med "$c" up_sync_s)" "$(med "$c" up_sync_fps | cut -d. -f1)" "$(med "$c" down_s)" \
      "$(med "$c" down_fps | cut -d. -f1)" "$(rounds_s "$c" up_s)" "$(rounds_s "$c" down_s)"
  done
  echo
  echo "netdisk's server (master + workers) used $(med netdisk up_cpu) s of CPU during \`put -r\` and" \
    "$(med netdisk down_cpu) s during \`get -r\` (medians; per round: $(rounds_s netdisk up_cpu) and" \
    "$(rounds_s netdisk down_cpu))."
  echo
fi

echo "#### Summary: netdisk ÷ the best peer (target ≥ 1.00)"
echo
echo "| case | netdisk | peer | netdisk ÷ peer | target |"
echo "|---|---|---|---:|---|"
verdict() { awk -v r="$1" 'BEGIN{if (r == "-") print "-"; else print (r >= 1.0 ? "met" : "missed")}'; }
sum_row() { # case, netdisk contender, peer contender, figure, unit
  local n p r
  n=$(med "$2" "$4") p=$(med "$3" "$4")
  r=$(ratio "$n" "$p")
  printf '| %s | %s %s | %s %s | %s | %s |\n' "$1" "$(describe_short "$2") $(cut -d. -f1 <<<"$n")" "$5" \
    "$(describe_short "$3") $(cut -d. -f1 <<<"$p")" "$5" "$r" "$(verdict "$r")"
}
describe_short() {
  case $1 in
    nginx-*) echo nginx ;;
    nd-*-raw) echo "lean client" ;;
    nd-*-c) echo "C driver" ;;
    nd-*-library) echo "client library" ;;
    *) echo "$1" ;;
  esac
}
best_of() { # figure, contenders... -> the contender with the largest median
  local fig=$1 best='' bv=-1 c v
  shift
  for c in "$@"; do
    v=$(med "$c" "$fig")
    [[ $v == - ]] && continue
    if awk -v a="$v" -v b="$bv" 'BEGIN{exit !(a > b)}'; then best=$c bv=$v; fi
  done
  echo "$best"
}
if part a; then
  for c in "${A_WHO[@]:1}"; do sum_row "(a) new connection per download" "$c" nginx-close per_s "/s"; done
fi
if part b; then
  for c in "${B_WHO[@]:1}"; do sum_row "(b) established sessions" "$c" nginx-keepalive per_s "/s"; done
  for c in ${P_WHO[@]+"${P_WHO[@]:1}"}; do
    sum_row "(b) sessions, pipelined ($WINDOW at a time)" "$c" nginx-pipeline per_s "/s"
  done
fi
if part c && ((${#C_WHO[@]} > 1)); then
  sum_row "(c) put -r" netdisk "$(best_of up_fps "${C_WHO[@]:1}")" up_fps "files/s"
  sum_row "(c) put -r, peer then sync" netdisk "$(best_of up_sync_fps "${C_WHO[@]:1}")" up_sync_fps "files/s"
  sum_row "(c) get -r" netdisk "$(best_of down_fps "${C_WHO[@]:1}")" down_fps "files/s"
fi
echo
echo "#### Sanity"
echo
echo "- netdisk stopped with exit status $ND_RC; its log has $(grep -cE ' (WARN|ERROR) ' "${ND_LOG[main]}" || true)" \
  "WARN/ERROR lines; nginx's error log $(grep -c . "$tmp/nginx/error.log" 2>/dev/null || true) lines."
if ((${#PEER_FAILURES[@]} > 0)); then
  for f in "${PEER_FAILURES[@]}"; do echo "- FAILED, left out of the medians: $f"; done
fi
echo "- Every netdisk download checked (size and SHA-256, by the driver or the client; ndload: every frame's type" \
  "and request id, FileInfo's size, offset and SHA-256, the content byte for byte against the file); nginx's" \
  "responses by count, status and length (wrk), its file by SHA-256 once (curl)$(part c && echo "; every tree by file count and SHA-256 ($FILES files)")."
echo
echo "Per-round figures:"
echo
echo '```'
cat "$tmp/rounds.txt"
echo '```'
say "done in $(($(date +%s) - started)) s"
