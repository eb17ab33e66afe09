#!/usr/bin/env bash
# Layer writer benchmark: turns a ~200 MB directory tree into a layer with
# zlayer (gzip, zstd, none) and with the shell pipeline a layer is usually
# compared to, in the same run, and prints a markdown table of median wall
# time, CPU time and peak RSS.
#
#   bench/layer_bench.sh [BUILD_DIR]      (default: build)
#
# Environment:
#   RUNS=5       repetitions; each run times every variant, in rotating order
#   TREE=DIR     benchmark this tree instead of building one
#   TREE_MB=200  size of the built tree
#   KEEP=1       keep the built tree and print where it is
#
# The built tree mixes many small text files (headers, Python sources, docs)
# with larger binaries (shared libraries, compilers), about half each. Every
# variant reads from a warm page cache: the tree is read once before timing.
# Needs: pigz, GNU time (/usr/bin/time), tar, sha256sum, gzip, zstd, awk.
set -euo pipefail

build_dir=${1:-build}
runs=${RUNS:-5}
tree_mb=${TREE_MB:-200}
bench_bin=$build_dir/bench/zlayer_layer_bench

die() { echo "layer_bench: $*" >&2; exit 1; }

[[ -x $bench_bin ]] || die "$bench_bin not found; build it with: ninja -C $build_dir zlayer_layer_bench"
for tool in pigz tar sha256sum zstd gzip; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install -y pigz zstd)"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time is not installed (apt-get install -y time)"

work=$(mktemp -d "${TMPDIR:-/tmp}/zlayer-layer-bench.XXXXXX")
cleanup() { [[ -n ${KEEP:-} ]] && echo "kept $work" >&2 || rm -rf "$work"; }
trap cleanup EXIT

# Copies the files under SOURCES, in sorted order, whose size lies in
# [MIN, MAX) bytes, until BUDGET bytes are copied. Paths are kept.
copy_budget() {
  local budget=$1 min=$2 max=$3; shift 3
  find "$@" -type f -size +"$((min / 1024))"k -size -"$((max / 1024))"k \
      -readable -printf '%s %p\n' 2>/dev/null | sort -k2 |
    awk -v budget="$budget" '{ if (sum >= budget) exit; sum += $1; print $2 }' \
      >"$work/list" || true  # awk stops early; find may hit unreadable dirs
  tar -cf - --files-from="$work/list" 2>/dev/null | tar -C "$work/tree" -xf -
}

# Text that compresses about as well as source code, for hosts whose /usr
# holds too little to fill the budget.
generate() {
  local bytes=$1 dir=$work/tree/generated
  mkdir -p "$dir"
  local i=0
  while (($(du -sb "$work/tree" | cut -f1) < bytes)); do
    head -c 4M /dev/urandom | base64 | head -c 2M >"$dir/random-$i.txt"
    seq 1 200000 | sed 's/^/line /' | head -c 2M >"$dir/lines-$i.txt"
    i=$((i + 1))
  done
}

build_tree() {
  local total=$((tree_mb * 1024 * 1024))
  mkdir -p "$work/tree"
  copy_budget $((total / 2)) 0 262144 /usr/include /usr/lib/python3* \
    /usr/share/doc /usr/share/perl* /usr/share/man
  copy_budget $((total / 2)) 262144 67108864 /usr/lib/x86_64-linux-gnu \
    /usr/lib/gcc /usr/libexec /usr/bin
  generate "$total"
}

if [[ -n ${TREE:-} ]]; then
  tree=$TREE
else
  build_tree
  tree=$work/tree
fi
files=$(find "$tree" | wc -l)
tree_bytes=$(du -sb "$tree" | cut -f1)
tar -C "$tree" -cf - . >/dev/null  # warm the page cache

declare -A commands=(
  [zlayer-gzip]="$bench_bin $tree --compression gzip"
  [zlayer-zstd]="$bench_bin $tree --compression zstd"
  [zlayer-none]="$bench_bin $tree --compression none"
  [tar-pigz-sha]="tar -C $tree -cf - . | pigz -p2 -6 | sha256sum"
  [tar-tee-sha-pigz-sha]="tar -C $tree -cf - . | tee >(sha256sum >/dev/null) | pigz -p2 -6 | sha256sum; wait"
  [tar-sha]="tar -C $tree -cf - . | sha256sum"
)
order=(zlayer-gzip tar-pigz-sha zlayer-zstd tar-tee-sha-pigz-sha zlayer-none tar-sha)

# One timed run: appends "wall cpu max_rss_kb" to $work/<name>.times.
time_one() {
  local name=$1 start end
  start=$(date +%s%N)
  /usr/bin/time -f '%U %S %M' -o "$work/rusage" bash -c "${commands[$name]}" \
    >"$work/$name.out"
  end=$(date +%s%N)
  read -r user sys rss <"$work/rusage"
  awk -v ms=$(((end - start) / 1000000)) -v u="$user" -v s="$sys" -v r="$rss" \
    'BEGIN { print ms, u + s, r }' >>"$work/$name.times"
}

for ((run = 0; run < runs; run++)); do
  n=${#order[@]}
  for ((k = 0; k < n; k++)); do
    time_one "${order[$(((k + run) % n))]}"
  done
done

# Sanity: the gzip layer decompresses to the tar its diff_id names.
"$bench_bin" "$tree" --compression gzip --output "$work/layer.gz" >"$work/check"
diff_id=$(sed 's/.*diff_id=sha256:\([0-9a-f]*\).*/\1/' "$work/check")
[[ $(gzip -dc "$work/layer.gz" | sha256sum | cut -c1-64) == "$diff_id" ]] ||
  die "gzip layer does not decompress to its diff_id"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
column_median() { awk -v c="$2" '{ print $c }' "$work/$1.times" | median; }
blob_mb() {
  local out=$work/$1.out
  if grep -q blob_bytes= "$out"; then
    sed 's/.*blob_bytes=\([0-9]*\).*/\1/' "$out" | awk '{ printf "%.1f", $1 / 1048576 }'
  else
    echo "-"
  fi
}

base_wall=$(column_median tar-pigz-sha 1)
full_wall=$(column_median tar-tee-sha-pigz-sha 1)
echo "### Layer writer: $((tree_bytes / 1048576)) MB tree, $files entries, $(nproc) CPUs, median of $runs runs"
echo
echo "| variant | wall s | vs tar\|pigz\|sha256sum | vs tar\|tee(sha256sum)\|pigz\|sha256sum | CPU s | peak RSS MB | blob MB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for name in "${order[@]}"; do
  wall=$(column_median "$name" 1)
  cpu=$(column_median "$name" 2)
  rss=$(column_median "$name" 3)
  awk -v n="$name" -v w="$wall" -v b="$base_wall" -v f="$full_wall" \
    -v c="$cpu" -v r="$rss" -v m="$(blob_mb "$name")" 'BEGIN {
      printf "| %s | %.2f | %.2fx | %.2fx | %.2f | %.1f | %s |\n",
             n, w / 1000, w / b, w / f, c, r / 1024, m }'
done
echo
echo "Peak RSS of a shell pipeline is its largest process. The tar|tee variant"
echo "computes both the diff_id and the blob digest, as zlayer does."
gzip_wall=$(column_median zlayer-gzip 1)
gzip_rss=$(column_median zlayer-gzip 3)
awk -v w="$gzip_wall" -v b="$base_wall" -v r="$gzip_rss" 'BEGIN {
  printf "\nzlayer gzip: %.2fx the pipeline'"'"'s time (target <= 1.2x), peak RSS %.1f MB (target < 100 MB): %s\n",
         w / b, r / 1024, (w / b <= 1.2 && r < 100 * 1024) ? "met" : "NOT met" }'
