#!/usr/bin/env bash
# The main job, as far as the project goes today: read the example
# Dockerfile the way BuildKit does, then put a busybox base image into a
# private store, export it as an OCI layout and have skopeo read it back.
# (Building examples/hello into an image and running it is the engine
# milestone, issue 5.)
set -euo pipefail
zlayer=$(realpath "${1:-build/src/cli/zlayer}")
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ZLAYER_ROOT=$work/store

step() { printf '\n== %s\n' "$*"; }

step "zlayer version"
"$zlayer" version

step "zlayer debug parse --check examples/hello/Dockerfile"
"$zlayer" debug parse --check examples/hello/Dockerfile

step "a broken Dockerfile gets a one-line error naming file:line"
printf 'FROM busybox\nCOPY --fromm=build /a /b\n' > "$work/Dockerfile"
if "$zlayer" debug parse --check "$work/Dockerfile"; then
  echo "expected an error" >&2
  exit 1
fi

step "zlayer import a busybox root filesystem (Debian's busybox-static)"
mkdir -p "$work/rootfs/bin"
cp /bin/busybox "$work/rootfs/bin/busybox"
ln -s busybox "$work/rootfs/bin/sh"
tar -C "$work/rootfs" -cf "$work/busybox.tar" .
"$zlayer" import "$work/busybox.tar" -t busybox:latest

step "zlayer images"
"$zlayer" images

step "zlayer export busybox --format oci, read back by skopeo"
"$zlayer" export busybox --format oci -o "$work/layout"
skopeo inspect "oci:$work/layout:latest" | grep -E '"(Digest|Architecture|Os)"'

step "zlayer rmi busybox (unreferenced blobs are collected)"
"$zlayer" rmi busybox
"$zlayer" cache du
