#!/usr/bin/env bash
# The main job, as far as the project goes today: show how zlayer reads the
# example Dockerfile (the build engine, which turns it into an image and runs
# it, is the next milestone; see docs/ARCHITECTURE.md).
set -euo pipefail
zlayer=${1:-build/src/cli/zlayer}
cd "$(dirname "$0")/.."

echo "== zlayer version"
"$zlayer" version
echo
echo "== zlayer debug parse examples/hello/Dockerfile"
"$zlayer" debug parse examples/hello/Dockerfile
echo
echo "== a broken Dockerfile gets a one-line error naming file:line"
broken=$(mktemp -d)
trap 'rm -rf "$broken"' EXIT
printf 'FROM busybox\nCOPY --fromm=build /a /b\n' > "$broken/Dockerfile"
if "$zlayer" debug parse --check "$broken/Dockerfile"; then
  echo "expected an error" >&2
  exit 1
fi
