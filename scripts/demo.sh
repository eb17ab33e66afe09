#!/usr/bin/env bash
# The main job: build examples/hello (a multi-stage Dockerfile with a cache
# mount and a heredoc) on a busybox base made from Debian's busybox-static,
# run the image, rebuild it from the cache, and export it for skopeo.
set -euo pipefail
zlayer=$(realpath "${1:-build/src/cli/zlayer}")
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ZLAYER_ROOT=$work/store

step() { printf '\n== %s\n' "$*"; }

step "zlayer version"
"$zlayer" version

step "a broken Dockerfile gets a one-line error naming file:line"
printf 'FROM busybox\nCOPY --fromm=build /a /b\n' > "$work/Dockerfile"
if "$zlayer" build -f "$work/Dockerfile" "$work"; then
  echo "expected an error" >&2
  exit 1
fi

step "zlayer import: a busybox base image (no registry needed)"
mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp"
chmod 1777 "$work/rootfs/tmp"
cp /bin/busybox "$work/rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$work/rootfs/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$work/rootfs/etc/passwd"
echo 'root:x:0:' > "$work/rootfs/etc/group"
tar -C "$work/rootfs" -cf "$work/busybox.tar" .
"$zlayer" import "$work/busybox.tar" -t busybox:latest

step "zlayer build -t hello examples/hello"
"$zlayer" build --progress=plain -t hello examples/hello

step "zlayer run hello"
"$zlayer" run hello

step "rebuild: every step comes from the cache"
"$zlayer" build --progress=plain --explain-cache -t hello examples/hello

step "a changed build arg invalidates exactly the steps that use it"
"$zlayer" build --progress=plain --explain-cache -t hello \
  --build-arg GREETING="hello again" examples/hello
"$zlayer" run hello

step "a ZImagefile whose build: directive builds its base image first"
"$zlayer" build --progress=plain -t greet examples/zimage
"$zlayer" run greet

step "zlayer images"
"$zlayer" images

step "zlayer export hello --format oci, read back by skopeo"
"$zlayer" export hello --format oci -o "$work/layout"
skopeo inspect "oci:$work/layout:latest" | grep -E '"(Digest|Architecture|Os)"'

step "zlayer cache du"
"$zlayer" cache du
