#!/usr/bin/env bash
# Self-test of the launcher scripts (bin/lib/common.sh, bin/netdisk-server, bin/netdisk, bin/test):
# JDK detection, the build freshness check, and the java command lines. Uses fake JDKs in a temp
# dir (a `release` file and a shell-script bin/java), so it needs no real JDK, no network, no Maven,
# and runs in well under a second. Exit status 0 = all passed.
#   bash bin/lib/selftest.sh
set -euo pipefail
self=$(readlink -f -- "${BASH_SOURCE[0]}")
lib=${self%/*}
repo=${lib%/bin/lib}
common="$lib/common.sh"

# A space in the temp path on purpose: everything must cope with it.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/netdisk selftest.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

passed=0 failed=0
ok() {
  passed=$((passed + 1))
  printf 'ok   %s\n' "$1"
}
fail() {
  failed=$((failed + 1))
  printf 'FAIL %s\n' "$1"
  shift
  if (($# > 0)); then
    printf '       %s\n' "$@"
  fi
}

# fake_jdk DIR VERSION [release|norelease] [jdk|jre]
# bin/java answers -version like a real one and otherwise prints its arguments, one per line.
fake_jdk() {
  local dir=$1 ver=$2 rel=${3:-release} kind=${4:-jdk}
  mkdir -p -- "$dir/bin"
  if [[ $rel == release ]]; then
    printf 'IMPLEMENTOR="Fake"\nJAVA_VERSION="%s"\nOS_NAME="Linux"\n' "$ver" >"$dir/release"
  fi
  cat >"$dir/bin/java" <<EOF
#!/bin/sh
if [ "\$1" = -version ]; then
  echo 'openjdk version "$ver" 2099-01-01' >&2
  echo 'OpenJDK Runtime Environment (build $ver+1)' >&2
  exit 0
fi
for a in "\$@"; do printf '%s\n' "\$a"; done
EOF
  chmod +x "$dir/bin/java"
  if [[ $kind == jdk ]]; then
    printf '#!/bin/sh\nexit 0\n' >"$dir/bin/javac"
    chmod +x "$dir/bin/javac"
  fi
}

jvm="$tmp/jvm"
fake_jdk "$jvm/java-17-openjdk-amd64" 17.0.15
fake_jdk "$jvm/jdk-25.0.1" 25.0.1
fake_jdk "$jvm/temurin-25-jdk-amd64" 25.0.3
fake_jdk "$jvm/jre-27" 27.0.1 release jre # no javac: not a JDK, must be skipped
mkdir -p "$jvm/openjdk-17"                # no bin/java at all (like Debian's source dir)
ln -s java-17-openjdk-amd64 "$jvm/java-1.17.0-openjdk-amd64"

jvm26="$tmp/jvm26" # adds a JDK without a release file: version comes from `java -version`
cp -R "$jvm" "$jvm26"
fake_jdk "$jvm26/jdk-26" 26-ea norelease

old="$jvm/java-17-openjdk-amd64"

# PATH for the runs: bash and readlink, plus a `java` that resolves (via symlink) into $old.
# No real JDK can leak in from the machine's PATH.
pathdir="$tmp/path with space"
mkdir -p "$pathdir" "$tmp/nojava"
for tool in bash readlink find mkdir; do
  ln -s "$(type -P "$tool")" "$pathdir/$tool"
  ln -s "$(type -P "$tool")" "$tmp/nojava/$tool"
done
ln -s "$old/bin/java" "$pathdir/java"

# detect [VAR=value...]: runs netdisk_java_home in a clean environment; stdout gets JAVA_HOME,
# $tmp/out and $tmp/err keep the streams, $status the exit status.
status=0
detect() {
  status=0
  # shellcheck disable=SC2016 # expanded by the inner bash
  env -i HOME="$tmp" PATH="$pathdir" "$@" "$BASH" -c \
    'set -euo pipefail; source "$1"; netdisk_java_home; printf "%s\n" "$JAVA_HOME"' \
    _ "$common" >"$tmp/out" 2>"$tmp/err" </dev/null || status=$?
}
out() { cat -- "$tmp/out"; }
err() { cat -- "$tmp/err"; }

# --- (a) no JAVA_HOME, java on PATH is 17: the newest JDK >= 25 in the JVM dir ---------------------
detect NETDISK_JVM_DIR="$jvm"
if [[ $status == 0 && $(out) == "$jvm/temurin-25-jdk-amd64" && -z $(err) ]]; then
  ok '(a) no JAVA_HOME, PATH java 17: picks temurin 25.0.3 over 25.0.1, skips the 27 JRE'
else
  fail '(a) no JAVA_HOME, PATH java 17' "status=$status out=$(out)" "err=$(err)"
fi

detect NETDISK_JVM_DIR="$jvm26"
if [[ $status == 0 && $(out) == "$jvm26/jdk-26" ]]; then
  ok '(a) a JDK without a release file is read from "java -version" (26-ea beats 25.0.3)'
else
  fail '(a) JDK without release file' "status=$status out=$(out)" "err=$(err)"
fi

# --- (b) nothing >= 25 anywhere: the clear error, exit 1, at once ----------------------------------
t0=${EPOCHREALTIME:-0}
detect JAVA_HOME="$old" NETDISK_JVM_DIR="$tmp/nonexistent"
t1=${EPOCHREALTIME:-0}
elapsed_ms=$(((${t1/[.,]/} - ${t0/[.,]/}) / 1000))
msg="netdisk: needs a JDK 25 or newer, found none (JAVA_HOME=$old is 17.0.15, java on PATH is 17.0.15, nothing >= 25 in $tmp/nonexistent)."
if [[ $status == 1 && -z $(out) && $(err) == "$msg"$'\n'"Install one "*"or set JAVA_HOME to it." ]] &&
  ((elapsed_ms < 1000)); then
  ok "(b) JAVA_HOME 17, PATH java 17, no JVM dir: clear error, exit 1 (${elapsed_ms} ms)"
else
  fail '(b) nothing >= 25' "status=$status elapsed=${elapsed_ms}ms out=$(out)" "err=$(err)"
fi

# The same through bin/test itself (it must fail before ever calling mvnw).
status=0
env -i HOME="$tmp" PATH="$pathdir" JAVA_HOME="$old" NETDISK_JVM_DIR="$tmp/nonexistent" \
  "$BASH" "$repo/bin/test" >"$tmp/out" 2>"$tmp/err" </dev/null || status=$?
if [[ $status == 1 && -z $(out) && $(err) == *'needs a JDK 25 or newer, found none'* ]]; then
  ok '(b) bin/test exits 1 with the message and runs no Maven'
else
  fail '(b) bin/test' "status=$status out=$(out)" "err=$(err)"
fi

detect PATH="$tmp/nojava" NETDISK_JVM_DIR="$tmp/nonexistent"
if [[ $status == 1 && $(err) == *'(JAVA_HOME is not set, no java on PATH, nothing >= 25 in '* ]]; then
  ok '(b) no JAVA_HOME and no java on PATH are reported as such'
else
  fail '(b) no java at all' "status=$status" "err=$(err)"
fi

# --- (c) JAVA_HOME too old, JVM dir has 25: picks 25, with a one-line note -------------------------
detect JAVA_HOME="$old/" NETDISK_JVM_DIR="$jvm"
note="netdisk: JAVA_HOME=$old is 17.0.15, need 25 or newer; using $jvm/temurin-25-jdk-amd64 (25.0.3) instead."
if [[ $status == 0 && $(out) == "$jvm/temurin-25-jdk-amd64" && $(err) == "$note" ]]; then
  ok '(c) JAVA_HOME 17 is skipped with a one-line note, temurin 25 is used'
else
  fail '(c) JAVA_HOME too old' "status=$status out=$(out)" "err=$(err)"
fi

detect JAVA_HOME="$jvm/jre-27" NETDISK_JVM_DIR="$jvm"
if [[ $status == 0 && $(out) == "$jvm/temurin-25-jdk-amd64" && $(err) == *'without javac'* ]]; then
  ok '(c) a JAVA_HOME that is a JRE (no javac) is skipped too'
else
  fail '(c) JAVA_HOME is a JRE' "status=$status out=$(out)" "err=$(err)"
fi

# --- order: a good JAVA_HOME wins over everything, then a good java on PATH ------------------------
detect JAVA_HOME="$jvm/jdk-25.0.1" NETDISK_JVM_DIR="$jvm26"
if [[ $status == 0 && $(out) == "$jvm/jdk-25.0.1" && -z $(err) ]]; then
  ok 'a JAVA_HOME >= 25 is used as is, silently, even when a newer JDK is installed'
else
  fail 'good JAVA_HOME' "status=$status out=$(out)" "err=$(err)"
fi

mkdir -p "$tmp/path25"
ln -s "$(type -P readlink)" "$tmp/path25/readlink"
ln -s "$jvm/jdk-25.0.1/bin/java" "$tmp/path25/java"
detect PATH="$tmp/path25" NETDISK_JVM_DIR="$jvm26"
if [[ $status == 0 && $(out) == "$jvm/jdk-25.0.1" ]]; then
  ok 'a java >= 25 on PATH is used (its home found through the symlink)'
else
  fail 'good java on PATH' "status=$status out=$(out)" "err=$(err)"
fi

# --- version helpers ------------------------------------------------------------------------------
if (
  # shellcheck source-path=SCRIPTDIR source=common.sh
  source "$common"
  bad=''
  for pair in 25.0.3=25 17.0.15=17 1.8.0_452=8 26-ea=26 25=25 25+36=25 junk=0 =0; do
    got=$(netdisk__feature "${pair%%=*}")
    [[ $got == "${pair#*=}" ]] || bad+=" feature(${pair%%=*})=$got"
  done
  netdisk__version_gt 25.0.3 25.0.1 || bad+=' 25.0.3>25.0.1'
  netdisk__version_gt 26-ea 25.0.3 || bad+=' 26-ea>25.0.3'
  netdisk__version_gt 25.0.10 25.0.9 || bad+=' 25.0.10>25.0.9'
  ! netdisk__version_gt 25.0.1 25.0.1 || bad+=' !(25.0.1>25.0.1)'
  ! netdisk__version_gt 25 25.0.1 || bad+=' !(25>25.0.1)'
  [[ -z $bad ]] || {
    echo "$bad"
    exit 1
  }
) >"$tmp/out" 2>&1; then
  ok 'version parsing and comparison'
else
  fail 'version helpers' "$(out)"
fi

# --- build freshness check, on a fake repo ---------------------------------------------------------
fake="$tmp/fake repo"
mkdir -p "$fake/server/src/main/java" "$fake/server/target/lib" "$fake/protocol/src/main/java" "$fake/target"
touch -t 202001010000 "$fake/pom.xml" "$fake/server/pom.xml" "$fake/protocol/pom.xml" \
  "$fake/server/src/main/java/A.java" "$fake/protocol/src/main/java/P.java" \
  "$fake/server/src/main/java" "$fake/server/src/main" "$fake/protocol/src/main/java" "$fake/protocol/src/main"
if (
  # shellcheck source-path=SCRIPTDIR source=common.sh
  source "$common"
  # shellcheck disable=SC2034 # read by the functions of common.sh
  NETDISK_ROOT=$fake
  jar="$fake/server/target/netdisk-server.jar"
  bad=''
  netdisk__needs_build server || bad+=' [jar missing -> build]'
  touch -t 202101010000 "$jar"
  ! netdisk__needs_build server || bad+=' [all older than jar -> no build]'
  touch -t 202201010000 "$fake/protocol/src/main/java/P.java"
  netdisk__needs_build server || bad+=' [other module source newer -> build]'
  touch -t 202301010000 "$fake/target/build.stamp" # a build ran, but left the jar as it was
  ! netdisk__needs_build server || bad+=' [stamp newer than sources -> no build]'
  touch -t 202401010000 "$fake/server/pom.xml"
  netdisk__needs_build server || bad+=' [pom newer than stamp -> build]'
  touch -t 202501010000 "$jar" # a manual ./mvnw package
  ! netdisk__needs_build server || bad+=' [jar newer than stamp -> no build]'
  rm -f "$jar"
  NETDISK_SKIP_BUILD=1 netdisk_ensure_built server || bad+=' [NETDISK_SKIP_BUILD=1 must not build]'
  [[ ! -e $fake/target/build.lock ]] || bad+=' [NETDISK_SKIP_BUILD=1 touched target/]'
  [[ -z $bad ]] || {
    echo "$bad"
    exit 1
  }
) >"$tmp/out" 2>&1; then
  ok 'build freshness check (jar, stamp, poms, src/main, NETDISK_SKIP_BUILD)'
else
  fail 'build freshness check' "$(out)"
fi

# --- launchers run from a copy of */target that later builds leave alone, on a fake repo -----------
snaprepo="$tmp/snap repo"
mkdir -p "$snaprepo/server/target/lib"
printf 'jar one' >"$snaprepo/server/target/netdisk-server.jar"
printf 'lib one' >"$snaprepo/server/target/lib/a.jar"
if (
  # shellcheck source-path=SCRIPTDIR source=common.sh
  source "$common"
  # shellcheck disable=SC2034 # read by the functions of common.sh
  NETDISK_ROOT=$snaprepo
  runs="$snaprepo/target/server-run"
  bad=''
  snap1=$(netdisk_run_dir server)
  [[ ${snap1%/*} == "$runs" && -f $snap1/netdisk-server.jar && -f $snap1/lib/a.jar ]] || bad+=" [run dir $snap1]"
  [[ $(cat "$snap1/netdisk-server.jar" "$snap1/lib/a.jar") == 'jar onelib one' ]] || bad+=' [copy differs]'
  [[ $(netdisk_run_dir server) == "$snap1" ]] || bad+=' [same build -> same copy]'
  "$BASH" -c 'while :; do sleep 0.1; done' keeper "$snap1/" & # names the copy, as a server running from it does
  user=$!
  printf 'jar two' >"$snaprepo/server/target/netdisk-server.jar" # a build, over the old file
  touch -d '+1 minute' "$snaprepo/server/target/netdisk-server.jar"
  snap2=$(netdisk_run_dir server)
  [[ $snap2 != "$snap1" && $(cat "$snap2/netdisk-server.jar") == 'jar two' ]] || bad+=' [new build -> new copy]'
  [[ $(cat "$snap1/netdisk-server.jar" 2>/dev/null) == 'jar one' ]] || bad+=' [the copy in use was touched]'
  kill "$user"
  wait "$user" 2>/dev/null || true
  printf 'lib three' >"$snaprepo/server/target/lib/a.jar"
  touch -d '+2 minutes' "$snaprepo/server/target/lib/a.jar"
  third=$(netdisk_run_dir server)
  [[ ! -e $snap1 && ! -e $snap2 && -d $third ]] || bad+=' [unused copies -> deleted]'
  [[ $(find "$runs" -mindepth 1 -maxdepth 1 | wc -l) == 1 ]] || bad+=' [one copy left]'
  [[ $(NETDISK_RUN_COPY=0 netdisk_run_dir server) == "$snaprepo/server/target" ]] || bad+=' [RUN_COPY=0 -> target]'
  [[ -z $bad ]] || {
    echo "$bad"
    exit 1
  }
) >"$tmp/out" 2>&1; then
  ok 'run from a copy of */target: one per build, kept while a process names it, NETDISK_RUN_COPY=0'
else
  fail 'server copy' "$(out)"
fi

# --- the launchers' java command lines (fake java echoes its arguments) ----------------------------
jdk25="$jvm/temurin-25-jdk-amd64"
ln -s "$repo/bin/netdisk-server" "$tmp/linked-server" # run through a symlink, from elsewhere
status=0
(cd "$tmp" && env -i HOME="$tmp" PATH="$pathdir" JAVA_HOME="$jdk25" NETDISK_SKIP_BUILD=1 NETDISK_RUN_COPY=0 \
  NETDISK_SERVER_CDS=0 NETDISK_SERVER_OPTS=' -Xmx64m   -Dx=1 ' "$BASH" "$tmp/linked-server" serve --data 'a b') \
  >"$tmp/out" 2>"$tmp/err" </dev/null || status=$?
expected=(--enable-native-access=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  -XX:+UseSerialGC -Xms32m "-Dnetdisk.home=$repo" -Xmx64m -Dx=1
  -cp "$repo/server/target/netdisk-server.jar:$repo/server/target/lib/*"
  netdisk.server.cli.ServerMain serve --data 'a b')
if [[ $status == 0 && $(out) == "$(printf '%s\n' "${expected[@]}")" && -z $(err) ]]; then
  ok 'bin/netdisk-server: flags, netdisk.home, NETDISK_SERVER_OPTS, class path, main, args'
else
  fail 'bin/netdisk-server command line' "status=$status err=$(err)" "got: $(out | tr '\n' ' ')"
fi

# bin/netdisk-server's class archive, on a copy of the launchers in a fake repo (the archive goes beside the jar):
# a JDK whose java, given -XX:ArchiveClassesAtExit=F or -XX:AOTCacheOutput=F, says it listens and writes F
# ($FAKE_TRAINED, else "trained"), as a training run would; given -Xshare:on or -XX:AOTMode=on, it fails unless the
# archive or cache it names says "trained", as the check would; running on one that says "rotten" (damaged after
# its check), it dies as a JVM would, running -XX:OnError's commands. bin/netdisk's AOT cache is tested there too.
cdsrepo="$tmp/cds repo"
mkdir -p "$cdsrepo/bin/lib" "$cdsrepo/server/target/lib" "$cdsrepo/client/target/lib"
cp "$repo/bin/netdisk-server" "$repo/bin/netdisk" "$cdsrepo/bin/"
cp "$repo/bin/lib/common.sh" "$cdsrepo/bin/lib/"
: >"$cdsrepo/server/target/netdisk-server.jar"
: >"$cdsrepo/client/target/netdisk-client.jar"
fake_jdk "$jvm/cds-25" 25.0.3
cat >"$jvm/cds-25/bin/java" <<'EOF'
#!/bin/sh
for a in "$@"; do
  case $a in -XX:ArchiveClassesAtExit=* | -XX:AOTCacheOutput=*)
    printf '%s' "${FAKE_TRAINED:-trained}" >"${a#*=}" # before "listening": the launcher stops it once it listens
    echo 'listening on 127.0.0.1:1 with'
    exit 0
    ;;
  esac
done
case " $* " in *" -Xshare:on "* | *" -XX:AOTMode=on "*)
  for a in "$@"; do
    case $a in -XX:SharedArchiveFile=* | -XX:AOTCache=*) [ "$(cat "${a#*=}")" = trained ] || exit 1 ;; esac
  done
  exit 0
  ;;
esac
onerror=
for a in "$@"; do case $a in -XX:OnError=*) onerror=${a#*=} ;; esac; done
for a in "$@"; do
  case $a in -XX:SharedArchiveFile=* | -XX:AOTCache=*)
    if [ "$(cat "${a#*=}" 2>/dev/null)" = rotten ]; then # a JVM's fatal error: -XX:OnError's commands, then abort
      printf '%s\n' "$onerror" | tr ';' '\n' | while IFS= read -r c; do sh -c "$c"; done
      exit 134
    fi
    ;;
  esac
done
for a in "$@"; do printf '%s\n' "$a"; done
EOF
in_cds_repo() { # $1 = what the training writes, $2 = NETDISK_SERVER_OPTS, $3 = launcher, then its arguments;
  # runs the fake repo's launcher with that JDK, prints the java command line, one line
  local trained=$1 opts=$2 launcher=$3
  shift 3
  (cd / && env -i HOME="$tmp" PATH="$pathdir:/usr/bin:/bin" JAVA_HOME="$jvm/cds-25" NETDISK_SKIP_BUILD=1 \
    NETDISK_RUN_COPY=0 NETDISK_SERVER_OPTS="$opts" FAKE_TRAINED="$trained" "$BASH" "$cdsrepo/$launcher" "$@") \
    2>"$tmp/err" </dev/null | tr '\n' ' '
}
server_cds() { in_cds_repo "${2:-trained}" "$1" bin/netdisk-server status; } # $1 = NETDISK_SERVER_OPTS, $2 = trained
crash_deletes() { # $1 = a launcher's cache, $2 = how the launcher uses it, then the runner and its arguments:
  # a cache damaged after its check makes the (fake) JVM crash once, which deletes it and says so; the next run makes
  # a new one and uses it. Sets CRASHED and CRASH_ERR for the failure message.
  local cache=$1 uses=$2
  shift 2
  printf rotten >"$cache"
  CRASHED=$("$@") || true # the fake JVM's abort: 134
  CRASH_ERR=$(err)
  [[ -z $CRASHED && ! -e $cache && $CRASH_ERR == *"deleted the class cache $cache in case it was damaged"* &&
    $("$@") == *"$uses "* && $(cat "$cache") == trained ]]
}
archive="$cdsrepo/server/target/netdisk-server.jsa"
first=$(server_cds '')
printf old >"$archive"
touch -d '-1 minute' "$archive" # a build since: the jar is newer
remade=$(server_cds '')
own=$(server_cds '-Xshare:off')
rm -f -- "$archive"
damaged=$(server_cds '' damaged) # the check refuses what the training wrote: no archive, none used
damaged_left=$(find "$cdsrepo/server/target" -name '*.jsa*')
uses="-Xlog:cds=off -XX:SharedArchiveFile=$archive"
if [[ $first == *"$uses -XX:OnError="*" -Dnetdisk.home="* && $remade == *"$uses "* && $own != *SharedArchiveFile* &&
  $own == *" -Xshare:off "* && $damaged == *" -Dnetdisk.home="* && $damaged != *SharedArchiveFile* &&
  -z $damaged_left ]] && [[ $(server_cds '') == *"$uses "* && $(cat "$archive") == trained &&
  -z $(find "$cdsrepo/server/target" -name '*.jsa.*') ]]
then
  if crash_deletes "$archive" "$uses" server_cds ''; then
    ok "bin/netdisk-server: a class archive made once per build, checked and used, unless NETDISK_SERVER_OPTS choose; a crash on it deletes it"
  else
    fail 'bin/netdisk-server class archive damaged later' "crashed: $CRASHED" "left: $(ls "$archive" 2>&1)" \
      "err: $CRASH_ERR"
  fi
else
  fail 'bin/netdisk-server class archive' "first: $first" "remade: $remade" "own: $own" "damaged: $damaged" \
    "left: $damaged_left" "err: $(err)"
fi
client_aot() { in_cds_repo "$1" '' bin/netdisk pwd; } # $1 = what the training writes
aot="$cdsrepo/client/target/netdisk-client.aot"
damaged=$(client_aot damaged)
damaged_left=$(find "$cdsrepo/client/target" -name '*.aot*')
made=$(client_aot trained)
if [[ $damaged == *" -Dnetdisk.home="* && $damaged != *AOTCache* && -z $damaged_left &&
  $made == *" -XX:AOTCache=$aot "* && $(cat "$aot") == trained && -z $(find "$cdsrepo/client/target" -name '*.aot.*') ]]
then
  if crash_deletes "$aot" " -XX:AOTCache=$aot" client_aot trained; then
    ok "bin/netdisk: an AOT cache made once per build, used only once checked; a crash on it deletes it"
  else
    fail 'bin/netdisk AOT cache damaged later' "crashed: $CRASHED" "left: $(ls "$aot" 2>&1)" "err: $CRASH_ERR"
  fi
else
  fail 'bin/netdisk AOT cache' "damaged: $damaged" "left: $damaged_left" "made: $made" "err: $(err)"
fi

# bin/netdisk's JIT flags depend on whether libcrypto is installed (netdisk_has_libcrypto): NETDISK_LIB_DIRS points
# it at a directory with a libcrypto.so.1.1 (an empty file is enough), then at one without.
mkdir -p "$tmp/libs with" "$tmp/libs without"
: >"$tmp/libs with/libcrypto.so.1.1"
client_flags() { # $1 = what the flags are for, $2 = NETDISK_LIB_DIRS, then the JIT flags expected
  local label=$1 dirs=$2 status=0
  shift 2
  (cd / && env -i HOME="$tmp" PATH="$pathdir" JAVA_HOME="$jdk25" NETDISK_SKIP_BUILD=1 NETDISK_CLIENT_AOT=0 \
    NETDISK_RUN_COPY=0 NETDISK_LIB_DIRS="$dirs" "$BASH" "$repo/bin/netdisk" ls '/x y') >"$tmp/out" 2>"$tmp/err" \
    </dev/null || status=$?
  local expected=(-XX:+UseSerialGC --enable-native-access=ALL-UNNAMED "$@"
    "-Dnetdisk.home=$repo" -cp "$repo/client/target/netdisk-client.jar:$repo/client/target/lib/*"
    netdisk.client.cli.ClientMain ls '/x y')
  if [[ $status == 0 && $(out) == "$(printf '%s\n' "${expected[@]}")" && -z $(err) ]]; then
    ok "bin/netdisk: flags ($label), netdisk.home, class path, main, args"
  else
    fail "bin/netdisk command line ($label)" "status=$status err=$(err)" "got: $(out | tr '\n' ' ')"
  fi
}
client_flags 'JIT: C1 alone, libcrypto found' "$tmp/libs without:$tmp/libs with" -XX:TieredStopAtLevel=1
client_flags 'JIT: C2 for SHA-256 only, no libcrypto' "$tmp/libs without" \
  -XX:Tier4InvocationThreshold=100000000 -XX:Tier4MinInvocationThreshold=100000000 \
  -XX:Tier4CompileThreshold=100000000 -XX:Tier4BackEdgeThreshold=1000000000 -XX:CompileCommand=quiet \
  '-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.SHA2::*,0.00001' \
  '-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.DigestBase::*,0.00001'

printf '%d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
