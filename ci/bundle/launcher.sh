#!/bin/sh
# The launcher of a tfbench bundle (ci/bundle.sh copies it as tfbench, tfbench-native and tfbench-native-cuda; the
# name it is called by picks the program in bin/). It needs nothing from the environment (env -i works):
#  - the bundle's lib/ goes first on the library path (the ICD loader, hwloc, cJSON, CLBlast, OpenBLAS, ...);
#  - when no OpenCL vendor file names NVIDIA's driver but the driver's libnvidia-opencl.so.1 is there (the loader
#    cache, the usual library folders, /usr/local/nvidia/lib64 as container runtimes mount it), it writes a vendor
#    folder naming it beside the system's own vendor files and points the ICD loader at it (OCL_ICD_VENDORS);
#    OCL_ICD_VENDORS set by the caller is left alone, TFB_NVIDIA_OPENCL=PATH names the driver library explicitly,
#    TFB_DRIVER_DIRS (folders, space-separated) is searched first;
#  - with --list it says which OpenCL drivers (ICDs) it found;
#  - the driver's folder (libcuda.so.1) goes last on the library path when the loader cache lacks it;
#  - tfbench-native-cuda: when cuBLAS 13 is not on the loader's path, the usual CUDA folders and Python
#    environments' CUDA wheels (/opt, /usr/local/lib, /usr/lib/python3*) are searched.
# Tuning and kernel caches go to $TFB_CACHE_DIR / $HOME as usual; without HOME (env -i) to the caller's home from
# the password database, else to a new private folder. Nothing is ever put at a predictable path of a shared $TMPDIR
# (another user could create it first and plant an ICD or a cached kernel that root would load): the launcher's
# folders are $XDG_RUNTIME_DIR/tfbench when that is the caller's (mode 0700), else a new `mktemp -d` folder, and a
# folder it reuses must be the caller's and writable by nobody else, or it refuses (exit 2).
base=
PATH=${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}
export PATH
here=$(cd "$(dirname "$(readlink -f "$0" 2>/dev/null || echo "$0")")" && pwd)  # the bundle, also through a link
program=$(basename "$0")
case "$program" in
  tfbench-native|tfbench-native-cuda) ;;
  *) program=tfbench ;;
esac
LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH

refuse() {
  echo "tfbench (bundle launcher): $*" >&2
  exit 2
}

# A folder only the caller may write: the caller's, no group or other write bit, not a link.
is_private_dir() {
  [ -d "$1" ] && [ ! -L "$1" ] || return 1
  [ "$(stat -c %u "$1")" = "$(id -u)" ] || return 1
  case "$(stat -c %A "$1")" in ?????w????|????????w?) return 1 ;; esac
  return 0
}

# The folder DIR, created (mode 0700) when missing; refused unless it is private.
private_subdir() {
  [ -e "$1" ] || [ -L "$1" ] || mkdir -m 700 "$1" 2>/dev/null || true
  is_private_dir "$1" ||
    refuse "$1 is not a private folder (owned by uid $(stat -c %u "$1" 2>/dev/null || echo '?'), mode $(stat -c %a "$1" 2>/dev/null || echo '?')): another user could plant files there; remove it"
}

# The launcher's own folder: $XDG_RUNTIME_DIR/tfbench when the runtime folder is the caller's with mode 0700, else
# a new private folder from mktemp -d under $TMPDIR (a fresh name each run: nobody can create it first).
launcher_dir() {
  if [ -n "${XDG_RUNTIME_DIR:-}" ] && is_private_dir "$XDG_RUNTIME_DIR" &&
     [ "$(stat -c %a "$XDG_RUNTIME_DIR")" = 700 ]; then
    private_subdir "$XDG_RUNTIME_DIR/tfbench"
    echo "$XDG_RUNTIME_DIR/tfbench"
  else
    mktemp -d "${TMPDIR:-/tmp}/tfbench.XXXXXXXXXX" || refuse "cannot create a private folder under ${TMPDIR:-/tmp}"
  fi
}

# $base: the launcher's folder, made once for the caches and the vendor folder alike.
need_base() {
  if [ -z "${base:-}" ]; then base=$(launcher_dir) || exit 2; fi
}

if [ -z "${HOME:-}" ] && [ -z "${TFB_CACHE_DIR:-}" ] && [ -z "${XDG_CACHE_HOME:-}" ]; then
  home=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6)
  if [ -n "$home" ] && is_private_dir "$home"; then
    TFB_CACHE_DIR="$home/.cache/tfbench"          # the caller's own home, though HOME is not set
  else
    need_base
    TFB_CACHE_DIR="$base/cache"
  fi
  POCL_CACHE_DIR=${POCL_CACHE_DIR:-$TFB_CACHE_DIR/pocl}
  export TFB_CACHE_DIR POCL_CACHE_DIR               # tfbench creates both and checks they are the caller's alone
fi

system_vendors=/etc/OpenCL/vendors

# The first path of a library in $TFB_DRIVER_DIRS (folders, space-separated), the loader cache, or the usual folders.
find_library() {
  for dir in ${TFB_DRIVER_DIRS:-}; do
    if [ -e "$dir/$1" ]; then echo "$dir/$1"; return 0; fi
  done
  found=$(ldconfig -p 2>/dev/null | awk -v lib="$1" '$1 == lib { print $NF; exit }')
  if [ -n "$found" ] && [ -e "$found" ]; then echo "$found"; return 0; fi
  for dir in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib \
             /lib/x86_64-linux-gnu /lib64 /usr/lib/x86_64-linux-gnu/nvidia/current /usr/local/cuda/lib64 \
             /usr/local/cuda/targets/x86_64-linux/lib /usr/local/cuda/compat; do
    if [ -e "$dir/$1" ]; then echo "$dir/$1"; return 0; fi
  done
  return 1
}

# NVIDIA's OpenCL driver gets a vendor file when none names it: a folder with the system's vendor files and one more.
use_nvidia_icd() {
  if [ -n "${OCL_ICD_VENDORS:-}" ]; then return 0; fi
  if grep -qs -i nvidia "$system_vendors"/*.icd; then return 0; fi
  driver=${TFB_NVIDIA_OPENCL:-$(find_library libnvidia-opencl.so.1)} || return 0
  [ -e "$driver" ] || return 0
  need_base
  vendors="$base/icd"
  private_subdir "$vendors"
  rm -f "$vendors"/*.icd
  for icd in "$system_vendors"/*.icd; do [ -e "$icd" ] && cp "$icd" "$vendors/"; done
  echo "$driver" >"$vendors/tfbench-nvidia.icd"
  OCL_ICD_VENDORS=$vendors
  export OCL_ICD_VENDORS
  generated_icd=$driver
}

list_icds() {
  folder=${OCL_ICD_VENDORS:-$system_vendors}
  echo "OpenCL drivers (ICD vendor files in $folder):"
  listed=0
  for icd in "$folder"/*.icd; do
    [ -e "$icd" ] || continue
    listed=1
    note=""
    if [ -n "${generated_icd:-}" ] && [ "$(cat "$icd")" = "$generated_icd" ]; then
      note=" (written by the launcher: no vendor file in $system_vendors named NVIDIA's driver)"
    fi
    echo "  $(basename "$icd") -> $(cat "$icd")$note"
  done
  [ "$listed" = 1 ] || echo "  none (install PoCL, or a GPU driver with its OpenCL library)"
}

# The driver's own folder goes last on the library path when the loader cache does not know it: libcuda.so.1 and
# the libraries NVIDIA's OpenCL driver loads from beside itself.
use_driver_folder() {
  if ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1 '; then return 0; fi
  for dir in ${TFB_DRIVER_DIRS:-} /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
    if [ -e "$dir/libcuda.so.1" ] || [ -e "$dir/libnvidia-opencl.so.1" ]; then
      LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$dir"
      return 0
    fi
  done
}

# cuBLAS 13 from the usual CUDA folders, or a Python environment's CUDA wheels, when the loader does not know it
# (tfbench-native-cuda links it).
use_cublas() {
  if ldconfig -p 2>/dev/null | grep -q 'libcublas\.so\.13 '; then return 0; fi
  for dir in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/local/cuda-13*/lib64 \
             /usr/local/cuda-13*/targets/x86_64-linux/lib /usr/lib/x86_64-linux-gnu; do
    if [ -e "$dir/libcublas.so.13" ]; then
      LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$dir"
      return 0
    fi
  done
  wheel=$(find /opt /usr/local/lib /usr/lib/python3* -maxdepth 10 -name libcublas.so.13 2>/dev/null | head -n 1)
  if [ -n "$wheel" ]; then
    LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$(dirname "$wheel")"
    return 0
  fi
  echo "tfbench-native-cuda: no CUDA 13 cuBLAS (libcublas.so.13) on this machine: it cannot run here" >&2
  exit 3
}

if [ "$program" = tfbench-native-cuda ]; then use_cublas; fi
use_driver_folder
use_nvidia_icd
if [ "$program" = tfbench ]; then
  for arg in "$@"; do
    if [ "$arg" = --list ]; then list_icds; break; fi
  done
fi
exec "$here/bin/$program" "$@"
