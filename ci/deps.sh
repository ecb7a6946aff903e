#!/usr/bin/env bash
# Installs the Debian packages tfbench builds and tests with (skipped when they are all there already).
set -euo pipefail
PACKAGES=(
  build-essential cmake pkg-config
  ocl-icd-opencl-dev opencl-headers pocl-opencl-icd clinfo
  libhwloc-dev libcmocka-dev libcjson-dev libclblast-dev
  libopenblas-dev libxml2-utils
  libopenmpi-dev openmpi-bin
  libsqlite3-dev libpq-dev postgresql
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "ci/deps.sh: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
