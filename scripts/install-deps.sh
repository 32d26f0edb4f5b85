#!/usr/bin/env bash
# Installs every Debian package fnesim's build, tests and scripts need.
# Idempotent: when everything is present it only checks and returns.
set -euo pipefail

packages=(
  build-essential cmake ninja-build git pkg-config
  libeigen3-dev libboost-random-dev libboost-math-dev libhdf5-dev hdf5-tools
  libgtest-dev libgmock-dev libbenchmark-dev
  libtomlplusplus-dev libcli11-dev
  python3-numpy python3-h5py python3-matplotlib
  chromium fonts-dejavu-core   # the report's test renders it in headless Chromium
  clang libclang-rt-dev libomp-dev   # the fuzz preset: libFuzzer, and OpenMP for clang
  libopenmpi-dev openmpi-bin         # runs over several processes (docs/cluster.md)
  libcpp-httplib-dev                 # fnesim serve, the workbench in the browser (docs/workbench.md)
  python3-selenium chromium-driver   # the workbench's end-to-end test drives headless Chromium
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
