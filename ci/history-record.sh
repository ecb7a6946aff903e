#!/usr/bin/env bash
# CI: adds the performance gate's runs (ci/perf-regression.sh's first rounds in build/perf-gate/) to the history
# database kept as the CI artifact build/history/history.db (TFB_HISTORY_DB for another, a postgresql:// URI
# included): the reference commit's runs under its commit, this commit's under HEAD. CI restores the artifact before
# the job and keeps it after; a job without one starts a new history. Then `tfbench history changes --since` the
# reference commit reports the change points this commit brings, and `history report` draws
# build/history/report/report.html. Never fails the job (the gate decides): exit 0, or 2 when the history cannot be
# written. Settings: TFB_BUILD_DIR [build], TFB_GATE_BASE [HEAD~1], TFB_HISTORY_DB [build/history/history.db].
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${TFB_BUILD_DIR:-build}
GATE_DIR=$BUILD_DIR/perf-gate
DB=${TFB_HISTORY_DB:-build/history/history.db}
say() { echo "ci/history-record.sh: $*" >&2; }
bin=$BUILD_DIR/tfbench
[ -x "$bin" ] || { say "no $bin"; exit 2; }
current=$(git rev-parse HEAD) || exit 2
reference=$(git rev-parse "${TFB_GATE_BASE:-HEAD~1}^{commit}" 2>/dev/null) || reference=
branch=$(git rev-parse --abbrev-ref HEAD 2>/dev/null | tr -c 'A-Za-z0-9._/+\n-' '-') || branch=
[[ "$DB" == postgres*://* ]] || mkdir -p "$(dirname "$DB")"
added=0
add() { # COMMIT FILES...: the files that exist, under COMMIT
  local commit=$1 files=()
  shift
  for f in "$@"; do [ -s "$f" ] && files+=("$f"); done
  [ ${#files[@]} -gt 0 ] || return 0
  "$bin" history add "${files[@]}" --commit "$commit" ${branch:+--branch "$branch"} --db "$DB" >/dev/null ||
    { say "could not add to $DB"; exit 2; }
  added=$((added + ${#files[@]}))
}
[ -z "$reference" ] || add "$reference" "$GATE_DIR"/first-ref-*.json
add "$current" "$GATE_DIR"/first-cur-*.json
say "$added run(s) added to $DB"
[ "$added" -gt 0 ] || exit 0
since=()
[ -z "$reference" ] || since=(--since "$reference")
"$bin" history changes --db "$DB" "${since[@]}" || say "change points in this commit's range (above); the gate decides"
"$bin" history report --db "$DB" --out build/history/report >/dev/null || say "no trend report"
exit 0
