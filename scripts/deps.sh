#!/usr/bin/env bash
# Installs the Debian 12 packages hio needs to build and test, and only those
# that are missing. Idempotent; run as root or with sudo available.
# `deps.sh bench` adds the benchmarks' set (ns-3 for sim_vs_ns3); only
# `make bench` asks for it.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  clang clang-format libclang-rt-14-dev
  git  # make format / format-check list the tracked sources
  libboost-dev libssl-dev openssl  # Boost: headers only (Asio)
  capnproto libcapnp-dev
  libgtest-dev libgmock-dev
  libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev
  python3 strace  # tests: loopback peers, the system calls of a synced journal
)
bench_packages=(libns3-dev)
case "${1:-}" in
  "") ;;
  bench) packages+=("${bench_packages[@]}") ;;
  *) echo "usage: deps.sh [bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
