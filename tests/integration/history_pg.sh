#!/usr/bin/env bash
# history/postgresql: `tfbench history` against a real PostgreSQL server that this test starts and stops: initdb into
# a private temporary folder, the server listening only on a unix socket in that folder (no TCP port), trust
# authentication (nobody else can reach the folder). As root, the server runs as the `postgres` user (PostgreSQL
# refuses to run as root). Then: two runs added, the schema's version, list, a run exported bit for bit as SQLite
# exports it, four writers at once, changes and report. Exits 77 (CTest: skipped) with a message when no server can
# start here (no PostgreSQL installed, or no user to run it as).
# usage: history_pg.sh TFBENCH RESULTS.json WORKDIR
set -u
tfbench=$1 results=$2 work=$3
skip() { echo "history_pg.sh: skipped: $*"; exit 77; }
fail() { echo "CMake Error: history_pg.sh: $*"; exit 1; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] && [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] ||
  skip "no PostgreSQL server (Debian: apt-get install postgresql)"
as=()
db_user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || skip "running as root and no postgres user to run the server as"
  as=(runuser -u postgres --)
  db_user=postgres
fi

rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
data=$(mktemp -d "${TMPDIR:-/tmp}/tfbench-pg.XXXXXX") || skip "no temporary folder"
chmod 700 "$data"
[ ${#as[@]} -eq 0 ] || chown postgres "$data"
stop() {
  "${as[@]}" "$bin/pg_ctl" -D "$data/db" -m immediate stop >/dev/null 2>&1
  rm -rf "$data"
}
trap stop EXIT
"${as[@]}" "$bin/initdb" -D "$data/db" --auth=trust -U "$db_user" >"$work/initdb.log" 2>&1 ||
  skip "initdb failed: $(tail -n 3 "$work/initdb.log")"
"${as[@]}" "$bin/pg_ctl" -D "$data/db" -w -t 60 -l "$data/server.log" \
  -o "-c listen_addresses='' -c unix_socket_directories='$data' -c fsync=off" start >/dev/null 2>&1 ||
  skip "the server did not start: $(tail -n 3 "$data/server.log" 2>/dev/null)"
uri="postgresql:///postgres?host=$data&user=$db_user"
sqlite="$work/history.db"
cd "$work" || fail "no $work"

"$tfbench" history add "$results" "$results" --commit aaa111 --db "$uri" || fail "add failed"
"$tfbench" history add "$results" --commit aaa111 --db "$sqlite" >/dev/null || fail "add to SQLite failed"
"$tfbench" history list --db "$uri" >list.txt || fail "list failed"
grep -q "^2 run(s)" list.txt || fail "expected 2 runs: $(cat list.txt)"
grep -Eq "^ +1 .* aaa111 .* 43/43 " list.txt || fail "run 1 not listed with 43 verified benchmarks: $(cat list.txt)"
"$tfbench" history export --run 1 --db "$uri" --out pg.json || fail "export from PostgreSQL failed"
"$tfbench" history export --run 1 --db "$sqlite" --out sqlite.json || fail "export from SQLite failed"
cmp -s pg.json sqlite.json || fail "the run exported from PostgreSQL differs from SQLite's"

# four writers at once: every run lands whole
pids=()
for i in 1 2 3 4; do
  "$tfbench" history add "$results" "$results" --commit "w$i" --db "$uri" >"writer-$i.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || fail "a concurrent writer failed: $(cat writer-*.log)"; done
"$tfbench" history list --db "$uri" >list.txt || fail "list failed"
grep -q "^10 run(s)" list.txt || fail "expected 10 runs after the writers: $(cat list.txt)"
[ "$(grep -c ' 43/43 ' list.txt)" -eq 10 ] || fail "a run is not whole: $(cat list.txt)"

"$tfbench" history changes --db "$uri" >changes.txt || fail "changes found a change in identical runs: $(cat changes.txt)"
"$tfbench" history report --out report --db "$uri" || fail "report failed"
grep -q "gemv/tfbench/4096x4096/fp32" report/report.html || fail "the report lacks a chart"
echo "history_pg.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}'): add, list, export, 4 writers, changes, report ok"
