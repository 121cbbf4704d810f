#!/usr/bin/env bash
# Before and after: `put -r` and `get -r` of a tree of small files with an earlier commit's netdisk (server and client)
# and with this checkout's, interleaved, to tell what a change did to issue 5's case (c) on a machine whose speed
# drifts from one minute to the next (only figures taken side by side compare).
#
#   bench/ab-trees.sh BASE        BASE: a commit, tag or branch (e.g. HEAD~3)
#
# BASE is checked out with `git worktree` into a temp dir and built there (offline unless MVN_OFFLINE=0); this
# checkout is built too, as it is, uncommitted changes included. Both servers (default options, each with its own
# data dir and account) run at the same time on 127.0.0.1 and free ports; each client is logged in to its own server
# with its own config dir. A tree of FILES (10,000) files of SIZE (4096) random bytes in DIRS (100) directories is
# written once. Then WARMUP (2) untimed rounds per side, and ROUNDS (6) timed ones, alternating base and this
# checkout (which goes first alternates too). A round: `bin/netdisk put -r -q TREE /`, `bin/netdisk get -r -q /tree
# OUT`, both timed around the whole client process, then (untimed) the download checked against the tree (file count
# and SHA-256 of every file), `rm -r /tree` and the download deleted, and `sync -f`. Per round: wall time, the
# client's CPU (user + system, of the launcher and its JVM: bash `times`), the server's CPU (master and workers,
# /proc/PID/stat) during each command. The table gives medians and the ratio after ÷ before.
#
# Env (defaults): ROUNDS=6 WARMUP=2 FILES=10000 DIRS=100 SIZE=4096 SKIP_BUILD=0 MVN_OFFLINE=1 KEEP_TMP=0
# Disk: the data dirs and the tree are in TMPDIR (about 4 x FILES x SIZE); put it on the file system to measure.
set -euo pipefail
self=$(readlink -f -- "${BASH_SOURCE[0]}")
root=${self%/bench/ab-trees.sh}
BENCH_NAME=ab-trees.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$root/bench/lib.sh"

(($# == 1)) || die "usage: bench/ab-trees.sh BASE (a commit of this repository)"
base_rev=$(git -C "$root" rev-parse --verify --quiet "$1^{commit}") || die "not a commit here: $1"
ROUNDS=${ROUNDS:-6}
WARMUP=${WARMUP:-2}
FILES=${FILES:-10000}
DIRS=${DIRS:-100}
SIZE=${SIZE:-4096}

bench_tmp tmp "${TMPDIR:-/tmp}"
base="$tmp/base"
git -C "$root" worktree add --detach --quiet "$base" "$base_rev"
remove_worktree() { git -C "$root" worktree remove --force "$base" 2>/dev/null || true; }
trap 'remove_worktree; bench_cleanup' EXIT
here_rev=$(git -C "$root" rev-parse --short HEAD)
if [[ -n $(git -C "$root" status --porcelain) ]]; then
  here_rev+=" with uncommitted changes"
fi

bench_build "$tmp/build-here.log" protocol,server,client
(root=$base bench_build "$tmp/build-base.log" protocol,server,client)

say "writing $FILES files of $SIZE random bytes in $DIRS directories..."
write_tree "$tmp/tree" "$FILES" "$DIRS" "$SIZE"
src_sum=$(tree_sum "$tmp/tree")

declare -A ROOT=([before]=$base [after]=$root) PIDS=()
for side in before after; do
  mkdir -p "$tmp/$side"
  XDG_CONFIG_HOME="$tmp/$side/config" root=${ROOT[$side]} start_netdisk "$side" "$tmp/$side/data" "$tmp/$side"
  PIDS[$side]="${ND_PID[$side]} $(pgrep -P "${ND_PID[$side]}" | tr '\n' ' ')"
done

declare -A R=() # "side|figure" -> per-round values
round() { # $1 = side, $2 = timed or warm-up
  local side=$1 nd=("${ROOT[$1]}/bin/netdisk" --port "${ND_PORT[$1]}") out="$tmp/$1/out" t0 t1 c0 c1 w0 w1 pids got
  read -r -a pids <<<"${PIDS[$side]}"
  export XDG_CONFIG_HOME="$tmp/$side/config"
  for cmd in put get; do
    children_cpu
    w0=$CHILD_CPU c0=$(cpu_ticks "${pids[@]}") t0=$(now_ns)
    if [[ $cmd == put ]]; then
      "${nd[@]}" put -r -q "$tmp/tree" / || die "$side: put -r failed"
    else
      "${nd[@]}" get -r -q /tree "$out" || die "$side: get -r failed"
    fi
    t1=$(now_ns)
    children_cpu
    w1=$CHILD_CPU c1=$(cpu_ticks "${pids[@]}")
    if [[ $2 == timed ]]; then
      R[$side|$cmd wall]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b - a) / 1e9}') "
      R[$side|$cmd client]+="$(awk -v a="$w0" -v b="$w1" 'BEGIN{printf "%.3f", b - a}') "
      R[$side|$cmd server]+="$(awk -v a="$c0" -v b="$c1" -v k="$CLK_TCK" 'BEGIN{printf "%.3f", (b - a) / k}') "
    fi
  done
  got=$(tree_sum "$out") # `get -r /tree OUT` with no OUT yet makes OUT the tree
  [[ $got == "$src_sum" ]] || die "$side: the download is not the tree (got $got, want $src_sum)"
  "${nd[@]}" rm -r /tree >/dev/null || die "$side: rm -r /tree failed"
  rm -rf -- "$out"
  sync -f "$tmp"
}

last() { awk '{print $NF}' <<<"${R[$1|$2 wall]}"; } # side, put|get -> the latest round's time
say "warming up: $WARMUP rounds per side..."
for ((i = 0; i < WARMUP; i++)); do round before warm-up; round after warm-up; done
for ((i = 1; i <= ROUNDS; i++)); do
  if ((i % 2)); then order=(before after); else order=(after before); fi
  for side in "${order[@]}"; do
    round "$side" timed
    say "  round $i $side: put $(last "$side" put) s, get $(last "$side" get) s"
  done
done

med() { # shellcheck disable=SC2086
  median ${R[$1|$2]}
}
printf '\n#### put -r / get -r of %d × %d B in %d dirs: %s (before) against %s (after), %d rounds, medians\n\n' \
  "$FILES" "$SIZE" "$DIRS" "$(git -C "$root" rev-parse --short "$base_rev")" "$here_rev" "$ROUNDS"
printf '| figure | before | after | after ÷ before | rounds before | rounds after |\n|---|---:|---:|---:|---|---|\n'
for cmd in put get; do
  for fig in wall client server; do
    label="$cmd -r: $([[ $fig == wall ]] && echo "time, s" || echo "$fig CPU, s")"
    printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "$(med before "$cmd $fig")" "$(med after "$cmd $fig")" \
      "$(ratio "$(med after "$cmd $fig")" "$(med before "$cmd $fig")")" "${R[before|$cmd $fig]% }" \
      "${R[after|$cmd $fig]% }"
  done
done
printf '\nEvery download checked: %s files, SHA-256 of each. Load average at the end: %s.\n' "${src_sum%% *}" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
