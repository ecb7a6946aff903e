#!/usr/bin/env bash
# Checks a bundle the way a bare node meets it (CTest bundle/empty_env runs it on a bundle of the test build):
#  1. every library its programs and libraries need resolves inside lib/, or to glibc, libstdc++, libgcc or (for
#     tfbench-native-cuda) CUDA's own; nothing is "not found";
#  2. from an empty environment (env -i), `tfbench --list` names the ICDs it found and lists PoCL, a driver folder
#     holding a libnvidia-opencl.so.1 (TFB_DRIVER_DIRS) gets a generated vendor file, and a quick single suite
#     runs and verifies on PoCL; tfbench-native and tfbench-native-cuda start (the latter says "no CUDA device"
#     where there is none);
#  3. it is at most 64 MiB;
#  4. (as root, with runuser) a hostile user's folders at the launcher's old predictable paths in a shared $TMPDIR
#     (tfbench-icd-0 holding an evil.icd, tfbench-cache-0) are neither used nor touched, and without a usable home
#     (the user nobody) the caches go to a new private folder; $XDG_RUNTIME_DIR/tfbench is used when it is the
#     caller's, refused when another user owns it.
#   ci/bundle/check.sh BUNDLE_DIR WORKDIR
set -euo pipefail
root=$(cd "$1" && pwd)
work=$2
rm -rf "$work" && mkdir -p "$work/driver"
fail() { echo "ci/bundle/check.sh: $*" >&2; exit 1; }

allowed() {
  case "$1" in
    "$root"/lib/*) return 0 ;;
    */libc.so.*|*/libm.so.*|*/libmvec.so.*|*/libdl.so.*|*/libpthread.so.*|*/librt.so.*|*/libresolv.so.*|*/ld-linux*) return 0 ;;
    */libstdc++.so.*|*/libgcc_s.so.*) return 0 ;;
  esac
  [ "$2" = tfbench-native-cuda ] && case "$1" in */libcublas.so.*|*/libcublasLt.so.*) return 0 ;; esac
  return 1
}
for file in "$root"/bin/* "$root"/lib/*; do
  owner=$(basename "$file")
  while read -r soname arrow path rest; do
    [ "$arrow" = "=>" ] || continue
    [ "$path" != "not" ] || fail "$owner needs $soname: not found"
    allowed "$path" "$owner" || fail "$owner needs $soname from $path, outside the bundle"
  done < <(env -i LD_LIBRARY_PATH="$root/lib" ldd "$file")
done
echo "ldd: every library of $(ls "$root/bin" "$root/lib" | grep -c .) files resolves inside the bundle or to the system's C/C++ runtime"

: >"$work/driver/libnvidia-opencl.so.1"  # no real driver: the loader skips it, the vendor file is what is checked
mkdir -m 1777 "$work/tmp"  # a shared TMPDIR, as /tmp is
hostile=
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null && runuser -u nobody -- true 2>/dev/null; then
  hostile=nobody
  runuser -u nobody -- mkdir "$work/tmp/tfbench-icd-0" "$work/tmp/tfbench-cache-0"
  runuser -u nobody -- sh -c "echo /nonexistent/libevil.so >'$work/tmp/tfbench-icd-0/evil.icd'"
fi
cd "$work"
env -i TMPDIR="$work/tmp" TFB_DRIVER_DIRS="$work/driver" "$root/tfbench" --list >list.txt 2>&1 ||
  fail "--list: $(cat list.txt)"
grep -q "^OpenCL drivers (ICD vendor files in $work/tmp/tfbench\.[A-Za-z0-9]*/icd)" list.txt ||
  fail "--list names no private generated ICD folder: $(cat list.txt)"
! grep -q "evil\|tfbench-icd-0" list.txt || fail "--list used the folder another user created: $(cat list.txt)"
if [ -n "$hostile" ]; then
  # $XDG_RUNTIME_DIR/tfbench is reused only when it is the caller's: one handed to another user is refused
  mkdir -m 700 "$work/runtime" && mkdir "$work/runtime/tfbench" && chown nobody "$work/runtime/tfbench"
  if env -i XDG_RUNTIME_DIR="$work/runtime" TFB_DRIVER_DIRS="$work/driver" "$root/tfbench" --list >runtime.txt 2>&1; then
    fail "--list used a runtime folder another user owns: $(cat runtime.txt)"
  fi
  grep -q "$work/runtime/tfbench is not a private folder (owned by uid 65534" runtime.txt ||
    fail "the refusal does not name the runtime folder: $(cat runtime.txt)"
  rm -rf "$work/runtime/tfbench"
  env -i XDG_RUNTIME_DIR="$work/runtime" TFB_DRIVER_DIRS="$work/driver" "$root/tfbench" --list >runtime.txt 2>&1 ||
    fail "--list with a private XDG_RUNTIME_DIR: $(cat runtime.txt)"
  grep -q "^OpenCL drivers (ICD vendor files in $work/runtime/tfbench/icd)" runtime.txt ||
    fail "the vendor folder is not under XDG_RUNTIME_DIR: $(cat runtime.txt)"
fi
grep -q "tfbench-nvidia.icd -> $work/driver/libnvidia-opencl.so.1 (written by the launcher" list.txt ||
  fail "--list does not show the generated NVIDIA vendor file: $(cat list.txt)"
grep -q "Portable Computing Language" list.txt || fail "--list shows no PoCL: $(cat list.txt)"
env -i TMPDIR="$work/tmp" "$root/tfbench" --device 0 --quick --suite peak --quiet --json "$work/r.json" >run.txt 2>&1 ||
  fail "the quick peak suite from env -i: $(cat run.txt)"
grep -q '"verified":[[:space:]]*true' r.json || fail "no verified benchmark in r.json"
if [ -n "$hostile" ]; then
  # nobody's home (/nonexistent) is unusable: the tuning and kernel caches go to a new folder of nobody's own
  runuser -u nobody -- env -i TMPDIR="$work/tmp" "$root/tfbench" --device 0 --quick --suite peak --quiet \
    --json "$work/tmp/nobody.json" >nobody.txt 2>&1 || fail "the quick peak suite as nobody: $(cat nobody.txt)"
  caches=$(find "$work/tmp" -maxdepth 3 -path "$work/tmp/tfbench.*/cache/pocl" -user nobody | wc -l)
  [ "$caches" -ge 1 ] || fail "no private cache folder of nobody's under $work/tmp: $(ls -la "$work/tmp")"
  [ -z "$(ls -A "$work/tmp/tfbench-cache-0")" ] && [ "$(ls "$work/tmp/tfbench-icd-0")" = evil.icd ] ||
    fail "a folder another user created at the old predictable path was used"
  echo "ok: the folders another user planted in the shared TMPDIR were left alone"
fi
if [ -x "$root/bin/tfbench-native" ]; then
  env -i "$root/tfbench-native" --help >/dev/null || fail "tfbench-native does not start"
fi
if [ -x "$root/bin/tfbench-native-cuda" ]; then
  env -i "$root/tfbench-native-cuda" --help >/dev/null || fail "tfbench-native-cuda does not start"
fi
bytes=$(du -sb "$root" | cut -f1)
[ "$bytes" -le $((64 * 1048576)) ] || fail "$((bytes / 1048576)) MiB: over the 64 MiB a device call may carry"
echo "ok: env -i --list and --quick --suite peak on PoCL, $((bytes / 1048576)) MiB"
