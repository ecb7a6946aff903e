#!/usr/bin/env bash
# history/killed_writer: a writer killed (SIGKILL) in the middle of adding runs loses nothing committed and leaves
# nothing half-written: every run listed afterwards has all its benchmarks, and the database takes new runs. Then
# four writers at once (SQLite's lock queues them): every run lands whole.
# usage: history_killed.sh TFBENCH RESULTS.json WORKDIR
set -u
tfbench=$1 results=$2 work=$3
fail() { echo "CMake Error: history_killed.sh: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || fail "no $work"
db=history.db
files=()
for _ in $(seq 400); do files+=("$results"); done
check_whole() { # the runs of the database: how many, each with all 43 benchmarks
  "$tfbench" history list --db "$db" >list.txt || fail "list failed after a kill: $(cat list.txt)"
  local runs whole
  runs=$(sed -n 's/^\([0-9][0-9]*\) run(s)$/\1/p' list.txt)
  whole=$(grep -c ' 43/43 ' list.txt)
  [ "$runs" = "$whole" ] || fail "$runs runs but $whole whole: $(cat list.txt)"
  echo "$runs"
}
total=0
for delay in 0.3 0.7 1.1; do
  "$tfbench" history add "${files[@]}" --db "$db" >add.log 2>&1 &
  pid=$!
  sleep "$delay"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  added=$(grep -c '^added run' add.log)
  runs=$(check_whole)
  # every run the writer reported committed is there (it may have committed one more before printing)
  [ "$runs" -ge $((total + added)) ] || fail "reported $added more runs, found $runs (had $total)"
  total=$runs
  echo "killed after $delay s: $runs runs, all whole"
done
"$tfbench" history add "$results" --db "$db" >/dev/null || fail "the database takes no run after the kills"
[ "$(check_whole)" -eq $((total + 1)) ] || fail "the new run is missing"

pids=()
for i in 1 2 3 4; do
  "$tfbench" history add "$results" "$results" "$results" --commit "w$i" --db "$db" >"writer-$i.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || fail "a concurrent writer failed: $(cat writer-*.log)"; done
[ "$(check_whole)" -eq $((total + 13)) ] || fail "the four writers' 12 runs are not all there"
echo "history_killed.sh: ok"
