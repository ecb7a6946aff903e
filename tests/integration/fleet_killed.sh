#!/usr/bin/env bash
# fleet/killed_rank: a rank killed mid-run leaves the others' results and a fleet report that names it.
#  1. rank 1's worker (its benchmark process) is killed: rank 1 reports the signal, rank 0 gathers, the fleet
#     report lists rank 1 as failed and rank 0 with its results; mpirun exits 1.
#  2. rank 1's own process is killed: Open MPI aborts the whole job before anything is gathered, and
#     `tfbench fleet-report DIR` makes the fleet file from the rank files: rank 0 ok, rank 1 never finished, and
#     exits 1 (so `mpirun ... || tfbench fleet-report DIR` stays failed).
# Rank 1 runs an endless --repetitions count, so it is always mid-run when killed.
# usage: fleet_killed.sh TFBENCH "MPIRUN;FLAGS..." WORKDIR
set -u
tfbench=$1
IFS=';' read -r -a mpirun <<< "$2"
work=$3
rm -rf "$work" && mkdir -p "$work"
job=
trap '[ -n "$job" ] && kill "$job" 2>/dev/null' EXIT

fail() { echo "CMake Error: fleet_killed.sh: $*"; exit 1; }

# Starts the fleet in DIR in the background: rank 0 a short run, rank 1 one that does not end by itself.
start_fleet() {
  "${mpirun[@]}" -np 1 "$tfbench" --fleet-serial --suite peak --quick --out "$1" \
    : -np 1 "$tfbench" --fleet-serial --suite peak --quick --repetitions 100000 --out "$1" > "$1.out" 2>&1 &
  job=$!
}

# The pid recorded under KEY in rank 1's state once its worker runs (rank 0 has finished by then: --fleet-serial).
running_pid() {
  local state=$1/rank-1.state.json key=$2
  for _ in $(seq 600); do
    if [ -f "$state" ] && grep -q '"status":[[:space:]]*"running"' "$state"; then
      sed -n "s/.*\"$key\":[[:space:]]*\([0-9][0-9]*\).*/\1/p" "$state"
      return
    fi
    kill -0 "$job" 2>/dev/null || return
    sleep 0.1
  done
}

# 1. the worker killed
start_fleet "$work/a"
pid=$(running_pid "$work/a" worker_pid)
[ -n "$pid" ] || fail "rank 1's worker never started: $(cat "$work/a.out")"
sleep 1
kill -9 "$pid"
wait "$job"; rc=$?; job=
cat "$work/a.out"
[ "$rc" -eq 1 ] || fail "mpirun exited $rc after the worker was killed, expected 1"
grep -Eq '^ +1 .*FAILED: killed by signal 9 \(SIGKILL\)' "$work/a/fleet-report.txt" || fail "rank 1 not named failed"
grep -Eq '^ +0 .* ok \(' "$work/a/fleet-report.txt" || fail "rank 0 not ok in the fleet report"
grep -q '"name":[[:space:]]*"peak/tfbench/fma-chains/fp32"' "$work/a/fleet.json" || fail "rank 0's results missing"
[ -f "$work/a/rank-0.json" ] && [ ! -f "$work/a/rank-1.json" ] || fail "rank files: rank 0's expected, rank 1's not"

# 2. the rank process killed: the job aborts; its worker dies with it (PR_SET_PDEATHSIG)
start_fleet "$work/b"
pid=$(running_pid "$work/b" rank_pid)
worker=$(running_pid "$work/b" worker_pid)
[ -n "$pid" ] && [ -n "$worker" ] || fail "rank 1 never started: $(cat "$work/b.out")"
sleep 1
kill -9 "$pid"
wait "$job"; rc=$?; job=
[ "$rc" -ne 0 ] || fail "mpirun exited 0 after a rank process was killed"
[ ! -f "$work/b/fleet.json" ] || fail "a fleet file appeared although the job was aborted"
for _ in $(seq 50); do kill -0 "$worker" 2>/dev/null || break; sleep 0.1; done
kill -0 "$worker" 2>/dev/null && { kill -9 "$worker"; fail "rank 1's worker outlived its rank"; }
"$tfbench" fleet-report "$work/b" > "$work/b.report" 2>&1; rc=$?
cat "$work/b.report"
[ "$rc" -eq 1 ] || fail "fleet-report exited $rc with a rank that never finished, expected 1"
grep -Eq '^ +1 .*FAILED: never finished' "$work/b.report" || fail "fleet-report does not name rank 1"
grep -Eq '^ +0 .* ok \(' "$work/b.report" || fail "fleet-report lost rank 0"
[ -f "$work/b/fleet.json" ] || fail "fleet-report wrote no fleet.json"
echo "fleet_killed.sh: both cases reported"
