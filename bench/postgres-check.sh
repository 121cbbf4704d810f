#!/usr/bin/env bash
# PostgreSQL check: runs the metadata database tests (every server test class that opens its database through
# netdisk.server.storage.TestDatabase: the metadata store, racing changes, write retries, migrations, login tokens,
# the login throttle) against a real PostgreSQL instead of SQLite.
#
# What it proves: the migrations (db/migration, with the PostgreSQL id column) apply on PostgreSQL, every statement
# of JdbcMetadataStore, SessionTokens and LoginThrottle runs there, and they answer exactly as on SQLite, including
# when changes race each other from two connection pools (on SQLite one writer at a time orders them; on PostgreSQL
# the store's row locks and retries must). Not part of bin/test: CI has no PostgreSQL.
#
#   bench/postgres-check.sh
#
# Steps: installs the Debian package postgresql if no initdb is found (needs root: apt-get), creates a throwaway
# cluster in a temp dir (as the user postgres when run as root; PostgreSQL refuses to run as root), starts it on a free
# port on 127.0.0.1 only (and a Unix socket in the temp dir), runs the tests with
# -Dnetdisk.test.postgres=jdbc:postgresql://127.0.0.1:PORT/postgres?user=postgres (each test class gets fresh schemas,
# dropped after), then stops the cluster, deletes it, and prints a summary. Exit status 0 only if every test passed
# and no test schema was left behind.
#
# Env (defaults): MVN_OFFLINE=0 (1: ./mvnw -o) KEEP_TMP=0 (1: keep the cluster's directory and the logs)
set -euo pipefail

self=$(readlink -f -- "${BASH_SOURCE[0]}")
root=${self%/bench/postgres-check.sh}
# shellcheck source-path=SCRIPTDIR/.. source=../bin/lib/common.sh
source "$root/bin/lib/common.sh"

say() { printf '%s\n' "$*" >&2; }
die() {
  say "postgres-check.sh: $*"
  exit 1
}

# ---- PostgreSQL binaries (installed from Debian if missing)

find_bin() { # newest /usr/lib/postgresql/<major>/bin with an initdb, or one on PATH
  local dir
  dir=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)
  if [[ -n $dir ]]; then
    printf '%s\n' "${dir%/initdb}"
  elif command -v initdb >/dev/null; then
    dirname -- "$(command -v initdb)"
  fi
}

PGBIN=$(find_bin)
if [[ -z $PGBIN ]]; then
  [[ $(id -u) == 0 ]] || die "PostgreSQL is not installed: run as root (it installs the Debian package postgresql)"
  say "installing postgresql (apt-get)..."
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  PGBIN=$(find_bin)
  [[ -n $PGBIN ]] || die "postgresql installed, but no initdb found"
fi

# PostgreSQL will not run as root: then the cluster belongs to the user postgres (created by the Debian package).
if [[ $(id -u) == 0 ]]; then
  id postgres >/dev/null 2>&1 || die "running as root, but there is no user postgres to run the cluster as"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

# ---- the throwaway cluster

tmp=$(mktemp -d "${TMPDIR:-/tmp}/netdisk-pg.XXXXXX")
cluster=$tmp/cluster
log=$tmp/postgres.log
started_cluster=0

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ $started_cluster == 1 ]]; then
    as_pg "$PGBIN/pg_ctl" -D "$cluster" -m fast -w stop >/dev/null 2>&1 || say "postgres-check.sh: pg_ctl stop failed"
  fi
  if [[ ${KEEP_TMP:-0} == 1 ]]; then
    say "postgres-check.sh: cluster and logs kept in $tmp"
  else
    rm -rf -- "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ $(id -u) == 0 ]]; then chown postgres "$tmp"; fi
chmod 0700 "$tmp"
as_pg "$PGBIN/initdb" -D "$cluster" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; die "initdb failed"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A free port on 127.0.0.1; pg_ctl start fails if someone takes it in between, and then the next one is tried.
# log_statement=ddl: the log shows every CREATE SCHEMA and DROP SCHEMA the tests ran, for the summary.
port=
for ((try = 0; try < 20; try++)); do
  candidate=$((20000 + RANDOM % 40000))
  port_free "$candidate" || continue
  if as_pg "$PGBIN/pg_ctl" -D "$cluster" -l "$log" -w -t 30 start -o "-p $candidate -k $tmp \
      -c listen_addresses=127.0.0.1 -c log_statement=ddl -c fsync=off" >/dev/null 2>&1; then
    port=$candidate
    started_cluster=1
    break
  fi
done
[[ -n $port ]] || { tail -n 20 "$log" >&2 2>/dev/null || true; die "could not start PostgreSQL on a free port"; }
version=$("$PGBIN/psql" -h "$tmp" -p "$port" -U postgres -d postgres -Atc 'SHOW server_version')
say "PostgreSQL $version on 127.0.0.1:$port (cluster in $cluster)"

# ---- the tests

classes=$(cd -- "$root/server/src/test/java" && grep -rl --include='*Test.java' 'TestDatabase\.open' . \
  | sed 's|^\./||; s|\.java$||; s|/|.|g' | sort | paste -sd, -)
[[ -n $classes ]] || die "no test uses TestDatabase"
url="jdbc:postgresql://127.0.0.1:$port/postgres?user=postgres"

netdisk_java_home
off=()
[[ ${MVN_OFFLINE:-0} == 1 ]] && off=(-o)
say "running ${classes//,/ } (log: $tmp/maven.log)..."
rm -rf -- "$root/server/target/surefire-reports"
tests_rc=0
(cd -- "$root" && ./mvnw -B "${off[@]}" -pl server -am test "-Dtest=$classes" -Dsurefire.failIfNoSpecifiedTests=false \
  "-Dnetdisk.test.postgres=$url") >"$tmp/maven.log" 2>&1 || tests_rc=$?

# ---- summary

psql_q() { "$PGBIN/psql" -h "$tmp" -p "$port" -U postgres -d postgres -Atc "$1"; }
leftover=$(psql_q "SELECT COUNT(*) FROM pg_namespace WHERE nspname LIKE 'netdisk\_test\_%'")
created=$(grep -c ': CREATE SCHEMA netdisk_test_' "$log" || true)
dropped=$(grep -c ': DROP SCHEMA netdisk_test_' "$log" || true)
deadlocks=$(grep -c 'ERROR:  deadlock detected' "$log" || true)
serialization=$(grep -c 'ERROR:  could not serialize access' "$log" || true)

total=0 failed=0 skipped=0
printf '\nPostgreSQL %s: the metadata database tests\n' "$version"
for report in "$root"/server/target/surefire-reports/TEST-*.xml; do
  [[ -f $report ]] || continue
  line=$(grep -m1 -o '<testsuite [^>]*>' "$report")
  name=$(sed -E 's/.* name="([^"]*)".*/\1/' <<<"$line")
  n=$(sed -E 's/.* tests="([0-9]+)".*/\1/' <<<"$line")
  f=$(sed -E 's/.* failures="([0-9]+)".*/\1/' <<<"$line")
  e=$(sed -E 's/.* errors="([0-9]+)".*/\1/' <<<"$line")
  s=$(sed -E 's/.* skipped="([0-9]+)".*/\1/' <<<"$line")
  printf '  %-48s %3d tests, %d failed, %d skipped\n' "${name##*.}" "$n" $((f + e)) "$s"
  total=$((total + n)) failed=$((failed + f + e)) skipped=$((skipped + s))
done
printf '  %-48s %3d tests, %d failed, %d skipped\n' "total" "$total" "$failed" "$skipped"
printf '  test schemas: %d created, %d dropped, %d left' "$created" "$dropped" "$leftover"
printf ' (one per test that opens a TestDatabase; the rest, such as the check of SQLite'"'"'s PRAGMAs, use none)\n'
printf '  server log: %d deadlocks, %d serialization failures (the store retries those)\n' "$deadlocks" "$serialization"

if [[ $tests_rc != 0 || $total == 0 ]]; then
  grep -E '^\[ERROR\]' "$tmp/maven.log" | head -n 40 >&2 || true
  say "postgres-check.sh: FAILED (maven exit status $tests_rc; KEEP_TMP=1 keeps the logs)"
  exit 1
fi
[[ $leftover == 0 ]] || die "FAILED: $leftover test schemas were not dropped"
printf 'postgres-check.sh: OK, all %d tests passed on PostgreSQL %s\n' "$total" "$version"
