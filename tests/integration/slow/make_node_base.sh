#!/usr/bin/env bash
# Writes OUT.tar: a root filesystem tarball that stands in for the
# node:20-alpine image in tests, Debian bookworm (minbase) with Debian's
# nodejs and npm and a `node` user (uid/gid 1000, home /home/node) as the
# real image has. The real image cannot be fetched here; Debian's archive can.
#
# debootstrap takes minutes, so the tarball is cached under
# $ZLAYER_TEST_CACHE (default /var/cache/zlayer-test), keyed by the sha256
# of this script and of the host's added CAs: a change to either makes a
# new one. Concurrent callers wait on a lock instead of bootstrapping twice;
# the cache entry and OUT appear atomically (written beside, then renamed).
#
# Usage: make_node_base.sh OUT.tar   (as root)
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUT.tar" >&2
  exit 2
fi
out=$1
if [[ $(id -u) -ne 0 ]]; then
  echo "error: $0 must run as root (debootstrap)" >&2
  exit 1
fi

mirror=http://deb.debian.org/debian
suite=bookworm
cache_dir=${ZLAYER_TEST_CACHE:-/var/cache/zlayer-test}
# The host's own CAs (see below) are part of what the tarball holds.
local_cas=/usr/local/share/ca-certificates
key=$({
  cat "${BASH_SOURCE[0]}"
  find "$local_cas" -type f -print0 2>/dev/null | sort -z | xargs -0r cat
} | sha256sum | cut -c1-64)
cached=$cache_dir/node-base-$key.tar

# Places the cached tarball at $out without a half-written file ever
# being visible there.
deliver() {
  local partial
  partial=$(mktemp "$(dirname "$out")/.node-base.XXXXXX")
  cp "$cached" "$partial"
  mv -f "$partial" "$out"
}

mkdir -p "$cache_dir"
exec 9>"$cache_dir/node-base.lock"
flock 9

if [[ -f $cached ]]; then
  echo "make_node_base: cached $cached" >&2
  deliver
  exit 0
fi

work=$(mktemp -d "$cache_dir/.node-base-work.XXXXXX")
cleanup() {
  # A failed debootstrap can leave its bind mounts behind; never let
  # rm -rf walk into the host's /proc or /sys.
  for m in proc sys dev/pts dev; do
    umount -l "$work/root/$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

root=$work/root
# debootstrap's own resolver trips over npm's web of node-* packages (it
# leaves some unconfigured), so it lays down only the base system and apt
# inside the new root installs nodejs and npm.
echo "make_node_base: debootstrap $suite from $mirror" >&2
debootstrap --variant=minbase "$suite" "$root" "$mirror" \
  >"$work/debootstrap.log" 2>&1 || {
  tail -n 40 "$work/debootstrap.log" >&2
  if [[ -f $root/debootstrap/debootstrap.log ]]; then
    tail -n 40 "$root/debootstrap/debootstrap.log" >&2
  fi
  exit 1
}
mount -t proc proc "$root/proc"
echo "make_node_base: apt-get install nodejs npm" >&2
chroot "$root" env DEBIAN_FRONTEND=noninteractive \
  sh -c 'apt-get update &&
    apt-get install -y --no-install-recommends nodejs npm ca-certificates' \
  >"$work/apt.log" 2>&1 || {
  tail -n 40 "$work/apt.log" >&2
  exit 1
}
echo "make_node_base: node $(chroot "$root" node --version)," \
  "npm $(chroot "$root" npm --version)" >&2

# These machines may reach the npm registry through a TLS-inspecting proxy
# whose CA only the host trusts (added under $local_cas), so the base trusts
# what the host trusts, as a company's own base image would; npm reads the
# system bundle instead of its built-in list.
if [[ -d $local_cas ]]; then
  mkdir -p "$root$local_cas"
  cp -r "$local_cas/." "$root$local_cas/"
fi
# Its rehash step warns about the bundle itself; only a failure matters.
chroot "$root" update-ca-certificates >"$work/ca.log" 2>&1 || {
  cat "$work/ca.log" >&2
  exit 1
}
echo "cafile=/etc/ssl/certs/ca-certificates.crt" >"$root/etc/npmrc"
umount "$root/proc"

chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/sh \
  --create-home --home-dir /home/node node

# What a registry image does not carry: apt's downloads and lists, logs,
# documentation, the host's name and resolver (the sandbox supplies both),
# device nodes (the sandbox mounts its own /dev).
rm -rf "${root:?}"/var/cache/apt/archives/*.deb \
  "${root:?}"/var/cache/apt/*.bin \
  "${root:?}"/var/lib/apt/lists/* \
  "${root:?}"/var/log/* \
  "${root:?}"/usr/share/doc/* \
  "${root:?}"/usr/share/info/* \
  "${root:?}"/usr/share/locale/* \
  "${root:?}"/usr/share/man/* \
  "${root:?}"/tmp/* \
  "${root:?}"/var/tmp/* \
  "${root:?}"/dev/* \
  "${root:?}"/etc/hostname \
  "${root:?}"/etc/resolv.conf
mkdir -p "$root/var/lib/apt/lists/partial"

partial=$work/node-base.tar
tar --numeric-owner -C "$root" -cf "$partial" .
mv -f "$partial" "$cached"
# Entries under other keys (an older script or CA set) are dead weight.
find "$cache_dir" -maxdepth 1 -name 'node-base-*.tar' ! -name "${cached##*/}" \
  -delete
echo "make_node_base: cached $cached ($(du -h "$cached" | cut -f1))" >&2
deliver
