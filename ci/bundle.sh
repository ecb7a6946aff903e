#!/usr/bin/env bash
# Builds the relocatable bundle a bare node runs without root, internet or a package manager (docs/gpu.md):
#   dist/tfbench-<version>-linux-<arch>/  and  dist/tfbench-<version>-linux-<arch>.tar.gz
#     tfbench, tfbench-native, tfbench-native-cuda  the launcher (ci/bundle/launcher.sh), one copy per program
#     gpu-check.sh                                  the prepared device check (ci/gpu-check.sh)
#     bin/                                          the programs themselves
#     lib/                                          every shared library they need that is not glibc, libstdc++,
#                                                   libgcc or CUDA's (found with ldd)
#     MANIFEST.txt                                  versions built against, what the node must provide, sizes
# usage: ci/bundle.sh [--from BUILD_DIR] [--out DIST_DIR] [--no-tar]
#   --from: bundle the binaries of an existing build (default: build build-bundle/ first, Release, with ci/deps.sh)
# Fails when the bundle would exceed 64 MiB (TFB_BUNDLE_LIMIT_MB), the most a device call may carry.
set -euo pipefail
cd "$(dirname "$0")/.."
from="" out=dist tar=1
while [ $# -gt 0 ]; do
  case "$1" in
    --from) from=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-tar) tar=0; shift ;;
    *) echo "usage: ci/bundle.sh [--from BUILD_DIR] [--out DIST_DIR] [--no-tar]" >&2; exit 2 ;;
  esac
done
if [ -z "$from" ]; then
  from=${TFB_BUNDLE_BUILD_DIR:-build-bundle}
  ci/deps.sh
  cmake -S . -B "$from" -DCMAKE_BUILD_TYPE=Release >/dev/null
  targets=(tfbench)
  known=$(cmake --build "$from" --target help)
  for target in tfbench-native tfbench-native-cuda; do  # each is built only where its libraries were found
    if grep -q "\.\.\. $target\$" <<<"$known"; then targets+=("$target"); fi
  done
  cmake --build "$from" -j"$(nproc)" --target "${targets[@]}" >/dev/null
fi
version=$(sed -n 's/^project(tfbench VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
name="tfbench-$version-linux-$(uname -m)"
root="$out/$name"
rm -rf "$root" "$out/$name.tar.gz"
mkdir -p "$root/bin" "$root/lib"
programs=()
for program in tfbench tfbench-native tfbench-native-cuda; do
  [ -x "$from/$program" ] || continue
  programs+=("$program")
  cp "$from/$program" "$root/bin/"
  strip --strip-debug "$root/bin/$program" 2>/dev/null || true
  cp ci/bundle/launcher.sh "$root/$program"
done
if [[ ! " ${programs[*]} " =~ " tfbench " ]]; then
  echo "ci/bundle.sh: no $from/tfbench (build it first)" >&2
  exit 2
fi
cp ci/gpu-check.sh "$root/gpu-check.sh"
cp ci/gpu_summary.py "$root/gpu_summary.py"

# What the node provides itself: glibc's libraries, the C++ and GCC runtimes, and CUDA's (cuBLAS alone is larger
# than a bundle may be, and a GPU node has the CUDA libraries its driver matches).
system_library() {
  case "$1" in
    linux-vdso.so.*|ld-linux*|libc.so.*|libm.so.*|libmvec.so.*|libdl.so.*|libpthread.so.*|librt.so.*|libresolv.so.*)
      return 0 ;;  # glibc: libmvec (the vector exp of the reference) is tied to its libc
    libstdc++.so.*|libgcc_s.so.*) return 0 ;;
    libcuda.so.*|libcudart.so.*|libcublas.so.*|libcublasLt.so.*|libnvidia-*) return 0 ;;
  esac
  return 1
}
sources=$(mktemp)
trap 'rm -f "$sources"' EXIT
for program in "${programs[@]}"; do
  ldd "$root/bin/$program" | while read -r soname arrow path rest; do
    [ "$arrow" = "=>" ] || continue
    system_library "$soname" && continue
    if [ ! -e "$path" ]; then echo "ci/bundle.sh: $program needs $soname, not found here" >&2; exit 1; fi
    [ -e "$root/lib/$soname" ] && continue
    cp -L "$path" "$root/lib/$soname"
    echo "$soname $path" >>"$sources"
  done
done
strip --strip-debug "$root"/lib/*.so* 2>/dev/null || true
ci/bundle/manifest.sh "$root" "$from" "$sources" >"$root/MANIFEST.txt"

limit_mb=${TFB_BUNDLE_LIMIT_MB:-64}
bytes=$(du -sb "$root" | cut -f1)
echo "ci/bundle.sh: $root: $((bytes / 1048576)) MiB (${programs[*]}; $(ls "$root/lib" | wc -l) libraries)"
if [ "$bytes" -gt $((limit_mb * 1048576)) ]; then
  echo "ci/bundle.sh: the bundle is over ${limit_mb} MiB" >&2
  exit 1
fi
if [ "$tar" = 1 ]; then
  tar -C "$out" -czf "$out/$name.tar.gz" "$name"
  echo "ci/bundle.sh: $out/$name.tar.gz: $(( $(stat -c %s "$out/$name.tar.gz") / 1048576 )) MiB"
fi
