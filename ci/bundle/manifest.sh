#!/usr/bin/env bash
# MANIFEST.txt of a bundle (called by ci/bundle.sh): what it was built with and against, what the node must
# provide itself, and where every bundled library came from.
#   ci/bundle/manifest.sh BUNDLE_DIR BUILD_DIR SOURCES   (SOURCES: lines "soname original-path")
set -euo pipefail
root=$1 from=$2 sources=$3
# The newest symbol version of `prefix` (GLIBC_, GLIBCXX_) any file of the bundle asks for.
newest() {
  objdump -T "$root"/bin/* "$root"/lib/* 2>/dev/null | grep -o "$1[0-9.]*" | sort -t. -k1,1 -k2,2n -k3,3n -u |
    sort -V | tail -n 1
}
echo "tfbench bundle $(basename "$root")"
echo "commit      $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
echo "built       $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(. /etc/os-release && echo "$PRETTY_NAME"), $(uname -m), $(gcc --version | head -n 1)"
echo "programs    $(ls "$root/bin" | tr '\n' ' ')"
echo
echo "The node provides:"
echo "  glibc >= $(newest GLIBC_ | sed 's/GLIBC_//'), libstdc++ (>= $(newest GLIBCXX_ | sed 's/GLIBCXX_//')), libgcc_s"
echo "  an OpenCL driver: PoCL (/etc/OpenCL/vendors/pocl.icd) or a GPU's; NVIDIA's libnvidia-opencl.so.1 is found"
echo "  by the launcher even without a vendor file. PoCL itself is not bundled: it needs LLVM 15 and Clang"
echo "  (libLLVM-15 112 MB, libclang-cpp 59 MB, its kernel library 81 MB), far over the 64 MiB a bundle may be."
if [ -x "$root/bin/tfbench-native-cuda" ]; then
  built=$(sed -n 's/^TFB_CUDA_BUILT_WITH:INTERNAL=//p' "$from/CMakeCache.txt" 2>/dev/null | head -n 1)
  needed=$(ldd "$root/bin/tfbench-native-cuda" | awk '$1 ~ /^libcublas/ { print $1 }' | sort -u | paste -sd' ')
  major=$(echo "$built" | sed -n 's/^CUDA \([0-9]*\).*/\1/p')
  echo "  tfbench-native-cuda: built with ${built:-CUDA (version unknown)}; the CUDA runtime is linked in. It"
  echo "  needs ${needed:-cuBLAS} from the node and an NVIDIA driver that supports CUDA ${major:-?}."
fi
echo
echo "lib/ (from the build machine's Debian packages):"
# The Debian package owning a file, under any of its names (the loader's path, the real file, /lib or /usr/lib).
package_of() {
  local real
  real=$(readlink -f "$1")
  for candidate in "$1" "$real" "${real#/usr}" "/usr$real"; do
    dpkg -S "$candidate" 2>/dev/null | head -n 1 | sed 's/: .*//' && return 0
  done
  return 0
}
while read -r soname path; do
  package=$(package_of "$path")
  version=$( [ -n "$package" ] && dpkg-query -W -f='${Version}' "$package" 2>/dev/null || true)
  printf '  %-22s %6s KiB  %s %s\n' "$soname" "$(( $(stat -c %s "$root/lib/$soname") / 1024 ))" "${package:-?}" "$version"
done <"$sources"
