#!/usr/bin/env bash
# fleet/hostile_folder: a fleet folder others may write into, and one used twice.
#  1. a link planted as rank 0's log (ln -s ../victim DIR/rank-0.log) is refused, naming it; the victim is untouched,
#     rank 0 fails with the reason, rank 1 still reports, mpirun exits 1.
#  2. -np 3 then -np 2 into one --out: the second job's fleet file has 2 ranks, and `fleet-report DIR` reads only the
#     newest run's rank files (rank 2's are named in a warning), exit 0; a link planted as fleet.json is refused.
# usage: fleet_hostile.sh TFBENCH "MPIRUN;FLAGS..." WORKDIR
set -u
tfbench=$1
IFS=';' read -r -a mpirun <<< "$2"
work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "CMake Error: fleet_hostile.sh: $*"; exit 1; }

fleet() {  # fleet NP DIR: a short fleet run, its output in DIR.out; returns mpirun's exit code
  "${mpirun[@]}" -np "$1" "$tfbench" --fleet --suite peak --quick --out "$2" >"$2.out" 2>&1
}

# 1. the planted link
mkdir "$work/a"
echo "keep me" >"$work/victim"
ln -s ../victim "$work/a/rank-0.log"
fleet 2 "$work/a"; rc=$?
cat "$work/a.out"
[ "$(cat "$work/victim")" = "keep me" ] || fail "the link's target was overwritten: $(head -c 300 "$work/victim")"
[ "$rc" -eq 1 ] || fail "mpirun exited $rc with rank 0's log refused, expected 1"
grep -Eq '^ +0 .*FAILED: .*rank-0\.log is a symbolic link' "$work/a/fleet-report.txt" ||
  fail "the fleet report does not name the planted link: $(cat "$work/a/fleet-report.txt")"
grep -Eq '^ +1 .* ok \(' "$work/a/fleet-report.txt" || fail "rank 1 did not report ok"
[ -L "$work/a/rank-0.log" ] || fail "the planted link was replaced instead of refused"

# 2. a larger job, then a smaller one, into one folder
fleet 3 "$work/b" || fail "the 3-rank job failed: $(cat "$work/b.out")"
fleet 2 "$work/b" || fail "the 2-rank job failed: $(cat "$work/b.out")"
grep -q 'Fleet: 2 rank(s)' "$work/b.out" || fail "the 2-rank job's own report: $(cat "$work/b.out")"
"$tfbench" fleet-report "$work/b" >"$work/b.report" 2>&1; rc=$?
cat "$work/b.report"
[ "$rc" -eq 0 ] || fail "fleet-report exited $rc, expected 0 (both ranks of the newest run are ok)"
grep -q 'Fleet: 2 rank(s) on 1 host(s): 2 ok, 0 partial, 0 failed' "$work/b.report" ||
  fail "fleet-report counted the earlier job's rank files"
grep -q "warning: $work/b/rank-2.state.json (and its results) left out: from an earlier run" "$work/b.report" ||
  fail "fleet-report did not name the earlier job's rank 2"
grep -q '"fleet_run"' "$work/b/rank-0.json" || fail "rank 0's results are not stamped with the run"
rm "$work/b/fleet.json" && ln -s ../victim "$work/b/fleet.json"
"$tfbench" fleet-report "$work/b" >"$work/b.report" 2>&1; rc=$?
[ "$rc" -eq 2 ] && grep -q "fleet.json: it is a symbolic link" "$work/b.report" ||
  fail "fleet-report wrote through a planted fleet.json link (exit $rc): $(cat "$work/b.report")"
[ "$(cat "$work/victim")" = "keep me" ] || fail "the fleet.json link's target was overwritten"
echo "fleet_hostile.sh: both cases passed"
