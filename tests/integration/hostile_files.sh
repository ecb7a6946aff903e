#!/usr/bin/env bash
# Hostile files and folders around tfbench (tests/integration/hostile.cmake runs one case per test):
#   fifo       every reader refuses a FIFO, a device and a folder at once (exit 2), never waiting for a writer
#   lock       a second run (or `tfbench report`) into a locked --out folder refuses (exit 2) and writes nothing;
#              a link planted as the lock file is refused without touching its target
#   links      an output path that is a planted symbolic link is refused before the run (exit 2), never followed
#              nor replaced
#   pocl_dirs  POCL_CACHE_DIR and the tuning cache (TFB_CACHE_DIR) refused when another user owns them or anyone
#              may write them (exit 2 / the case fails with the reason), used when they are the caller's own
# usage: hostile_files.sh CASE TFBENCH SOURCE_DIR WORKDIR
set -u
case_name=$1
tfbench=$2
source_dir=$3
work=$4
rm -rf "$work" && mkdir -p "$work"
cd "$work" || exit 1

fail() { echo "CMake Error: hostile_files.sh $case_name: $*"; exit 1; }

# expect RC REGEX COMMAND...: runs it ($limit s at most, default 10), checks the exit code and that its output
# matches REGEX.
expect() {
  local want=$1 regex=$2 seconds=${limit:-10}
  shift 2
  timeout "$seconds" "$@" >out.txt 2>&1
  local rc=$?
  [ "$rc" -ne 124 ] || fail "$* did not finish in $seconds s (blocked?)"
  [ "$rc" -eq "$want" ] || fail "$* exited $rc, expected $want: $(cat out.txt)"
  grep -Eq -- "$regex" out.txt || fail "$* did not say /$regex/: $(cat out.txt)"
  echo "ok: $* -> $rc"
}

# shared/NAME, created by the user nobody (another local user) in a folder anyone may write, as /tmp is; skipped
# (exit 0 with a note) where runuser cannot.
nobody_dir() {
  if [ "$(id -u)" != 0 ] || ! runuser -u nobody -- true 2>/dev/null; then
    echo "no other user to play the neighbour (needs root and runuser): skipped"
    exit 0
  fi
  mkdir -p -m 1777 shared
  runuser -u nobody -- mkdir "shared/$1" || fail "nobody cannot create shared/$1"
}

results=$source_dir/tests/data/compare/base.json
fifo() {
  mkfifo pipe
  mkdir folder
  expect 2 "pipe: .*it is a FIFO \(named pipe\), not a regular file" "$tfbench" compare pipe "$results"
  expect 2 "pipe: .*it is a FIFO" "$tfbench" compare "$results" pipe
  expect 2 "/dev/zero: it is a device" "$tfbench" compare /dev/zero "$results"
  expect 2 "folder: it is a folder" "$tfbench" compare folder "$results"
  expect 2 "it is a FIFO" "$tfbench" report pipe --out report
  expect 2 "it is a FIFO" "$tfbench" report "$results" --native pipe --out report
  expect 2 "it is a FIFO" "$tfbench" model llama2-7b --measured pipe
  expect 2 "it is a FIFO" "$tfbench" model --config pipe
  expect 2 "it is a FIFO" "$tfbench" --suite layer --quick --config pipe --json r.json
  mkdir fleet && mkfifo fleet/rank-0.state.json
  expect 2 "rank-0.state.json: .*it is a FIFO" "$tfbench" fleet-report fleet
}

lock() {
  mkdir out
  exec 9>out/.tfbench.lock  # this shell holds the lock (flock(1) from util-linux) while tfbench starts
  flock -n 9 || fail "cannot take the lock for the test"
  expect 2 "out is in use by another tfbench run" "$tfbench" --suite peak --quick --out out
  [ ! -e out/results.json ] && [ ! -e out/report.html ] || fail "the refused run wrote into the locked folder"
  expect 2 "out is in use by another tfbench run" "$tfbench" report "$results" --out out
  [ ! -e out/report.html ] || fail "the refused report wrote into the locked folder"
  exec 9>&-
  mkdir linked && echo "keep me" >victim
  ln -s ../victim linked/.tfbench.lock
  expect 2 "linked/.tfbench.lock is a symbolic link" "$tfbench" --suite peak --quick --out linked
  [ "$(cat victim)" = "keep me" ] || fail "the lock's link target was changed"
}

links() {
  echo "keep me" >victim
  ln -s victim r.json
  expect 2 "cannot write r.json: it is a symbolic link" "$tfbench" --suite peak --quick --json r.json
  mkdir out && ln -s ../victim out/report.html
  expect 2 "out/report.html: it is a symbolic link" "$tfbench" --suite peak --quick --out out
  [ "$(cat victim)" = "keep me" ] || fail "a planted link's target was changed"
  [ -L r.json ] && [ -L out/report.html ] || fail "a planted link was replaced instead of refused"
}

pocl_dirs() {
  nobody_dir theirs
  mkdir -m 777 open
  expect 2 "POCL_CACHE_DIR $work/shared/theirs belongs to uid 65534, not to this user" \
    env POCL_CACHE_DIR="$work/shared/theirs" "$tfbench" --list
  expect 2 "POCL_CACHE_DIR $work/open is writable by others \(mode 777\)" env POCL_CACHE_DIR="$work/open" "$tfbench" --list
  mkdir shared/theirs/mine  # root's own folder, inside one that nobody may rename entries of
  expect 2 "lies in $work/shared/theirs, which another user may change \(owned by uid 65534" \
    env POCL_CACHE_DIR="$work/shared/theirs/mine" "$tfbench" --list
  rmdir shared/theirs/mine
  expect 0 "Portable Computing Language" env POCL_CACHE_DIR="$work/mine/pocl" "$tfbench" --list
  [ "$(stat -c %a mine/pocl)" = 700 ] || fail "POCL_CACHE_DIR was created with mode $(stat -c %a mine/pocl), not 700"
  # the tuning cache: the GEMV case that tunes fails with the reason; nothing is written into their folder
  limit=90 expect 1 "the tuning cache folder $work/shared/theirs belongs to uid 65534" \
    env TFB_CACHE_DIR="$work/shared/theirs" "$tfbench" --suite gemv --quick --shape 1x256x256 --json r.json
  [ -z "$(ls -A shared/theirs)" ] || fail "tfbench wrote into another user's folder: $(ls -A shared/theirs)"
}

"$case_name"
echo "hostile_files.sh $case_name: passed"
