# shellcheck shell=bash
# Shared by bin/netdisk-server, bin/netdisk and bin/test. Sourced, not run.
# Works under `set -euo pipefail`; needs bash 4.x+, readlink -f, find, and flock (optional).
#
#   netdisk_java_home        find a JDK >= 25, export JAVA_HOME to it (or explain and exit 1)
#   netdisk_ensure_built M   (re)build when M/target/netdisk-M.jar is missing or older than the sources
#   netdisk_run_dir M        where to run M from: a copy of M/target's jars that later builds leave alone
#   netdisk_has_libcrypto    true if OpenSSL's libcrypto (.so.3 or .so.1.1), which netdisk hashes with, is installed
#
# Environment:
#   JAVA_HOME            tried first (skipped, with a one-line note, if it is older than 25)
#   NETDISK_JVM_DIR      where to look for installed JDKs (default /usr/lib/jvm)
#   NETDISK_SKIP_BUILD=1 never build, run whatever is in */target
#   NETDISK_RUN_COPY=0   run from */target itself, not from a copy (see netdisk_run_dir)
#   NETDISK_LIB_DIRS     where netdisk_has_libcrypto looks, ':'-separated (default: the usual system library dirs)

NETDISK_MIN_JAVA=25

# The repo root: this file is <root>/bin/lib/common.sh (symlinks resolved).
NETDISK_ROOT=$(readlink -f -- "${BASH_SOURCE[0]}")
NETDISK_ROOT=${NETDISK_ROOT%/bin/lib/common.sh}

# Set by netdisk__check_home: the version found, or why the candidate is unusable.
netdisk__ver=
netdisk__why=

netdisk_note() {
  printf 'netdisk: %s\n' "$*" >&2
}

netdisk_die() {
  printf 'netdisk: %s\n' "$*" >&2
  exit 1
}

# Prints the version of the Java installation at $1 ("25.0.3", "17.0.15", "1.8.0_452"), or nothing.
# Cheap path: JAVA_VERSION="..." in $1/release. Fallback: parse `$1/bin/java -version`.
netdisk__java_version() {
  local home=$1 line v='' out re='version "([^"]+)"'
  if [[ -r $home/release ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
      if [[ $line == JAVA_VERSION=* ]]; then
        v=${line#JAVA_VERSION=}
        v=${v//[\"$'\r' ]/}
        break
      fi
    done <"$home/release"
  fi
  if [[ -z $v && -x $home/bin/java ]]; then
    # openjdk version "17.0.15" 2025-04-15 | java version "1.8.0_452" | openjdk version "26-ea" ...
    out=$("$home/bin/java" -version 2>&1 </dev/null) || true
    if [[ $out =~ $re ]]; then
      v=${BASH_REMATCH[1]}
    fi
  fi
  printf '%s' "$v"
}

# Feature (major) version: 25.0.3 -> 25, 1.8.0_452 -> 8, 26-ea -> 26, garbage -> 0.
netdisk__feature() {
  local v=$1
  if [[ $v == 1.* ]]; then
    v=${v#1.}
  fi
  v=${v%%[!0-9]*}
  printf '%s' "$((10#${v:-0}))"
}

# True if version $1 is greater than version $2 (numeric, component by component).
netdisk__version_gt() {
  local -a a b
  local i x y
  read -r -a a <<<"${1//[!0-9]/ }"
  read -r -a b <<<"${2//[!0-9]/ }"
  for ((i = 0; i < ${#a[@]} || i < ${#b[@]}; i++)); do
    x=$((10#${a[i]:-0}))
    y=$((10#${b[i]:-0}))
    if ((x > y)); then
      return 0
    elif ((x < y)); then
      return 1
    fi
  done
  return 1
}

# True if $1 is the home of a JDK (java + javac) >= NETDISK_MIN_JAVA.
# Sets netdisk__ver, and netdisk__why ("is 17.0.15", ...) when it is not usable.
netdisk__check_home() {
  local home=$1
  netdisk__ver='' netdisk__why=''
  if [[ ! -x $home/bin/java ]]; then
    netdisk__why='has no bin/java'
    return 1
  fi
  netdisk__ver=$(netdisk__java_version "$home")
  if [[ -z $netdisk__ver ]]; then
    netdisk__why='is a Java of unknown version'
    return 1
  fi
  if (($(netdisk__feature "$netdisk__ver") < NETDISK_MIN_JAVA)); then
    netdisk__why="is $netdisk__ver"
    return 1
  fi
  if [[ ! -x $home/bin/javac ]]; then
    netdisk__why="is a $netdisk__ver runtime without javac (a JRE, not a JDK)"
    return 1
  fi
  return 0
}

# Prints the home of the java executable $1 (a path), or nothing.
netdisk__home_of_java() {
  local real out line
  real=$(readlink -f -- "$1") || real=$1
  if [[ $real == */bin/java ]]; then
    printf '%s' "${real%/bin/java}"
    return 0
  fi
  # A wrapper or shim (jenv, asdf, ...): ask the JVM itself (slower, so only here).
  out=$("$1" -XshowSettings:properties -version 2>&1 </dev/null) || true
  while IFS= read -r line; do
    if [[ $line == *'java.home = '* ]]; then
      printf '%s' "${line#*java.home = }"
      return 0
    fi
  done <<<"$out"
  return 0
}

# Finds a JDK >= 25 and exports JAVA_HOME (NETDISK_JAVA_VERSION gets its version), else exits 1.
# Order: $JAVA_HOME, the java on PATH, then the newest in ${NETDISK_JVM_DIR:-/usr/lib/jvm}/*.
# Call it directly, not in $(...): it has to export, and to exit on failure.
netdisk_java_home() {
  local min=$NETDISK_MIN_JAVA jvm_dir=${NETDISK_JVM_DIR:-/usr/lib/jvm}
  local jh=${JAVA_HOME:-} jh_desc path_desc skipped='' java_bin home cand best='' best_ver=''

  # 1. JAVA_HOME
  if [[ -n $jh ]]; then
    if [[ $jh != / ]]; then
      jh=${jh%/}
    fi
    if netdisk__check_home "$jh"; then
      netdisk__use_jdk "$jh" ''
      return 0
    fi
    jh_desc="JAVA_HOME=$jh $netdisk__why"
    skipped="JAVA_HOME=$jh $netdisk__why"
    if [[ $netdisk__why == "is $netdisk__ver" ]]; then
      skipped+=", need $min or newer"
    fi
  else
    jh_desc='JAVA_HOME is not set'
  fi

  # 2. java on PATH
  java_bin=$(type -P java || true)
  if [[ -z $java_bin ]]; then
    path_desc='no java on PATH'
  else
    home=$(netdisk__home_of_java "$java_bin")
    if [[ -z $home ]]; then
      path_desc="java on PATH ($java_bin) is not inside a JDK"
    elif netdisk__check_home "$home"; then
      netdisk__use_jdk "$home" "$skipped"
      return 0
    else
      path_desc="java on PATH $netdisk__why"
    fi
  fi

  # 3. the newest JDK >= 25 under /usr/lib/jvm (or NETDISK_JVM_DIR)
  for cand in "$jvm_dir"/*/bin/java; do
    [[ -x $cand ]] || continue
    home=${cand%/bin/java}
    netdisk__check_home "$home" || continue
    if [[ -z $best ]] || netdisk__version_gt "$netdisk__ver" "$best_ver"; then
      best=$home best_ver=$netdisk__ver
    fi
  done
  if [[ -n $best ]]; then
    netdisk__ver=$best_ver
    netdisk__use_jdk "$best" "$skipped"
    return 0
  fi

  printf 'netdisk: needs a JDK %s or newer, found none (%s, %s, nothing >= %s in %s).\n' \
    "$min" "$jh_desc" "$path_desc" "$min" "$jvm_dir" >&2
  printf 'Install one (for example Eclipse Temurin %s: apt-get install temurin-%s-jdk, or https://adoptium.net) or set JAVA_HOME to it.\n' \
    "$min" "$min" >&2
  exit 1
}

# $1 = JDK home (netdisk__ver holds its version), $2 = why JAVA_HOME was skipped (or empty).
netdisk__use_jdk() {
  export JAVA_HOME=$1
  NETDISK_JAVA_VERSION=$netdisk__ver
  # Maven's own libraries (Guice) still call sun.misc.Unsafe: keep JDK 25 from warning about it on every build.
  export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow${MAVEN_OPTS:+ $MAVEN_OPTS}"
  if [[ -n $2 ]]; then
    netdisk_note "$2; using $JAVA_HOME ($NETDISK_JAVA_VERSION) instead."
  fi
}

# True if module $1 needs a (re)build: its jar is missing, or a pom.xml or a file under */src/main/
# is newer than the last build (the newer of the jar and target/build.stamp: Maven leaves a jar
# untouched when its own module did not change, so the jar alone would ask for a build every time).
netdisk__needs_build() {
  local mod=$1 root=$NETDISK_ROOT
  local jar="$root/$mod/target/netdisk-$mod.jar" stamp="$root/target/build.stamp" ref p
  local -a inputs=()
  [[ -f $jar ]] || return 0
  ref=$jar
  if [[ -f $stamp && $stamp -nt $jar ]]; then
    ref=$stamp
  fi
  for p in "$root/pom.xml" "$root"/*/pom.xml "$root"/*/src/main; do
    if [[ -e $p ]]; then
      inputs+=("$p")
    fi
  done
  ((${#inputs[@]} > 0)) || return 1
  [[ -n $(find "${inputs[@]}" -newer "$ref" -print -quit 2>/dev/null) ]]
}

# Builds the runnable modules (protocol, client, server; tests not compiled) if module $1 is missing or stale.
# Concurrent launchers serialize on target/build.lock; Maven's output goes to stderr.
netdisk_ensure_built() {
  local mod=$1 tdir="$NETDISK_ROOT/target" rc=0
  if [[ ${NETDISK_SKIP_BUILD:-} == 1 ]]; then
    return 0
  fi
  netdisk__needs_build "$mod" || return 0

  mkdir -p -- "$tdir" || netdisk_die "cannot create $tdir"
  if command -v flock >/dev/null 2>&1; then
    exec 9>>"$tdir/build.lock"
    if ! flock -n 9; then
      netdisk_note 'waiting for another netdisk build to finish...'
      flock 9
    fi
  fi
  # Another launcher may have built it while we waited for the lock.
  if netdisk__needs_build "$mod"; then
    netdisk_note 'building (first use or sources changed)...'
    : >"$tdir/build.stamp.new" # taken before the build: edits made during it count as newer
    (cd -- "$NETDISK_ROOT" && ./mvnw -B -q -Dmaven.test.skip=true -pl server,client -am package) >&2 9>&- || rc=$?
    if ((rc != 0)); then
      rm -f -- "$tdir/build.stamp.new"
      netdisk_note "build failed (Maven exit status $rc, output above). Run ./mvnw -B -Dmaven.test.skip=true -pl server,client -am package for the full log."
      exit "$rc"
    fi
    mv -f -- "$tdir/build.stamp.new" "$tdir/build.stamp"
    if [[ ! -f $NETDISK_ROOT/$mod/target/netdisk-$mod.jar ]]; then
      netdisk_die "the build succeeded but did not produce $mod/target/netdisk-$mod.jar"
    fi
  fi
  exec 9>&-
}

# Prints the directory to run module $1 (server, client) from: a copy of $1/target's jars, made once per build. A
# build writes $1/target's jars over the old files, and a JVM that reads a jar rewritten under it fails
# (NoClassDefFoundError, the first time it needs a class it had not loaded yet): so `bin/netdisk` rebuilding after a
# `git pull` would break a server, or an open shell, started from the same clone. The copy is target/$1-run/ID (ID: a
# checksum of the jars' names, sizes and times); copies that no running process names on its command line are
# deleted when a new one is made. A server's workers start with the master's class path, so they use the same copy.
# Missing jars, or NETDISK_RUN_COPY=0: $1/target itself.
netdisk_run_dir() {
  local mod=$1 target="$NETDISK_ROOT/$1/target" runs="$NETDISK_ROOT/target/$1-run" id snap new old
  if [[ ${NETDISK_RUN_COPY:-1} == 0 || ! -f $target/netdisk-$mod.jar || ! -d $target/lib ]]; then
    printf '%s' "$target"
    return 0
  fi
  id=$(cd -- "$target" && find "netdisk-$mod.jar" lib -type f -printf '%p %s %T@\n' | sort | cksum)
  id=${id%% *}
  snap="$runs/$id"
  if [[ ! -d $snap ]]; then
    mkdir -p -- "$runs" || netdisk_die "cannot create $runs"
    new=$(mktemp -d "$runs/.new.XXXXXX") || netdisk_die "cannot create a directory in $runs"
    if ! { cp -p -- "$target/netdisk-$mod.jar" "$new/" && cp -pR -- "$target/lib" "$new/lib"; }; then
      netdisk_die "cannot copy $target into $new"
    fi
    if ! mv -T -- "$new" "$snap" 2>/dev/null; then
      rm -rf -- "$new" # another launcher made the same copy meanwhile
    fi
    for old in "$runs"/*; do
      if [[ $old != "$snap" && -d $old ]] && ! grep -qsF -- "$old/" /proc/[0-9]*/cmdline; then
        rm -rf -- "$old"
      fi
    done
  fi
  printf '%s' "$snap"
}

# netdisk_cache_sound FILE JVM_OPTION...: whether FILE, a class archive or AOT cache a training run just made, is
# sound: synced (what a power cut leaves is what gets checked), then mapped by a JVM with these options (which name
# FILE strictly: -Xshare:on or -XX:AOTMode=on) and its checksums verified, running -version. A damaged one crashes
# every JVM that maps it (a changed header byte: SIGSEGV), or has each one warn; the workers' archive is checked the
# same way (netdisk.server.pool.WorkerClassArchive).
netdisk_cache_sound() {
  sync -- "$1" 2>/dev/null || true
  shift
  "$JAVA_HOME/bin/java" -XX:+VerifySharedSpaces -XX:+SuppressFatalErrorMessage -XX:-CreateCoredumpOnCrash "$@" \
    -version >/dev/null 2>&1 </dev/null
}

# netdisk_cache_onerror FILE: a JVM option that deletes FILE, a class archive or AOT cache a launcher made and
# checked (netdisk_cache_sound), when the JVM dies of a fatal error, and says so on stderr. A cache damaged after its
# check (a disk fault, a stray write) crashes every JVM that maps it (a changed header byte: SIGSEGV in the cache's
# relocation, exit 134); so one crash ends it, and the next run makes a new one. The JVM splits -XX:OnError on ';',
# expands %p and %%, and runs each command with /bin/sh -c: for a FILE whose name has ' ; % or a newline it prints
# nothing (no such option).
netdisk_cache_onerror() {
  case $1 in *"'"* | *';'* | *'%'* | *$'\n'*) return 0 ;; esac
  printf '%s' "-XX:OnError=rm -f -- '$1';echo 'netdisk: the JVM crashed: deleted the class cache $1 in case it was damaged (the next run makes a new one)' >&2"
}

# True if libcrypto.so.3 or libcrypto.so.1.1 is in one of the directories the dynamic loader searches on the usual
# distributions: netdisk.protocol.LibcryptoSha256 binds the first of those two it can load (dlopen by name), for
# SHA-256 as fast as the JIT's intrinsic without C2. A library elsewhere (LD_LIBRARY_PATH, /etc/ld.so.conf.d) is
# still used by Java; only the launcher's choice of JIT flags (bin/netdisk) misses it, and errs on the safe side.
netdisk_has_libcrypto() {
  local dir dirs=${NETDISK_LIB_DIRS:-/lib:/lib64:/usr/lib:/usr/lib64:/usr/local/lib}
  local -a candidates=()
  IFS=: read -r -a candidates <<<"$dirs"
  if [[ -z ${NETDISK_LIB_DIRS:-} ]]; then
    candidates+=(/lib/*-linux-gnu /usr/lib/*-linux-gnu)
  fi
  for dir in "${candidates[@]}"; do
    if [[ -e $dir/libcrypto.so.3 || -e $dir/libcrypto.so.1.1 ]]; then
      return 0
    fi
  done
  return 1
}
