#!/usr/bin/env bash
# Installs every Debian package that building, testing and the demo need.
# Idempotent: when every package is already installed it touches nothing;
# otherwise it refreshes the package lists first, then installs what is missing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang-format
  clang-19 libclang-rt-19-dev
  # libraries
  libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libarchive-dev
  libdeflate-dev libzstd-dev zlib1g-dev libsqlite3-dev libcurl4-openssl-dev
  libssl-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev libcap-dev
  # test peers and demo bases
  busybox-static skopeo umoci docker-registry buildah runc apache2-utils debootstrap
  pigz zstd xz-utils bzip2 tar curl ca-certificates iproute2 procps time
)

if [[ $(id -u) -ne 0 ]]; then
  echo "error: install-deps.sh must run as root (it calls apt-get)" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
