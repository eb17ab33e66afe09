#!/usr/bin/env bash
# Builds every libFuzzer target with clang-19 (ASan + UBSan) and runs each
# for --seconds over a scratch copy of its seed corpus, two at a time.
# Prints the executions each target made; fails if any target crashes.
set -euo pipefail

seconds=600
build_dir=build-fuzz
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    *) echo "usage: $0 [--seconds N] [--build-dir DIR]" >&2; exit 2 ;;
  esac
done

src_dir=$(cd "$(dirname "$0")/.." && pwd)
command -v clang++-19 >/dev/null || {
  echo "error: clang++-19 not found (run scripts/install-deps.sh)" >&2
  exit 1
}

CXX=clang++-19 cmake -S "$src_dir" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZLAYER_FUZZ=ON >/dev/null
# Only the fuzz targets and the libraries they link, not every module.
mapfile -t names < <(find "$src_dir/src" -name '*_fuzz.cc' -printf '%f\n' | sed 's/\.cc$//' | sort)
if [[ ${#names[@]} -eq 0 ]]; then
  echo "error: no fuzz targets in $src_dir/src" >&2
  exit 1
fi
cmake --build "$build_dir" -j "$(nproc)" --target "${names[@]}" >/dev/null
targets=()
for name in "${names[@]}"; do
  targets+=("$(find "$build_dir/src" -type f -name "$name" -perm -u+x | head -n1)")
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
run_one() {
  local target=$1 name corpus log
  name=$(basename "$target")
  corpus="$work/$name"
  mkdir -p "$corpus"
  cp -r "$src_dir/fuzz/corpus/$name/." "$corpus/"
  # The parser also starts from the reference golden files in ../shared.
  if [[ $name == dockerfile_parse_fuzz ]]; then
    local shared="$src_dir/../shared/conformance/buildkit" d
    for d in "$shared"/parser/* "$shared"/parser-negative/*; do
      [[ -f $d/Dockerfile ]] && cp "$d/Dockerfile" "$corpus/seed-$(basename "$d")"
    done
  fi
  log="$work/$name.log"
  if "$target" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$work/$name-" "$corpus" >"$log" 2>&1; then
    echo "$name: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') executions in ${seconds}s, no crash"
  else
    echo "$name: FAILED" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
}

pids=()
for target in "${targets[@]}"; do
  run_one "$target" & pids+=($!)
  # Two cores: keep at most two fuzzers running.
  if [[ ${#pids[@]} -ge 2 ]]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status
