#!/usr/bin/env bash
# Push benchmark: `zlayer push` against `buildah push` and `skopeo copy`, in
# the same run, of the same ~200 MB image (FROM scratch: a busybox root, about
# 150 MB of real binaries and libraries from /usr, 50 MB of random data, one
# COPY layer each) to a loopback registry (Debian's docker-registry). Every
# single push goes to a fresh registry: a new process on a new port with new,
# empty storage, started before and stopped (by pid) after the timed command.
# Prints the median wall time of each tool, the ratios zlayer/buildah and
# zlayer/skopeo against the issue's targets (<= 0.7x and <= 1.0x) and the
# markdown table for docs/benchmarks.md; writes the raw times as CSV.
#
#   bench/push_bench.sh [BUILD_DIR]      (default: build)
#
# Environment:
#   BENCH_RUNS=5         (or RUNS) timed pushes of each tool, in rotating order
#   BENCH_TOOLS=zlayer,buildah,skopeo
#   ZLAYER=PATH          zlayer binary (default BUILD_DIR/src/cli/zlayer)
#   ZLAYER_FLAGS=...     extra `zlayer push` flags
#   USR_MB=150           size of the layer of files copied from /usr
#   RANDOM_MB=50         size of the layer of random data
#   BENCH_CSV=FILE       raw times (default bench/results/push-DATE.csv)
#   KEEP=1               keep the work directory and print where it is
#
# What each tool pushes: zlayer its store's image (blobs stored compressed at
# build time); buildah the same Dockerfile built by buildah into its own
# storage (layers stored uncompressed, so it compresses while pushing, as a
# buildah user's push does); skopeo an OCI layout exported once by zlayer,
# i.e. the very blobs zlayer pushes, so skopeo is the pure upload reference.
# Building and exporting are not timed; the stores are read once before the
# timed runs so that every push reads from a warm page cache. After each push
# the registry's storage is measured (du) and `skopeo inspect` must report
# the manifest digest the tool printed. Must run as root; installs
# docker-registry, buildah, skopeo and busybox-static when they are missing.
# Never touches the machine's default container storage or a system registry.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_dir=${1:-build}
runs=${BENCH_RUNS:-${RUNS:-5}}
IFS=, read -r -a tools <<<"${BENCH_TOOLS:-zlayer,buildah,skopeo}"
zlayer=${ZLAYER:-$build_dir/src/cli/zlayer}
read -r -a zlayer_flags <<<"${ZLAYER_FLAGS:-}"
usr_mb=${USR_MB:-150}
random_mb=${RANDOM_MB:-50}
stamp=$(date +%Y-%m-%d-%H%M%S)
csv=${BENCH_CSV:-$here/results/push-$stamp.csv}

die() { echo "push_bench: $*" >&2; exit 1; }
note() { echo "push_bench: $*" >&2; }
has_tool() { [[ " ${tools[*]} " == *" $1 "* ]]; }

for t in "${tools[@]}"; do
  [[ $t == zlayer || $t == buildah || $t == skopeo ]] ||
    die "unknown tool '$t' in BENCH_TOOLS (zlayer, buildah, skopeo)"
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS=$runs: want a positive number"
[[ $usr_mb =~ ^[0-9]+$ ]] || die "USR_MB=$usr_mb: want a number of megabytes"
[[ $random_mb =~ ^[0-9]+$ ]] || die "RANDOM_MB=$random_mb: want a number of megabytes"
[[ $(id -u) -eq 0 ]] || die "must run as root (buildah storage, zlayer store)"

# --- packages -------------------------------------------------------------
need=(docker-registry skopeo busybox-static curl jq time)
has_tool buildah && need+=(buildah)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  note "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >/dev/null
  # policy-rc.d or a missing init keeps the packaged registry service
  # stopped; this script never uses it.
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
[[ -x $zlayer ]] || die "$zlayer not found; build it (make build) or set ZLAYER"
if has_tool zlayer; then
  "$zlayer" push --help 2>&1 | grep -q -- '--tls-verify' || die "$zlayer has no 'push' command"
fi

# --- work dir and teardown ------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/zlpb.XXXXXX")
registry_pid=
stop_pid() {  # PID NAME: TERM, up to 10 s, then KILL
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    note "$2 (pid $pid) ignored SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  set +e
  stop_pid "$registry_pid" docker-registry
  # Mounts buildah left behind, deepest first.
  findmnt -rn -o TARGET | awk -v w="$work" 'index($0, w "/") == 1' | sort -r |
    while read -r m; do umount -l "$m"; done
  if [[ -n ${KEEP:-} ]]; then
    note "kept $work"
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log=$work/push.log
: >"$log"

# --- the image ------------------------------------------------------------
# Copies regular files under SOURCES, in sorted order, each of at least MIN
# and below MAX bytes, into DEST (paths kept) until BUDGET bytes are copied.
copy_budget() {
  local dest=$1 budget=$2 min=$3 max=$4
  shift 4
  find "$@" -type f -size +"$((min / 1024))"k -size -"$((max / 1024))"k \
    -readable -printf '%s %p\n' 2>/dev/null | sort -k2 |
    awk -v budget="$budget" '{ if (sum >= budget) exit; sum += $1; print $2 }' \
      >"$work/list" || true  # awk stops early; find may hit unreadable dirs
  mkdir -p "$dest"
  tar -cf - --files-from="$work/list" 2>/dev/null | tar -C "$dest" -xf -
}

make_context() {
  local c=$work/ctx bb applet
  mkdir -p "$c/rootfs/bin" "$c/rootfs/etc" "$c/rootfs/tmp" "$c/rootfs/root" "$c/data"
  bb=$(dpkg -L busybox-static | grep -m1 -E '/bin/busybox$') || die "busybox-static has no /bin/busybox"
  cp "$bb" "$c/rootfs/bin/busybox"
  for applet in $("$c/rootfs/bin/busybox" --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$c/rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$c/rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$c/rootfs/etc/group"
  chmod 1777 "$c/rootfs/tmp"
  # What most of an application image is: shared libraries and executables
  # (three quarters), then many small files (headers, Python modules).
  copy_budget "$c/usr" $((usr_mb * 1048576 * 3 / 4)) 16384 33554432 \
    /usr/lib/x86_64-linux-gnu /usr/bin
  copy_budget "$c/usr" $((usr_mb * 1048576 - $(du -sb "$c/usr" | cut -f1))) 0 262144 \
    /usr/include /usr/lib/python3*
  local i
  for ((i = 0; i < random_mb; i++)); do
    head -c 1048576 /dev/urandom >"$c/data/blob-$i.bin"
  done
  cat >"$c/Dockerfile" <<'EOF'
FROM scratch
COPY rootfs/ /
COPY usr/ /usr/
COPY data/ /data/
CMD ["/bin/sh"]
EOF
}

zl_root=$work/zlayer
export_dir=$work/oci
ba_args=(--root "$work/buildah/root" --runroot "$work/buildah/run" --storage-driver overlay)

build_images() {
  "$zlayer" --root "$zl_root" build --progress=plain -t pushbench:latest "$work/ctx" \
    >>"$log" 2>&1 || die "zlayer build failed; see $log:$(echo; tail -5 "$log")"
  if has_tool skopeo; then
    "$zlayer" --root "$zl_root" export pushbench:latest --format oci -o "$export_dir" \
      >>"$log" 2>&1 || die "zlayer export failed; see $log:$(echo; tail -5 "$log")"
    # The tag the layout names its manifest by, if any (skopeo wants it
    # when the index lists more than one manifest).
    oci_ref=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"] // empty' \
      "$export_dir/index.json")
  fi
  if has_tool buildah; then
    buildah "${ba_args[@]}" bud --isolation chroot --pull=never -t pushbench:latest \
      "$work/ctx" >>"$log" 2>&1 || die "buildah bud failed; see $log:$(echo; tail -5 "$log")"
  fi
}

# Reads every file of DIRS once, so that no timed push waits for the disk.
warm() { find "$@" -type f -print0 | xargs -0 -r cat >/dev/null; }

# --- registry -------------------------------------------------------------
port=
free_port() {
  local p
  for ((;;)); do
    p=$((20000 + RANDOM % 40000))
    [[ -z $(ss -Htln "sport = :$p") ]] && { echo "$p"; return; }
  done
}
registry_start() {  # a new process with new, empty storage
  local dir=$work/registry
  rm -rf "$dir"
  mkdir -p "$dir/storage"
  port=$(free_port)
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
  docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  registry_pid=$!
  local i
  for ((i = 0; i < 200; i++)); do
    kill -0 "$registry_pid" 2>/dev/null ||
      die "docker-registry exited; last lines of its log:$(echo; tail -5 "$dir/registry.log")"
    curl -fso /dev/null "http://127.0.0.1:$port/v2/" && return 0
    sleep 0.05
  done
  die "docker-registry on 127.0.0.1:$port did not answer within 10 s"
}
# CPU seconds the registry process has used so far (all its threads).
registry_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' \
    "/proc/$registry_pid/stat"
}
registry_stop() {
  stop_pid "$registry_pid" docker-registry
  registry_pid=
  rm -rf "$work/registry"
}

# --- tools ----------------------------------------------------------------
# <tool>_cmd DEST DIGESTFILE sets cmd to the timed command; the manifest
# digest ends up in DIGESTFILE (zlayer prints it on stdout).
zlayer_cmd() { cmd=("$zlayer" --root "$zl_root" push "${zlayer_flags[@]}" pushbench:latest "$1"); }
buildah_cmd() {
  cmd=(buildah "${ba_args[@]}" push --tls-verify=false --digestfile "$2" pushbench:latest "docker://$1")
}
skopeo_cmd() {
  cmd=(skopeo copy --dest-tls-verify=false --digestfile "$2"
    "oci:$export_dir${oci_ref:+:$oci_ref}" "docker://$1")
}

# --- runs -----------------------------------------------------------------
# One timed push to a fresh registry; appends seconds to $work/times/<tool>
# and a line to the CSV.
time_push() {
  local t=$1 r=$2 start end
  local dest=127.0.0.1:$port/bench/img:latest digest=$work/digest.$t.$r
  echo "=== $t run $r -> $dest" >>"$log"
  local cmd out=$work/out.$t.$r
  "${t}_cmd" "$dest" "$digest"
  local reg_cpu0
  reg_cpu0=$(registry_cpu)
  start=$(date +%s%N)
  /usr/bin/time -f '%U %S %M' -o "$work/rusage" "${cmd[@]}" >"$out" 2>>"$log" ||
    die "$t push failed; see $log:$(echo; tail -5 "$log")"
  end=$(date +%s%N)
  local reg_cpu
  reg_cpu=$(awk -v a="$reg_cpu0" -v b="$(registry_cpu)" 'BEGIN { printf "%.2f", b - a }')
  cat "$out" >>"$log"
  [[ $t == zlayer ]] && tail -1 "$out" >"$digest"
  local sec user sys rss bytes want got
  sec=$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }')
  read -r user sys rss < <(tail -1 "$work/rusage")
  bytes=$(du -sb "$work/registry/storage" | cut -f1)
  want=$(tr -d '[:space:]' <"$digest")
  got=$(skopeo inspect --tls-verify=false "docker://$dest" 2>>"$log" | jq -r .Digest) ||
    die "skopeo inspect of $t's push failed; see $log"
  [[ $want == sha256:* && $got == "$want" ]] ||
    die "$t pushed manifest '$want' but the registry serves '$got'"
  echo "$sec" >>"$work/times/$t"
  awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f\n", u + s }' >>"$work/cpu/$t"
  echo "$bytes" >>"$work/bytes/$t"
  echo "$reg_cpu" >>"$work/regcpu/$t"
  echo "$t,$r,$sec,$user,$sys,$rss,$reg_cpu,$bytes,$got" >>"$csv"
  printf '  %-8s run %d: %6.2f s, CPU %5.2f s, registry CPU %5.2f s, %6.1f MB stored\n' "$t" "$r" "$sec" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$reg_cpu" \
    "$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')" >&2
}

mkdir -p "$work/times" "$work/cpu" "$work/regcpu" "$work/bytes" "$(dirname "$csv")"
echo "tool,run,seconds,user_s,sys_s,max_rss_kb,registry_cpu_s,registry_bytes,manifest_digest" >"$csv"
make_context
note "image context: $(du -sm --apparent-size "$work/ctx/rootfs" | cut -f1) MB busybox root," \
  "$(du -sm --apparent-size "$work/ctx/usr" | cut -f1) MB from /usr ($(find "$work/ctx/usr" -type f | wc -l) files)," \
  "$(du -sm --apparent-size "$work/ctx/data" | cut -f1) MB random"
build_images
layers=$("$zlayer" --root "$zl_root" inspect pushbench:latest | jq -r '.Layers | map(.Size) | join(" ")')
image_mb=$(du -sm --apparent-size "$work/ctx" | cut -f1)
blob_mb=$(awk -v l="$layers" 'BEGIN { n = split(l, v, " "); for (i = 1; i <= n; i++) s += v[i]; printf "%.0f", s / 1048576 }')
note "zlayer image: $image_mb MB in $(wc -w <<<"$layers") layers, compressed $blob_mb MB ($(awk -v l="$layers" 'BEGIN { n = split(l, v, " "); for (i = 1; i <= n; i++) printf "%s%.1f", (i > 1 ? " + " : ""), v[i] / 1048576 }') MB)"
warm "$zl_root"
has_tool skopeo && warm "$export_dir"
has_tool buildah && warm "$work/buildah/root"
has_tool buildah && note "buildah $(buildah --version | awk '{ print $3 }')"
has_tool skopeo && note "skopeo $(skopeo --version | awk '{ print $3 }')"
note "docker-registry $(docker-registry --version | awk '{ print $3 }')"
note "zlayer: $zlayer ($("$zlayer" version 2>/dev/null | head -1))"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
note "$runs runs of ${tools[*]}; $(nproc) CPUs, load $load_before"

n=${#tools[@]}
for ((r = 1; r <= runs; r++)); do
  for ((k = 0; k < n; k++)); do
    t=${tools[$(((k + r) % n))]}
    registry_start
    time_push "$t" "$r"
    registry_stop
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report ---------------------------------------------------------------
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A med cpu regcpu mb
for t in "${tools[@]}"; do
  med[$t]=$(median <"$work/times/$t")
  cpu[$t]=$(median <"$work/cpu/$t")
  regcpu[$t]=$(median <"$work/regcpu/$t")
  mb[$t]=$(median <"$work/bytes/$t" | awk '{ printf "%.1f", $1 / 1048576 }')
done
verdict() {  # RATIO TARGET
  awk -v r="$1" -v t="$2" 'BEGIN { printf "%.2fx (target <= %.1fx: %s)", r, t, (r <= t) ? "met" : "NOT met" }'
}
table=$work/table.md
{
  echo "### Push: $image_mb MB image ($blob_mb MB compressed) to a fresh loopback registry, median of $runs runs, $(nproc) CPUs, $(date +%Y-%m-%d)"
  echo
  echo "| tool | wall s | client CPU s | registry CPU s | registry MB | zlayer / tool | target |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for t in zlayer buildah skopeo; do
    has_tool "$t" || continue
    ratio=- tgt=-
    if [[ $t != zlayer ]] && has_tool zlayer; then
      ratio=$(awk -v a="${med[zlayer]}" -v b="${med[$t]}" 'BEGIN { printf "**%.2fx**", a / b }')
      tgt=$(awk -v a="${med[zlayer]}" -v b="${med[$t]}" -v t="$([[ $t == buildah ]] && echo 0.7 || echo 1.0)" \
        'BEGIN { printf "<= %.1fx (%s)", t, (a / b <= t) ? "met" : "NOT met" }')
    fi
    printf '| %s | %.2f | %.2f | %.2f | %s | %s | %s |\n' "$t" "${med[$t]}" "${cpu[$t]}" "${regcpu[$t]}" "${mb[$t]}" "$ratio" "$tgt"
  done
} >"$table"
echo
cat "$table"
echo
echo "load average before $load_before, after $load_after"
if has_tool zlayer; then
  has_tool buildah && echo "zlayer / buildah: $(verdict "$(awk -v a="${med[zlayer]}" -v b="${med[buildah]}" 'BEGIN { print a / b }')" 0.7)"
  has_tool skopeo && echo "zlayer / skopeo:  $(verdict "$(awk -v a="${med[zlayer]}" -v b="${med[skopeo]}" 'BEGIN { print a / b }')" 1.0)"
fi
if has_tool zlayer && has_tool skopeo; then
  # skopeo uploads zlayer's export; the registry must end up with the same
  # manifest either way.
  if cmp -s <(sort -u "$work"/digest.zlayer.*) <(sort -u "$work"/digest.skopeo.*); then
    echo "zlayer and skopeo pushed the same manifest ($(sort -u "$work"/digest.zlayer.* | tr -d '[:space:]'))"
  else
    note "warning: zlayer and skopeo pushed different manifests:" \
      "$(sort -u "$work"/digest.zlayer.* "$work"/digest.skopeo.* | tr -s '[:space:]' ' ')"
  fi
fi
cp "$table" "${csv%.csv}.md"
echo "raw times: $csv"
