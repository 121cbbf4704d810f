#!/usr/bin/env bash
# File-transfer benchmark: one big file of random bytes (1 GiB), netdisk against the usual peers, on 127.0.0.1.
#
#   Download  netdisk `get` against nginx (sendfile on, worker_processes 2) + `curl -o`, into /dev/null, a tmpfs
#             file (/dev/shm) and a disk file (/tmp, checked to be disk). nginx serves src.bin itself; netdisk serves
#             its own copy of it, the blob that an untimed `netdisk put` of src.bin stored before the rounds. Both
#             are in the page cache (warm): both are read once before every round. netdisk's `get` fsyncs the file
#             (and its directory) before it is done; curl does not, so on disk curl is also given with the time of a
#             `sync FILE DIR` run right after it.
#   Upload    netdisk `put` against nginx WebDAV PUT (`curl -T … http://`) and vsftpd (anonymous upload,
#             `curl -T … ftp://`), into a disk directory and into a tmpfs directory. netdisk fsyncs every upload
#             (file and directory) before it answers; nginx and vsftpd do not, so on disk the peers are also given
#             with the time of a `sync FILE DIR` run right after them.
#   RSS       VmRSS of the netdisk master and workers and of the nginx master and workers, sampled every 100 ms
#             during a 1 GiB and a BIG_MIB (4 GiB, sparse) download to /dev/null, a 1 GiB upload to disk and a
#             BIG_MIB upload to tmpfs (sparse source), against their idle RSS.
#   Sink      netdisk.bench.UploadSinkBench: socket → file with FileChannel.transferFrom against the server's read
#             loop (1 MiB direct buffer), on a virtual and on a platform thread, to disk and to tmpfs.
#
# netdisk is a multi-user disk: each server's data directory gets one account (`netdisk-server user add`, before
# the server starts), the client logs in once per server (untimed; the token is kept under XDG_CONFIG_HOME, set to a
# directory in the temp dir), and every timed command logs in with that token. Files live in the user's tree
# (SQLite metadata) with their content stored by SHA-256 in DATA/blobs/ab/cd/<sha256>, so the files to download are
# seeded by uploading them (src.bin, and the sparse big.bin of the RSS pass, stored dense) before the rounds.
#
# What an upload costs the server (FileBlobWriter, Disk.publish): the content is received into DATA/blobs/tmp,
# hashed as it is written, flushed to disk while it arrives and fsynced in full; then, under the blob lock, it is
# renamed to its blob path (its two fan-out directories made first when new, each with an fsync of its parent) and
# that directory fsynced, and the file is added to the tree in one SQLite transaction (synchronous=FULL) before the
# answer. If a blob with that hash already exists, the upload is still received, hashed, written and fsynced in
# full, but its temporary copy is then deleted instead: no rename, no directory fsync, and the unlink of the whole
# file (and of its page cache) inside the timed upload. That is not what storing a new file costs, in either
# direction, so each round uploads content that netdisk has not stored: up.bin, src.bin's bytes and UP_EXTRA (1)
# more, with its first 8 bytes replaced by `rnd00001`, `rnd00002`, ... (the peers upload the very same file).
# UP_EXTRA makes it a new size too: `put` streams a file of 16 MiB or more (protocol 1.4: hashed while it is sent,
# its SHA-256 after the content) only when no file stored on the server has its size, since only a file announced
# by its SHA-256 first can be an instant upload, and the disk server stores src.bin (SIZE bytes) for the downloads.
# UP_EXTRA=0 measures the other path on the disk server, a file of a stored size: hashed whole first, then sent
# (the tmpfs server stores no file of that size, so it streams either way). netdisk's uploads are
# verified in every round by the sha256 of `netdisk stat --json` against
# sha256sum of that round's content (computed once, before the rounds), the peers' byte for byte in round 1; then
# every upload is deleted, untimed (`netdisk rm`, which deletes the blob).
#
# ROUNDS interleaved rounds (the order of the contenders rotates each round); the tables give the median of the
# rounds. Every command is timed with `date +%s%N` around the whole client process: for netdisk that includes the
# launcher script, the JVM's start and the login with the saved token. netdisk's transfer-only rate is given twice:
# as the client prints it (`get NAME  100%  1.00 GiB in 0:01  (X GiB/s)`, measured from the server's answer to the
# end of the transfer) and from the server's log line (`download of /NAME: N bytes in T ms`, `upload of …`). curl's
# own `time_total` is given for the peers.
#
#   bench/transfer.sh
#
# Env (defaults): SIZE_MIB=1024 ROUNDS=3 BIG_MIB=4096 (RSS pass) WORKERS=2 SINK=1 SINK_REPS=5 SINK_MIB=SIZE_MIB UP_EXTRA=1
#                 SKIP_BUILD=0 MVN_OFFLINE=1 KEEP_TMP=0 (keep the temp dirs and logs)
# Needs: nginx (with the dav module: Debian's nginx has it), vsftpd, curl, ss, pgrep, fincore, sha256sum
#        (installed with apt-get when missing and run as root). Nothing is started as a service; every server is
#        started here in the foreground, on 127.0.0.1 and free ports, and stopped here. Disk space in TMPDIR: about
#        4 × SIZE_MIB + BIG_MIB (netdisk stores big.bin dense); page cache: the same, plus BIG_MIB of nginx's zeros.
set -euo pipefail

SIZE_MIB=${SIZE_MIB:-1024}
ROUNDS=${ROUNDS:-3}
BIG_MIB=${BIG_MIB:-4096}
WORKERS=${WORKERS:-2}
SINK=${SINK:-1}
SINK_REPS=${SINK_REPS:-5}
SINK_MIB=${SINK_MIB:-$SIZE_MIB}
UP_EXTRA=${UP_EXTRA:-1}

self=$(readlink -f -- "${BASH_SOURCE[0]}")
root=${self%/bench/transfer.sh}
BENCH_NAME=transfer.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$root/bench/lib.sh" # say, die, temp dirs, servers stopped at exit, build, ports, medians, start_netdisk

# The peers come from Debian's packages; install them when missing and we can (root with apt-get).
missing=()
for tool in nginx vsftpd curl ss pgrep fincore findmnt sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]} > 0)) && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  say "installing the benchmark's peers (missing: ${missing[*]})..."
  if ! apt-get update -qq >&2 || ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx vsftpd curl iproute2 \
    procps util-linux >&2; then
    die "apt-get install failed"
  fi
fi
for tool in nginx vsftpd curl ss pgrep fincore findmnt sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "needs $tool (apt-get install -y nginx vsftpd curl)"
done
nginx -V 2>&1 | grep -q -- '--with-http_dav_module' || die "this nginx has no dav module (Debian's nginx has it)"
getent passwd ftp >/dev/null || die "vsftpd's anonymous user 'ftp' does not exist (it comes with the vsftpd package)"

SIZE=$((SIZE_MIB << 20))
BIG=$((BIG_MIB << 20))
UP_SIZE=$((SIZE + UP_EXTRA)) # the uploads' size (see the header)
if ((UP_EXTRA > 0)); then UP_PATH="a size no stored file has: streamed"; else UP_PATH="the size of the stored src.bin: hashed first, on the disk server"; fi
started=$(date +%s)
load_before=$(cut -d" " -f1-3 /proc/loadavg)

tmp='' shm=''
bench_tmp tmp "${TMPDIR:-/tmp}"
bench_tmp shm /dev/shm
chmod 755 "$tmp" "$shm"
disk_fs=$(findmnt -n -f -o FSTYPE,SOURCE -T "$tmp" | tr -s ' ')
shm_fs=$(findmnt -n -f -o FSTYPE,SOURCE -T "$shm" | tr -s ' ')
case $disk_fs in
  tmpfs* | ramfs* | overlay*) die "$tmp is on ${disk_fs%% *}, not on a disk: set TMPDIR to a directory on a disk" ;;
esac
[[ $shm_fs == tmpfs* ]] || die "/dev/shm is not a tmpfs ($shm_fs)"
# The client's saved logins (XDG_CONFIG_HOME/netdisk) and shell history: in the temp dir, never the user's own.
export XDG_CONFIG_HOME=$tmp/xdg/config XDG_STATE_HOME=$tmp/xdg/state
SAMPLER_PID=
stop_sampler() {
  if [[ -n $SAMPLER_PID ]]; then
    kill "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
  fi
}
BENCH_ON_EXIT=stop_sampler

# ---- build

bench_build "$tmp/build.log" protocol,server,client,bench
for jar in server/target/netdisk-server.jar client/target/netdisk-client.jar bench/target/netdisk-bench.jar; do
  [[ -f $root/$jar ]] || die "$jar missing (build first, or run without SKIP_BUILD=1)"
done

# ---- helpers

gibps() { awk -v b="$1" -v ns="$2" 'BEGIN{printf "%.3f", b / 1073741824 / (ns / 1e9)}'; }
size_of() { stat -c %s -- "$1"; }

# ---- RSS sampler: VmRSS (KiB) of the given pids every 100 ms into a file, one "pid kib" line per sample

sampler_start() { # $1 = output file, then pids
  local out=$1
  shift
  (
    trap 'exit 0' TERM
    while :; do
      for p in "$@"; do
        while read -r k v _; do
          if [[ $k == VmRSS: ]]; then
            echo "$p $v"
            break
          fi
        done <"/proc/$p/status" 2>/dev/null || true
      done
      sleep 0.1
    done
  ) >"$out" &
  SAMPLER_PID=$!
}
sampler_stop() {
  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=
}
rss_now() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }      # KiB
rss_max() { awk -v p="$2" '$1 == p && $2 > m {m = $2} END{print m + 0}' "$1"; }      # file pid -> KiB
samples() { awk -v p="$2" '$1 == p {n++} END{print n + 0}' "$1"; }
mib() { awk -v k="$1" 'BEGIN{printf "%.1f", k / 1024}'; }

# ---- files

mkdir -p "$tmp/nd-disk" "$shm/nd" "$tmp/dl" "$tmp/dst" "$shm/dst" "$tmp/dav" "$tmp/dav-body" \
  "$shm/dav" "$shm/dav-body" "$tmp/nginx"
say "writing $SIZE_MIB MiB of random bytes..."
head -c "$SIZE" /dev/urandom >"$tmp/src.bin"
sync "$tmp/src.bin" # no dirty pages of ours left to write back during the runs
ln "$tmp/src.bin" "$tmp/dl/src.bin" # what nginx serves: the same inode (netdisk serves its own blob of it)
truncate -s "$BIG" "$tmp/big.bin"   # sparse
ln "$tmp/big.bin" "$tmp/dl/big.bin"
{ cat "$tmp/src.bin" && head -c "$UP_EXTRA" /dev/urandom; } >"$tmp/up.bin" # the uploads' source (see the header)
sync "$tmp/up.bin"
SRC_SUM=$(sha256sum "$tmp/src.bin" | cut -d' ' -f1)

# The content of each round's uploads: up.bin with its first 8 bytes replaced (see the header); 0 = up.bin as
# written. set_content N writes those 8 bytes in place and syncs the page it dirtied.
head -c 8 "$tmp/up.bin" >"$tmp/head-0.bin"
CONTENT=0
declare -A SUM=() # round -> sha256 of that round's content, for netdisk's uploads
set_content() {
  ((CONTENT == $1)) && return
  dd if="$tmp/head-$1.bin" of="$tmp/up.bin" bs=8 count=1 conv=notrunc status=none || die "cannot write up.bin"
  sync "$tmp/up.bin"
  CONTENT=$1
}
say "hashing the uploads' contents..."
for ((n = 0; n <= ROUNDS + 1; n++)); do
  if ((n > 0)); then
    printf 'rnd%05d' "$n" >"$tmp/head-$n.bin"
    cmp -s "$tmp/head-0.bin" "$tmp/head-$n.bin" && die "up.bin starts with rnd$(printf %05d "$n"): run again"
  fi
  ((n == ROUNDS + 1)) && break # the RSS pass's upload (not verified)
  SUM[$n]=$({ cat "$tmp/head-$n.bin" && tail -c +9 "$tmp/up.bin"; } | sha256sum | cut -d' ' -f1)
done

# ---- servers

NGINX_PORT=$(free_port)
nginx_conf "$tmp/nginx" "$NGINX_PORT" 2 256 "" "        location /dl/ { alias $tmp/dl/; }
        location /disk/ {
            alias $tmp/dav/;
            dav_methods PUT DELETE;
            client_body_temp_path $tmp/dav-body;
            client_max_body_size 0;
        }
        location /shm/ {
            alias $shm/dav/;
            dav_methods PUT DELETE;
            client_body_temp_path $shm/dav-body;
            client_max_body_size 0;
        }" >"$tmp/nginx/nginx.conf"
start_nginx() {
  nginx -t -q -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" ||
    die "nginx rejects $tmp/nginx/nginx.conf"
  nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" >"$tmp/nginx/stdout.log" 2>&1 &
  NGINX_PID=$!
  bench_started "$NGINX_PID"
  wait_listening "$NGINX_PORT" "$NGINX_PID" "$tmp/nginx/error.log"
}

declare -A FTP_PID=() FTP_PORT=() FTP_UP=()
start_vsftpd() { # $1 = name, $2 = its anonymous root (created here: root-owned, with a world-writable up/)
  local name=$1 anon=$2 port pmin conf=$tmp/vsftpd-$1.conf
  mkdir -p "$anon/up" "$tmp/vsftpd-empty"
  chmod 755 "$anon"
  chown ftp "$anon/up"
  chmod 755 "$anon/up"
  port=$(free_port)
  pmin=$(free_port) # passive ports: pmin and the 4 after it (checked free too)
  local p ok
  while :; do
    ok=1
    for ((p = pmin + 1; p <= pmin + 4; p++)); do
      if ss -Htan | awk '{n = split($4, a, ":"); print a[n]}' | grep -qx "$p" || [[ -n ${TAKEN[$p]:-} ]]; then ok=0; fi
    done
    ((ok)) && break
    pmin=$(free_port)
  done
  for ((p = pmin + 1; p <= pmin + 4; p++)); do TAKEN[p]=1; done
  cat >"$conf" <<EOF
# generated by bench/transfer.sh
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$port
background=NO
anonymous_enable=YES
local_enable=NO
no_anon_password=YES
anon_root=$anon
write_enable=YES
anon_upload_enable=YES
anon_other_write_enable=YES
anon_mkdir_write_enable=NO
anon_umask=022
ftp_username=ftp
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=$pmin
pasv_max_port=$((pmin + 4))
port_enable=NO
connect_from_port_20=NO
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
secure_chroot_dir=$tmp/vsftpd-empty
xferlog_enable=YES
xferlog_std_format=NO
vsftpd_log_file=$tmp/vsftpd-$name.log
syslog_enable=NO
dirmessage_enable=NO
hide_ids=YES
EOF
  vsftpd "$conf" >"$tmp/vsftpd-$name.out" 2>&1 &
  FTP_PID[$name]=$!
  bench_started "$!"
  wait_listening "$port" "${FTP_PID[$name]}" "$tmp/vsftpd-$name.out"
  FTP_PORT[$name]=$port FTP_UP[$name]=$anon/up
}

say "starting servers..."
start_netdisk disk "$tmp/nd-disk/data" "$tmp" --workers "$WORKERS"
start_netdisk shm "$shm/nd/data" "$tmp" --workers "$WORKERS"
start_nginx
start_vsftpd disk "$tmp/ftp"
start_vsftpd shm "$shm/ftp"
sleep 1

ND_WORKERS=$(pgrep -P "${ND_PID[disk]}" | tr '\n' ' ')
ND_SHM_WORKERS=$(pgrep -P "${ND_PID[shm]}" | tr '\n' ' ')
NGINX_WORKERS=$(pgrep -P "$NGINX_PID" | tr '\n' ' ')
declare -A IDLE_RSS=()
for p in "${ND_PID[disk]}" $ND_WORKERS "${ND_PID[shm]}" $ND_SHM_WORKERS "$NGINX_PID" $NGINX_WORKERS; do
  IDLE_RSS[$p]=$(rss_now "$p")
done

# ---- seed netdisk's downloads (untimed): its files live in the user's tree, their content in DATA/blobs
nd_cmd() { # $1 = server (disk|shm), then a client command (untimed); its output on stdout, dies on failure
  local server=$1 out rc=0
  shift
  out=$("$root/bin/netdisk" --port "${ND_PORT[$server]}" "$@" 2>&1) || rc=$?
  ((rc == 0)) || die "netdisk $* ($server) failed with $rc: $out"
  printf '%s\n' "$out"
}
nd_stat() { # $1 = server, $2 = remote path; sets ND_SIZE and ND_SHA from `stat --json`
  local json
  json=$(nd_cmd "$1" stat --json "$2")
  ND_SIZE=$(sed -n 's/.*"size":\([0-9]*\).*/\1/p' <<<"$json")
  ND_SHA=$(sed -n 's/.*"sha256":"\([0-9a-f]*\)".*/\1/p' <<<"$json")
  [[ -n $ND_SIZE && ${#ND_SHA} == 64 ]] || die "netdisk stat --json $2 ($1): cannot read $json"
}
nd_blob() { echo "${ND_DATA[$1]}/blobs/${ND_SHA:0:2}/${ND_SHA:2:2}/$ND_SHA"; } # $1 = server; after nd_stat
say "uploading src.bin and big.bin to netdisk (untimed)..."
nd_cmd disk put -q "$tmp/src.bin" /src.bin >/dev/null
nd_stat disk /src.bin
[[ $ND_SIZE == "$SIZE" && $ND_SHA == "$SRC_SUM" ]] || die "netdisk's /src.bin: $ND_SIZE bytes, sha256 $ND_SHA"
ND_SRC_BLOB=$(nd_blob disk)
nd_cmd disk put -q "$tmp/big.bin" /big.bin >/dev/null
nd_stat disk /big.bin
[[ $ND_SIZE == "$BIG" ]] || die "netdisk's /big.bin: $ND_SIZE bytes, expected $BIG"
ND_BIG_BLOB=$(nd_blob disk)
[[ -f $ND_SRC_BLOB && -f $ND_BIG_BLOB ]] || die "netdisk's blobs are not where expected: $ND_SRC_BLOB, $ND_BIG_BLOB"

# ---- one transfer each: every function sets WHOLE (GiB/s, whole process) and, where there is one, INNER
#      (client's own rate, or curl's time_total) and SERVER (netdisk's log line); dies on any failure

nd_log_lines() { grep -c "$2 of $3:" "${ND_LOG[$1]}" || true; }
nd_server_rate() { # $1 = server, $2 = download|upload, $3 = name, $4 = lines before; waits for the (async) log line
  local i line
  for ((i = 0; i < 50; i++)); do
    if (($(nd_log_lines "$1" "$2" "$3") > $4)); then
      line=$(grep "$2 of $3:" "${ND_LOG[$1]}" | tail -1)
      sed -n 's/.*: \([0-9]*\) bytes in \([0-9]*\) ms.*/\1 \2/p' <<<"$line" |
        awk '{printf "%.3f", $1 / 1073741824 / ($2 / 1000)}'
      return
    fi
    sleep 0.1
  done
  echo -
}
client_rate() { # the client's final line "... (1.40 GiB/s)" -> GiB/s
  sed -n 's/.*100%.*(\([0-9.]*\) \([KMG]iB\)\/s).*/\1 \2/p' "$1" | tail -1 |
    awk '{f = $2 == "GiB" ? 1 : $2 == "MiB" ? 1 / 1024 : 1 / 1048576; printf "%.3f", $1 * f}'
}

VERIFY=0 # compare whole files (first round only)
check_file() { # $1 = file written, $2 = what, $3 = its source (src.bin)
  local got source=${3:-$tmp/src.bin} size
  got=$(size_of "$1") size=$(size_of "$source")
  [[ $got == "$size" ]] || die "$2: $1 has $got bytes, expected $size"
  if ((VERIFY)); then
    cmp -s -- "$source" "$1" || die "$2: $1 differs from the source"
    VERIFIED+=("$2")
  fi
}
declare -a VERIFIED=()

nd_get() { # $1 = destination (path or /dev/null), $2 = label
  local before err=$tmp/client.err t0 t1 rc=0
  before=$(nd_log_lines disk download /src.bin)
  t0=$(now_ns)
  "$root/bin/netdisk" --port "${ND_PORT[disk]}" get /src.bin "$1" >/dev/null 2>"$err" || rc=$?
  t1=$(now_ns)
  ((rc == 0)) || die "netdisk get ($2) failed with $rc: $(cat "$err")"
  WHOLE=$(gibps "$SIZE" $((t1 - t0))) INNER=$(client_rate "$err")
  SERVER=$(nd_server_rate disk download /src.bin "$before")
  [[ $1 == /dev/null ]] || check_file "$1" "netdisk get → $2"
}
curl_get() { # $1 = destination, $2 = label; into a file, sets SYNCED too (with sync FILE DIR, as netdisk's get syncs)
  local t0 t1 t2 out rc=0
  t0=$(now_ns)
  out=$(curl -sS --fail -o "$1" -w '%{http_code} %{size_download} %{time_total}' \
    "http://127.0.0.1:$NGINX_PORT/dl/src.bin") || rc=$?
  t1=$(now_ns)
  [[ $1 == /dev/null ]] || sync -- "$1" "${1%/*}"
  t2=$(now_ns)
  ((rc == 0)) || die "curl GET ($2) failed with $rc ($out)"
  read -r code bytes secs <<<"$out"
  [[ $code == 200 && $bytes == "$SIZE" ]] || die "curl GET ($2): status $code, $bytes bytes"
  WHOLE=$(gibps "$SIZE" $((t1 - t0))) INNER=$(awk -v s="$secs" -v b="$SIZE" 'BEGIN{printf "%.3f", b / 1073741824 / s}')
  if [[ $1 != /dev/null ]]; then
    SYNCED=$(gibps "$SIZE" $((t2 - t0)))
    SYNCOWN=$(awk -v s="$secs" -v ns=$((t2 - t1)) -v b="$SIZE" 'BEGIN{printf "%.3f", b / 1073741824 / (s + ns / 1e9)}')
  fi
  SERVER=-
  [[ $1 == /dev/null ]] || check_file "$1" "nginx+curl → $2"
}
nd_put() { # $1 = server (disk|shm), $2 = remote path; up.bin holds round $round's content (set_content)
  local before err=$tmp/client.err t0 t1 rc=0
  before=$(nd_log_lines "$1" upload "$2")
  t0=$(now_ns)
  "$root/bin/netdisk" --port "${ND_PORT[$1]}" put "$tmp/up.bin" "$2" >/dev/null 2>"$err" || rc=$?
  t1=$(now_ns)
  ((rc == 0)) || die "netdisk put ($1) failed with $rc: $(cat "$err")"
  WHOLE=$(gibps "$UP_SIZE" $((t1 - t0))) INNER=$(client_rate "$err")
  SERVER=$(nd_server_rate "$1" upload "$2" "$before")
  nd_stat "$1" "$2" # verified by its SHA-256 every round, against sha256sum of the round's content
  [[ $ND_SIZE == "$UP_SIZE" ]] || die "netdisk put → $1: $2 has $ND_SIZE bytes, expected $UP_SIZE"
  [[ $ND_SHA == "${SUM[$round]}" ]] || die "netdisk put → $1: $2 has sha256 $ND_SHA, expected ${SUM[$round]}"
  if ((VERIFY)); then VERIFIED+=("netdisk put → $1"); fi
  nd_cmd "$1" rm "$2" >/dev/null
}
curl_put() { # $1 = URL, $2 = file it lands in, $3 = label, $4 = expected status; sets SYNCED too (with sync FILE DIR)
  local t0 t1 t2 out rc=0
  t0=$(now_ns)
  out=$(curl -sS --fail -T "$tmp/up.bin" -w '%{response_code} %{size_upload} %{time_total}' "$1") || rc=$?
  t1=$(now_ns)
  sync -- "$2" "${2%/*}"
  t2=$(now_ns)
  ((rc == 0)) || die "curl PUT/STOR ($3) failed with $rc ($out)"
  read -r code bytes secs <<<"$out"
  [[ $code =~ $4 && $bytes == "$UP_SIZE" ]] || die "curl upload ($3): status $code, $bytes bytes"
  WHOLE=$(gibps "$UP_SIZE" $((t1 - t0))) INNER=$(awk -v s="$secs" -v b="$UP_SIZE" 'BEGIN{printf "%.3f", b / 1073741824 / s}')
  SYNCED=$(gibps "$UP_SIZE" $((t2 - t0))) SERVER=-
  SYNCOWN=$(awk -v s="$secs" -v ns=$((t2 - t1)) -v b="$UP_SIZE" 'BEGIN{printf "%.3f", b / 1073741824 / (s + ns / 1e9)}')
  check_file "$2" "$3" "$tmp/up.bin"
  rm -f -- "$2"
}

declare -A R=() # "case|who|kind" -> space-separated per-round figures
record() { # $1 = case, $2 = who
  R[$1|$2|whole]+="$WHOLE " R[$1|$2|inner]+="$INNER " R[$1|$2|server]+="${SERVER:--} "
  if [[ -n ${SYNCED:-} ]]; then R[$1|$2|synced]+="$SYNCED " R[$1|$2|syncown]+="$SYNCOWN "; fi
  printf '%s\n' "round $round  $1  $2: whole ${WHOLE}, own ${INNER}, server log ${SERVER:--}${SYNCED:+, whole + sync ${SYNCED}, own + sync ${SYNCOWN}}" >>"$tmp/rounds.txt"
  say "  round $round  $1  $2: ${WHOLE} GiB/s whole process (own ${INNER}${SYNCED:+, +sync ${SYNCED}})"
  SYNCED='' SYNCOWN=''
}

run_one() { # $1 = case, $2 = who
  SYNCED=
  case "$1|$2" in
    "get /dev/null|nginx") curl_get /dev/null /dev/null ;;
    "get /dev/null|netdisk") nd_get /dev/null /dev/null ;;
    "get tmpfs|nginx") curl_get "$shm/dst/curl.bin" tmpfs && rm -f -- "$shm/dst/curl.bin" ;;
    "get tmpfs|netdisk") nd_get "$shm/dst/nd.bin" tmpfs && rm -f -- "$shm/dst/nd.bin" ;;
    "get disk|nginx") curl_get "$tmp/dst/curl.bin" disk && rm -f -- "$tmp/dst/curl.bin" ;;
    "get disk|netdisk") nd_get "$tmp/dst/nd.bin" disk && rm -f -- "$tmp/dst/nd.bin" ;;
    "put disk|nginx") curl_put "http://127.0.0.1:$NGINX_PORT/disk/up.bin" "$tmp/dav/up.bin" "nginx PUT → disk" '^20[14]$' ;;
    "put disk|vsftpd") curl_put "ftp://127.0.0.1:${FTP_PORT[disk]}/up/up.bin" "${FTP_UP[disk]}/up.bin" "vsftpd → disk" '^226$' ;;
    "put disk|netdisk") nd_put disk "/up-$round.bin" ;;
    "put tmpfs|nginx") curl_put "http://127.0.0.1:$NGINX_PORT/shm/up.bin" "$shm/dav/up.bin" "nginx PUT → tmpfs" '^20[14]$' ;;
    "put tmpfs|vsftpd") curl_put "ftp://127.0.0.1:${FTP_PORT[shm]}/up/up.bin" "${FTP_UP[shm]}/up.bin" "vsftpd → tmpfs" '^226$' ;;
    "put tmpfs|netdisk") nd_put shm "/up-$round.bin" ;;
    *) die "no such run: $1|$2" ;;
  esac
  record "$1" "$2"
}

CASES=("get /dev/null" "get tmpfs" "get disk" "put disk" "put tmpfs")
declare -A WHO=(["get /dev/null"]="nginx netdisk" ["get tmpfs"]="nginx netdisk" ["get disk"]="nginx netdisk"
  ["put disk"]="nginx vsftpd netdisk" ["put tmpfs"]="nginx vsftpd netdisk")

# ---- client start cost: `bin/netdisk ping` (connect, handshake, one round trip), whole process
declare -a PING_MS=()
for i in 1 2 3 4 5; do
  t0=$(now_ns)
  "$root/bin/netdisk" --port "${ND_PORT[disk]}" ping >/dev/null 2>&1 || die "netdisk ping failed"
  t1=$(now_ns)
  PING_MS+=("$(awk -v n=$((t1 - t0)) 'BEGIN{printf "%.1f", n / 1e6}')")
done
declare -a CURL_MS=()
: >"$tmp/dl/empty.bin"
for i in 1 2 3 4 5; do
  t0=$(now_ns)
  curl -sS --fail -o /dev/null "http://127.0.0.1:$NGINX_PORT/dl/empty.bin" || die "curl of an empty file failed"
  t1=$(now_ns)
  CURL_MS+=("$(awk -v n=$((t1 - t0)) 'BEGIN{printf "%.1f", n / 1e6}')")
done

# ---- rounds
: >"$tmp/rounds.txt"
declare -a WARM=()
for ((round = 1; round <= ROUNDS; round++)); do
  VERIFY=$((round == 1))
  cat "$tmp/src.bin" "$tmp/up.bin" "$ND_SRC_BLOB" >/dev/null # warm: the sources are in the page cache for all
  WARM+=("$(for f in "$tmp/src.bin" "$ND_SRC_BLOB"; do
    fincore -n -b -o RES "$f" | awk -v s="$SIZE" '{printf "%.0f%%\n", 100 * $1 / s}'
  done | paste -sd/)")
  say "round $round/$ROUNDS (src.bin / netdisk's blob of it in page cache: ${WARM[-1]})"
  for c in "${CASES[@]}"; do
    [[ $c == put* ]] && set_content "$round" # this round's upload content
    read -r -a who <<<"${WHO[$c]}"
    n=${#who[@]}
    for ((k = 0; k < n; k++)); do
      run_one "$c" "${who[$(((k + round - 1) % n))]}"
    done
  done
  set_content 0
done
unset round

# ---- RSS pass: sample every 100 ms during each transfer
say "RSS pass..."
# all in the page cache before either server reads them (netdisk reads its blobs, nginx the files)
cat "$tmp/big.bin" "$tmp/src.bin" "$tmp/up.bin" "$ND_BIG_BLOB" "$ND_SRC_BLOB" >/dev/null
declare -A RSS_MAX=() RSS_BEFORE=() RSS_N=()
rss_pass() { # $1 = label, $2 = pids (space-separated), then the command
  local label=$1 pids=$2 out=$tmp/rss-$RANDOM.txt p t0 t1
  shift 2
  for p in $pids; do RSS_BEFORE[$label|$p]=$(rss_now "$p"); done
  # shellcheck disable=SC2086
  sampler_start "$out" $pids
  t0=$(now_ns)
  "$@" >/dev/null 2>"$tmp/rss-cmd.err" || die "RSS pass, $label: $* failed: $(cat "$tmp/rss-cmd.err")"
  t1=$(now_ns)
  sampler_stop
  for p in $pids; do
    RSS_MAX[$label|$p]=$(rss_max "$out" "$p")
    RSS_N[$label]=$(samples "$out" "$p")
  done
  RSS_SECS[$label]=$(awk -v n=$((t1 - t0)) 'BEGIN{printf "%.1f", n / 1e9}')
}
declare -A RSS_SECS=()
ND_ALL="${ND_PID[disk]} $ND_WORKERS"
ND_SHM_ALL="${ND_PID[shm]} $ND_SHM_WORKERS"
NGINX_ALL="$NGINX_PID $NGINX_WORKERS"
B=http://127.0.0.1:$NGINX_PORT
LS="$SIZE_MIB MiB" LB="$BIG_MIB MiB sparse"
rss_pass "netdisk get $LS" "$ND_ALL" "$root/bin/netdisk" --port "${ND_PORT[disk]}" get -q /src.bin /dev/null
rss_pass "netdisk get $LB" "$ND_ALL" "$root/bin/netdisk" --port "${ND_PORT[disk]}" get -q /big.bin /dev/null
set_content $((ROUNDS + 1)) # content the disk server has not stored, like the rounds' uploads
rss_pass "netdisk put $LS disk" "$ND_ALL" "$root/bin/netdisk" --port "${ND_PORT[disk]}" put -q "$tmp/up.bin" /rss.bin
set_content 0
nd_cmd disk rm /rss.bin >/dev/null
rss_pass "netdisk put $LB tmpfs" "$ND_SHM_ALL" "$root/bin/netdisk" --port "${ND_PORT[shm]}" put -q "$tmp/big.bin" /rss.bin
nd_cmd shm rm /rss.bin >/dev/null
rss_pass "nginx get $LS" "$NGINX_ALL" curl -sS --fail -o /dev/null "$B/dl/src.bin"
rss_pass "nginx get $LB" "$NGINX_ALL" curl -sS --fail -o /dev/null "$B/dl/big.bin"
rss_pass "nginx put $LS disk" "$NGINX_ALL" curl -sS --fail -T "$tmp/up.bin" "$B/disk/rss.bin"
rm -f -- "$tmp/dav/rss.bin"
rss_pass "nginx put $LB tmpfs" "$NGINX_ALL" curl -sS --fail -T "$tmp/big.bin" "$B/shm/rss.bin"
rm -f -- "$shm/dav/rss.bin"
declare -A RSS_END=()
for p in $ND_ALL $ND_SHM_ALL $NGINX_ALL; do RSS_END[$p]=$(rss_now "$p"); done

# ---- sink micro-benchmark
if [[ $SINK == 1 ]]; then
  say "UploadSinkBench (socket → file: transferFrom vs read/write loop)..."
  mkdir -p "$tmp/sink" "$shm/sink"
  "$JAVA" -XX:+UseSerialGC -Xms16m -Xmx256m -Xss512k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 \
    -cp "$root/bench/target/netdisk-bench.jar:$root/bench/target/lib/*" netdisk.bench.UploadSinkBench \
    --source "$tmp/src.bin" --size $((SINK_MIB << 20)) --reps "$SINK_REPS" \
    --dest "disk=$tmp/sink" --dest "tmpfs=$shm/sink" >"$tmp/sink.out" 2>&1 || {
    cat "$tmp/sink.out" >&2
    die "UploadSinkBench failed"
  }
fi

# ---- stop the servers (and check they stop cleanly)
declare -A STOP_RC=()
for name in disk shm; do
  stop_pid "${ND_PID[$name]}"
  STOP_RC[netdisk-$name]=$STOPPED_RC
done
for p in $NGINX_PID "${FTP_PID[disk]}" "${FTP_PID[shm]}"; do stop_pid "$p"; done
load_after=$(cut -d" " -f1-3 /proc/loadavg)

# ---- report

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
hyper=
if grep -q hypervisor /proc/cpuinfo; then hyper=", with the hypervisor flag"; fi
mem=$(awk '/MemTotal/{printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
echo "### File transfer results ($(date -u '+%Y-%m-%d %H:%M') UTC)"
echo
echo "Machine: $(nproc) vCPUs ($cpu$hyper), $mem RAM, Linux $(uname -r), $("$JAVA" -version 2>&1 | head -1 | sed 's/"//g')," \
  "$(nginx -v 2>&1 | sed 's/.*: //'), vsftpd $(dpkg-query -W -f '${Version}' vsftpd 2>/dev/null || echo '?'), $(curl --version | head -1 | cut -d' ' -f1-2)."
echo "Disk: $tmp on ${disk_fs}; tmpfs: $shm on ${shm_fs}. Load average before/after: $load_before / $load_after."
echo "File: $SIZE_MIB MiB of random bytes; $ROUNDS rounds; in the page cache before each round (src.bin / netdisk's" \
  "blob of it): ${WARM[*]}. Each round's uploads: up.bin, src.bin and $UP_EXTRA more byte(s) ($UP_SIZE bytes), its first" \
  "8 bytes changed (new content for netdisk; $UP_PATH)."
echo "netdisk: \`bin/netdisk-server --workers $WORKERS\` (process mode, default worker options); client \`bin/netdisk\`."
echo
echo "Whole-process start cost, medians of 5: \`bin/netdisk ping\` (launcher + JVM + connect + handshake + 1 round trip)" \
  "$(median "${PING_MS[@]}" | awk '{printf "%.0f", $1}') ms; \`curl\` of an empty file from nginx" \
  "$(median "${CURL_MS[@]}" | awk '{printf "%.1f", $1}') ms."
echo
echo "GiB/s, median of $ROUNDS rounds. *Whole process*: \`date +%s%N\` around the client command (netdisk: launcher" \
  "script, JVM start and the login with the saved token included). *Own*: the client's own figure (netdisk's final" \
  "progress line; curl's \`time_total\`). *Server log*: netdisk's \`… of NAME: N bytes in T ms\` line."
echo
echo "| operation | destination | peer | peer, whole process | peer, own (curl time_total) | netdisk, whole process | netdisk, own (client line) | netdisk, server log | netdisk ÷ peer (whole) | netdisk ÷ peer (own) |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"
row() { # case, peer label, peer key, peer kind for the whole column
  local c=$1 label=$2 peer=$3 kind=$4 pw pi nw ni ns dest op
  # shellcheck disable=SC2086
  {
    pw=$(median ${R[$c|$peer|$kind]})
    pi=$(median ${R[$c|$peer|inner]})
    [[ $kind == synced ]] && pi=$(median ${R[$c|$peer|syncown]})
    nw=$(median ${R[$c|netdisk|whole]})
    ni=$(median ${R[$c|netdisk|inner]})
    ns=$(median ${R[$c|netdisk|server]})
  }
  op=${c%% *}
  dest=${c#* }
  [[ $op == get ]] && op=download || op=upload
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$op" "$dest" "$label" "$pw" "$pi" "$nw" "$ni" "$ns" \
    "$(ratio "$nw" "$pw")" "$(ratio "$ni" "$pi")"
}
row "get /dev/null" "nginx sendfile + curl" nginx whole
row "get tmpfs" "nginx sendfile + curl" nginx whole
row "get disk" "nginx sendfile + curl" nginx whole
row "get disk" "nginx sendfile + curl, then \`sync FILE DIR\`" nginx synced
row "put disk" "nginx WebDAV PUT" nginx whole
row "put disk" "nginx WebDAV PUT, then \`sync FILE DIR\`" nginx synced
row "put disk" "vsftpd (curl ftp://)" vsftpd whole
row "put disk" "vsftpd, then \`sync FILE DIR\`" vsftpd synced
row "put tmpfs" "nginx WebDAV PUT" nginx whole
row "put tmpfs" "vsftpd (curl ftp://)" vsftpd whole
echo
echo "netdisk's upload figures include its fsync of the file and of the directory (every column), and so do its" \
  "downloads into a file (\`get\` fsyncs the file before renaming it into place, then the directory). In the" \
  "\"then sync\" rows the peer's figures include the time of a \`sync FILE DIR\` run right after curl exits (whole process + sync;" \
  "curl's time_total + sync). Verified in round 1: ${#VERIFIED[@]} files (every download to a file and every" \
  "upload; byte for byte, netdisk's uploads by the SHA-256 that \`netdisk stat\` reports, which is also checked in" \
  "every round); sizes checked in every round."
echo
echo "vsftpd truncates the file it stores (\`ftruncate(fd, 0)\` after \`open\`, seen with strace), and ext4's" \
  "auto_da_alloc starts writing such a file back when it is closed; curl exits only after QUIT → 221, which vsftpd" \
  "answered about 0.2 s after the 226 in a check here. Its *own* figures (time_total) leave that time out: on disk its" \
  "durable figure is the whole-process + sync one."
echo
echo "#### Server RSS during transfers (VmRSS MiB, sampled every 100 ms)"
echo
echo "Idle: 1 s after start, before any transfer. Before: just before that transfer (after the $ROUNDS rounds)." \
  "Max: the largest sample during the transfer. \"sparse\": a sparse file (reads as zeros; netdisk's copy of it is" \
  "dense), read once before the pass so that it is in the page cache for both servers." \
  "Seconds: the whole client process."
echo
echo "| transfer | seconds | samples | process | idle | before | max during | max − before |"
echo "|---|---:|---:|---|---:|---:|---:|---:|"
rss_rows() { # label, pids, role names...
  local label=$1 pids=$2 i=0 p role
  shift 2
  for p in $pids; do
    role=$1
    [[ $# -gt 1 ]] && shift
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "${RSS_SECS[$label]}" "${RSS_N[$label]}" "$role (pid $p)" \
      "$(mib "${IDLE_RSS[$p]}")" "$(mib "${RSS_BEFORE[$label|$p]}")" "$(mib "${RSS_MAX[$label|$p]}")" \
      "$(mib $((RSS_MAX[$label|$p] - RSS_BEFORE[$label|$p])))"
    i=$((i + 1))
  done
}
for l in "netdisk get $LS" "netdisk get $LB" "netdisk put $LS disk"; do rss_rows "$l" "$ND_ALL" "netdisk master" "netdisk worker"; done
rss_rows "netdisk put $LB tmpfs" "$ND_SHM_ALL" "netdisk master (tmpfs server)" "netdisk worker (tmpfs server)"
for l in "nginx get $LS" "nginx get $LB" "nginx put $LS disk" "nginx put $LB tmpfs"; do rss_rows "$l" "$NGINX_ALL" "nginx master" "nginx worker"; done
echo
printf 'RSS at the end (MiB): %s.\n' "$(for p in $ND_ALL $ND_SHM_ALL $NGINX_ALL; do printf '%s %s, ' "$p" "$(mib "${RSS_END[$p]}")"; done | sed 's/, $//')"
echo
if [[ $SINK == 1 ]]; then
  echo "#### Upload sink: socket → file in one JVM (netdisk.bench.UploadSinkBench)"
  echo
  echo "$SINK_MIB MiB per run from a sender thread (transferTo over loopback), median of $SINK_REPS; worker JVM options."
  echo
  sed -n '/^| destination/,/^$/p' "$tmp/sink.out"
  grep '^SINK_OK=' "$tmp/sink.out"
  echo
fi
echo "#### Sanity"
echo
for k in "${!STOP_RC[@]}"; do printf -- '- %s stopped with exit status %s\n' "$k" "${STOP_RC[$k]}"; done
for name in disk shm; do
  printf -- '- netdisk-%s log: %s WARN/ERROR lines\n' "$name" "$(grep -cE ' (WARN|ERROR) ' "${ND_LOG[$name]}" || true)"
done
printf -- '- nginx error log: %s lines\n' "$(grep -c . "$tmp/nginx/error.log" 2>/dev/null || true)"
echo
echo "Per-round figures (GiB/s):"
echo
echo '```'
cat "$tmp/rounds.txt"
if [[ $SINK == 1 ]]; then
  echo "-- UploadSinkBench runs:"
  grep -E '^(run|UploadSinkBench)' "$tmp/sink.out"
fi
echo '```'
say "done in $(($(date +%s) - started)) s"
