#!/usr/bin/env bash
# Fuzzes every reader of untrusted input with libFuzzer (clang; ASan, UBSan and float-cast-overflow): one target per
# tests/fuzz/fuzz_<target>.c, each linking tfbench_core, the library the program links (cmake/fuzz.cmake).
#   ci/fuzz.sh [SECONDS]   each target for SECONDS (default 30), seeded from tests/fuzz/corpus/<target> and the JSON
#                          files under tests/data; installs clang and libFuzzer's runtime when they are missing
#   ci/fuzz.sh --check     builds every target and runs each once over its committed corpus, no fuzzing (the CTest
#                          test fuzz/build_and_link); installs nothing: exit 77 (skipped) without a working clang
#   ci/fuzz.sh --install   only installs clang and libFuzzer's runtime where they are missing (.ci/run, before the
#                          tests, so that fuzz/build_and_link runs there rather than being skipped)
# Environment: TFB_FUZZ_BUILD_DIR [$TFB_BUILD_DIR/fuzz-build, TFB_BUILD_DIR defaulting to build], TFB_CLANG [clang,
#   else clang-14]
# Exit: 0 nothing found; 1 a target crashed, leaked, hung or hit undefined behaviour: the input is printed (base64,
# to paste into a file, and a hex dump) and kept in BUILD/fuzz-artifacts; 2 the fuzz build failed.
# New inputs the fuzzer finds go to BUILD/fuzz-corpus/<target> (outside git), so later runs start from there.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=fuzz
SECONDS_TO_RUN=30
case "${1:-}" in
  --check) MODE=check ;;
  --install) MODE=install ;;
  "") ;;
  *)
    if ! [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ]; then
      echo "usage: ci/fuzz.sh [SECONDS | --check | --install]" >&2; exit 2
    fi
    SECONDS_TO_RUN=$1 ;;
esac
BUILD_DIR=${TFB_FUZZ_BUILD_DIR:-${TFB_BUILD_DIR:-build}/fuzz-build}
ARTIFACTS="$BUILD_DIR/fuzz-artifacts"
SKIPPED=77  # CTest's SKIP_RETURN_CODE of fuzz/build_and_link

find_clang() {
  if [ -n "${TFB_CLANG:-}" ]; then command -v "$TFB_CLANG" || true; else command -v clang || command -v clang-14 || true; fi
}

# A fuzzer with the sanitizers links only where clang's runtime is installed (Debian: libclang-rt-dev).
toolchain_works() {
  local clang probe
  clang=$(find_clang)
  [ -n "$clang" ] || return 1
  probe=$(mktemp -d)
  printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' >"$probe/probe.c"
  local rc=0
  "$clang" -fsanitize=fuzzer,address,undefined "$probe/probe.c" -o "$probe/probe" 2>"$probe/log" || rc=$?
  [ "$rc" -eq 0 ] || sed 's/^/  /' "$probe/log" >&2
  rm -rf "$probe"
  return "$rc"
}

install_toolchain() {
  echo "ci/fuzz.sh: installing clang libclang-rt-dev" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends clang libclang-rt-dev >/dev/null
}

if ! toolchain_works; then
  if [ "$MODE" = check ]; then
    echo "ci/fuzz.sh: skipped: no clang that links -fsanitize=fuzzer (Debian: apt-get install clang libclang-rt-dev)"
    exit "$SKIPPED"
  fi
  install_toolchain
  toolchain_works || { echo "ci/fuzz.sh: clang cannot link a fuzzer after the install" >&2; exit 2; }
fi
[ "$MODE" != install ] || exit 0
[ "$MODE" = check ] || ci/deps.sh

TARGETS=$(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//')
build_started=$SECONDS
mkdir -p "$BUILD_DIR"
if ! CC=$(find_clang) cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTFB_FUZZ=ON >"$BUILD_DIR/build.log" 2>&1 ||
   ! cmake --build "$BUILD_DIR" --target fuzz_targets -j"$(nproc)" >>"$BUILD_DIR/build.log" 2>&1; then
  tail -n 60 "$BUILD_DIR/build.log" >&2
  echo "ci/fuzz.sh: the fuzz build failed (log: $BUILD_DIR/build.log)" >&2
  exit 2
fi
echo "ci/fuzz.sh: built $(echo $TARGETS | wc -w) targets in $((SECONDS - build_started)) s"

# The committed seeds of a target: its corpus folder and the small JSON fixtures (copied: libFuzzer may write into
# any folder it is given).
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
find tests/data -name '*.json' -size -64k -exec cp {} "$seeds/" \;

# Prints what a failed run left: each input as base64 (to rebuild the file from the log) and a hex dump.
show_artifacts() {
  local target=$1 file
  for file in "$ARTIFACTS/$target"-*; do
    [ -f "$file" ] || continue
    echo "---- $file ($(stat -c %s "$file") bytes); to reproduce:"
    echo "  base64 -d > input <<'EOF'"
    base64 -w 76 "$file" | head -n 2000 | sed 's/^/  /'
    echo "  EOF"
    echo "  $BUILD_DIR/tests/fuzz/$target input"
    od -A d -c "$file" | head -n 40
  done
}

status=0
mkdir -p "$ARTIFACTS"
for target in $TARGETS; do
  binary="$BUILD_DIR/tests/fuzz/$target"
  corpus=()
  [ -d "tests/fuzz/corpus/$target" ] && corpus=("tests/fuzz/corpus/$target")
  log="$BUILD_DIR/$target.log"
  rm -f "$ARTIFACTS/$target"-*
  # -error_exitcode: libFuzzer's default, 77, is CTest's "skipped" here. -rss_limit_mb keeps it polite on a shared
  # machine. -timeout: one input running for a minute is a hang; the slowest legitimate one, a rank's state claiming
  # the largest fleet (TFB_FLEET_MAX_RANKS ranks, each listed), takes 50 s under the sanitizers on a loaded 2-core VM.
  common=(-error_exitcode=1 -timeout_exitcode=1 -rss_limit_mb=2048 -timeout=60 -max_len=65536
          "-artifact_prefix=$ARTIFACTS/$target-" -print_final_stats=1)
  rc=0
  if [ "$MODE" = check ]; then
    scratch=$(mktemp -d)
    "$binary" "${common[@]}" -runs=0 "$scratch" "${corpus[@]}" "$seeds" >"$log" 2>&1 || rc=$?
    rm -rf "$scratch"
    inputs=$(sed -n 's/.*seed corpus: files: \([0-9]*\).*/\1/p' "$log" | head -n 1)
    echo "$target: ran ${inputs:-its} inputs: exit $rc"
  else
    mkdir -p "$BUILD_DIR/fuzz-corpus/$target"
    "$binary" "${common[@]}" -max_total_time="$SECONDS_TO_RUN" "$BUILD_DIR/fuzz-corpus/$target" "${corpus[@]}" "$seeds" \
      >"$log" 2>&1 || rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "$target: ${runs:-?} executions in $SECONDS_TO_RUN s ($(( ${runs:-0} / SECONDS_TO_RUN ))/s)," \
         "$(sed -n 's/^stat::peak_rss_mb: *//p' "$log") MB peak: exit $rc"
  fi
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "ci/fuzz.sh: $target failed (exit $rc); its log, $log, ends:"
    grep -v '^#[0-9]' "$log" | tail -n 60
    show_artifacts "$target"
  fi
done
exit "$status"
