#!/usr/bin/env bash
# history/changes: `tfbench history changes` and `report` end to end on the fixtures of tests/data/history/
# (three benchmarks; slow-decode.json: decode 20% slower; slow-memory.json: the machine's memory 25% slower, its
# measured roof with it). 8 runs a commit: the exact U test of 8 against 8 reaches p = 1.6e-4 < alpha 0.001.
# usage: history_changes.sh TFBENCH FIXTURES WORKDIR
set -u
tfbench=$1 data=$2 work=$3
fail() { echo "CMake Error: history_changes.sh: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || fail "no $work"
eight() { for _ in 1 2 3 4 5 6 7 8; do echo "$1"; done; }
add() { # DB COMMIT FILE
  mapfile -t files < <(eight "$3")
  "$tfbench" history add "${files[@]}" --commit "$2" --db "$1" >/dev/null || fail "add $3 failed"
}

add planted.db c1 "$data/base.json"
add planted.db c2 "$data/slow-decode.json"
"$tfbench" history changes --db planted.db >changes.txt
rc=$?
cat changes.txt
[ "$rc" -eq 1 ] || fail "changes exited $rc, not 1, on a planted 20% slowdown"
grep -Eq "runs 8 -> 9, commits c1 -> c2: 1 benchmark\(s\) moved together" changes.txt || fail "wrong place"
grep -Eq "^ +\+20\.0% \[\+20\.0%, \+20\.0%\] .* slower +decode/tfbench/b2-h8-n1000-d64/fp32$" changes.txt ||
  fail "the decode change is not +20%"
[ "$(grep -c ' slower \| faster ' changes.txt)" -eq 1 ] || fail "more than the planted change"
"$tfbench" history changes --db planted.db --since c2 >/dev/null || fail "a change before --since counted"
"$tfbench" history changes --db planted.db --since c1 >/dev/null && fail "the change after --since c1 did not count"
"$tfbench" history changes --db planted.db --threshold 25 >/dev/null || fail "a 20% change counted at 25%"
"$tfbench" history changes --db planted.db --json >changes.json
grep -q '"failing":	1' changes.json || fail "JSON: $(cat changes.json)"
"$tfbench" history changes --db planted.db --since nosuch >/dev/null 2>&1
[ $? -eq 2 ] || fail "--since of an unknown commit is not bad input"
"$tfbench" history report --db planted.db --out report >/dev/null || fail "report failed"
grep -q 'class="no">+20.0%' report/report.html || fail "the report does not list the change"
# one mark per commit: the median of its 8 runs (all equal here) and their range; 3 benchmarks x 2 commits
[ "$(grep -c 'median of 8 run(s)' report/report.html)" -eq 6 ] || fail "the charts do not mark each commit's 8 runs"
if command -v xmllint >/dev/null; then xmllint --noout report/report.html || fail "report.html is not well-formed"; fi

# CI's case: 3 runs a commit, the slowdown in the last commit's 3 runs only (the exact rank test of 3 against 27)
for c in 1 2 3 4 5 6 7 8 9; do
  "$tfbench" history add "$data/base.json" "$data/base.json" "$data/base.json" --commit "c$c" --db ci.db >/dev/null ||
    fail "add failed"
done
"$tfbench" history add "$data/slow-decode.json" "$data/slow-decode.json" "$data/slow-decode.json" --commit c10 \
  --db ci.db >/dev/null || fail "add failed"
"$tfbench" history changes --db ci.db --since c9 >ci.txt && fail "the last commit's slowdown not found: $(cat ci.txt)"
grep -q "commits c9 -> c10: 1 benchmark(s)" ci.txt || fail "not at c10: $(cat ci.txt)"

# an improvement is reported but fails only with --fail-on any
add faster.db c1 "$data/slow-decode.json"
add faster.db c2 "$data/base.json"
"$tfbench" history changes --db faster.db >/dev/null || fail "an improvement failed"
"$tfbench" history changes --db faster.db --fail-on any >/dev/null && fail "--fail-on any ignored an improvement"

# the machine's memory got slower: by time both memory-bound benchmarks moved together; by roof nothing did
add memory.db c1 "$data/base.json"
add memory.db c2 "$data/slow-memory.json"
"$tfbench" history changes --db memory.db --normalize none >none.txt && fail "no change by time: $(cat none.txt)"
grep -q "2 benchmark(s) moved together" none.txt || fail "the two memory-bound benchmarks not grouped: $(cat none.txt)"
"$tfbench" history changes --db memory.db >auto.txt || fail "roof-normalized, a moved roof is a change: $(cat auto.txt)"
echo "history_changes.sh: ok"
