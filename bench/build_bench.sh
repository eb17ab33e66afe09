#!/usr/bin/env bash
# Build benchmark: `zlayer build` against buildah and BuildKit (`docker build`
# on a dockerd this script starts and stops), in the same run, on the same
# Dockerfiles (bench/build/<scenario>/Dockerfile) and contexts. Prints the
# median wall time of each tool and scenario, the ratios zlayer/BuildKit and
# zlayer/buildah, and the markdown table for docs/benchmarks.md; writes the
# raw times as CSV and a bar chart as SVG.
#
#   bench/build_bench.sh [BUILD_DIR]      (default: build)
#
# Environment:
#   BENCH_RUNS=5         (or RUNS) timed runs of each tool and scenario, in rotating order
#   BENCH_TOOLS=zlayer,buildah,docker
#   BENCH_SCENARIOS=cold-small,cached,copy-200mb,run-20
#   ZLAYER=PATH          zlayer binary (default BUILD_DIR/src/cli/zlayer)
#   ZLAYER_FLAGS=...     extra `zlayer build` flags (e.g. --compression zstd)
#   DOCKER=PATH          docker CLI (default: Debian's /usr/bin/docker, whose
#                        classic builder client speaks BuildKit without buildx)
#   BENCH_CSV=FILE       raw times (default bench/results/build-DATE.csv)
#   BENCH_SVG=FILE       chart (default docs/benchmarks-build.svg)
#   KEEP=1               keep the work directory and print where it is
#
# Cold scenarios start every run without build cache but with the base image
# present: zlayer and buildah get a fresh store with the base imported, docker
# gets `docker builder prune -af`; all of that happens outside the timed
# region. RUN steps use the host network in every tool (zlayer's default; the
# private dockerd has no bridge). The base image is made here from Debian's
# busybox-static, so nothing is pulled. Must run as root; installs docker.io
# and buildah when they are missing. Never touches a system dockerd or
# containerd: it runs its own, on sockets and directories in its work dir.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
build_dir=${1:-build}
runs=${BENCH_RUNS:-${RUNS:-5}}
IFS=, read -r -a tools <<<"${BENCH_TOOLS:-zlayer,buildah,docker}"
IFS=, read -r -a scenarios <<<"${BENCH_SCENARIOS:-cold-small,cached,copy-200mb,run-20}"
zlayer=${ZLAYER:-$build_dir/src/cli/zlayer}
read -r -a zlayer_flags <<<"${ZLAYER_FLAGS:-}"
stamp=$(date +%Y-%m-%d-%H%M%S)
csv=${BENCH_CSV:-$here/results/build-$stamp.csv}
svg=${BENCH_SVG:-$repo/docs/benchmarks-build.svg}

die() { echo "build_bench: $*" >&2; exit 1; }
note() { echo "build_bench: $*" >&2; }
has_tool() { [[ " ${tools[*]} " == *" $1 "* ]]; }

# Scenario table: mode (cold: no cache before each run; cached: built once,
# then every timed run is a rebuild of cache hits) and the issue's target for
# zlayer's time as a fraction of BuildKit's.
declare -A mode=([cold-small]=cold [cached]=cached [copy-200mb]=cold [run-20]=cold)
declare -A target=([cold-small]=1.0 [cached]=0.5 [copy-200mb]=0.8 [run-20]=1.0)
declare -A title=(
  [cold-small]="cold: busybox + 2 RUN"
  [cached]="fully cached rebuild"
  [copy-200mb]="cold: COPY 200 MB context"
  [run-20]="cold: 20 trivial RUN"
)
for t in "${tools[@]}"; do
  [[ $t == zlayer || $t == buildah || $t == docker ]] || die "unknown tool '$t' in BENCH_TOOLS (zlayer, buildah, docker)"
done
for s in "${scenarios[@]}"; do
  [[ -n ${mode[$s]:-} ]] || die "unknown scenario '$s' in BENCH_SCENARIOS (${!mode[*]})"
  [[ -f $here/build/$s/Dockerfile ]] || die "$here/build/$s/Dockerfile is missing"
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS=$runs: want a positive number"
[[ -n ${BENCH_REPORT:-} || $(id -u) -eq 0 ]] || die "must run as root (dockerd, buildah storage, zlayer sandbox)"

# --- packages -------------------------------------------------------------
# BENCH_REPORT=CSV only redraws the table and chart from an earlier run.
report_only=${BENCH_REPORT:-}
if [[ -z $report_only ]]; then
  need=(busybox-static)
  has_tool buildah && need+=(buildah)
  has_tool docker && need+=(docker.io)
  missing=()
  for p in "${need[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    note "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >/dev/null
    # policy-rc.d or a missing init keeps the packaged docker service stopped;
    # this script never uses it.
    apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if has_tool zlayer; then
    [[ -x $zlayer ]] || die "$zlayer not found; build it (make build) or set ZLAYER"
    "$zlayer" build --help 2>&1 | grep -q -- '--iidfile' || die "$zlayer has no 'build' command"
  fi
  if has_tool docker; then
    docker=${DOCKER:-}
    if [[ -z $docker ]]; then
      docker=/usr/bin/docker
      [[ -x $docker ]] || docker=$(command -v docker) || die "no docker CLI"
    fi
    command -v dockerd >/dev/null || die "dockerd not found (apt-get install docker.io)"
    command -v containerd >/dev/null || die "containerd not found (apt-get install containerd)"
  fi
fi

# --- work dir and teardown ------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/zlbb.XXXXXX")
dockerd_pid=
containerd_pid=
stop_pid() {  # PID NAME: TERM, up to 30 s, then KILL
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  note "$2 (pid $pid) ignored SIGTERM; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  set +e
  stop_pid "$dockerd_pid" dockerd
  stop_pid "$containerd_pid" containerd
  # Mounts a killed daemon or buildah left behind, deepest first.
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

log=$work/build.log
: >"$log"

# --- inputs ---------------------------------------------------------------
# Base image root: static busybox, its applets as symlinks, /etc/passwd.
make_base() {
  local root=$work/base-root bb
  bb=$(dpkg -L busybox-static | grep -m1 -E '/bin/busybox$') || die "busybox-static has no /bin/busybox"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root"
  cp "$bb" "$root/bin/busybox"
  local applet
  for applet in $("$root/bin/busybox" --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp"
  tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 \
    -C "$root" -cf "$work/base.tar" .
}

make_contexts() {
  local c=$work/ctx
  mkdir -p "$c/cold-small" "$c/run-20" "$c/cached" "$c/copy-200mb/big" "$c/copy-200mb/small"
  local i
  for ((i = 0; i < 20; i++)); do
    seq "$i" 1000 | head -c 4096 >"$c/cached/file-$i.txt"
  done
  if [[ " ${scenarios[*]} " == *" copy-200mb "* ]]; then
    for ((i = 0; i < 200; i++)); do
      head -c 1048576 /dev/urandom >"$c/copy-200mb/big/blob-$i.bin"
    done
    head -c 3000000 /dev/urandom | base64 -w 0 >"$work/small.src"
    split -n 2000 -d -a 4 "$work/small.src" "$c/copy-200mb/small/s-"
    rm "$work/small.src"
    tar -C "$c/copy-200mb" -cf - . >/dev/null  # warm the page cache
  fi
}

# --- tools ----------------------------------------------------------------
# Each tool has: <tool>_fresh (empty cache, base present), <tool>_build
# SCENARIO IIDFILE (the timed command), and version reporting.
zl_root=$work/zlayer
zlayer_fresh() {
  rm -rf "$zl_root"
  "$zlayer" --root "$zl_root" import -t bench/busybox:latest "$work/base.tar" >>"$log" 2>&1 ||
    die "zlayer import failed; see $log"
}
zlayer_build() {
  "$zlayer" --root "$zl_root" build --progress=plain --pull=never "${zlayer_flags[@]}" \
    --iidfile "$2" -t "bench/$1" -f "$here/build/$1/Dockerfile" "$work/ctx/$1"
}

ba_args=(--root "$work/buildah/root" --runroot "$work/buildah/run" --storage-driver overlay)
buildah_fresh() {
  if [[ -d $work/buildah ]]; then
    buildah "${ba_args[@]}" rm --all >>"$log" 2>&1 || true
    buildah "${ba_args[@]}" rmi --all --force >>"$log" 2>&1 || true
    findmnt -rn -o TARGET | awk -v w="$work/buildah/" 'index($0, w) == 1' | sort -r |
      while read -r m; do umount -l "$m"; done
    rm -rf "$work/buildah"
  fi
  local ctr
  ctr=$(buildah "${ba_args[@]}" from scratch 2>>"$log") || die "buildah from scratch failed; see $log"
  {
    buildah "${ba_args[@]}" add "$ctr" "$work/base.tar" / &&
      buildah "${ba_args[@]}" config --cmd /bin/sh "$ctr" &&
      buildah "${ba_args[@]}" commit --rm "$ctr" bench/busybox:latest
  } >>"$log" 2>&1 || die "buildah base import failed; see $log"
}
buildah_build() {
  buildah "${ba_args[@]}" bud --layers --pull=never --network=host --iidfile "$2" \
    -t "bench/$1" -f "$here/build/$1/Dockerfile" "$work/ctx/$1"
}

docker_env=(env DOCKER_HOST="unix://$work/docker.sock" DOCKER_CONFIG="$work/docker-config"
  DOCKER_BUILDKIT=1)
dk() { "${docker_env[@]}" "$docker" "$@"; }
docker_start() {
  mkdir -p "$work/containerd" "$work/docker-config"
  # An empty config, so that a system /etc/docker/daemon.json is not read;
  # dockerd before 23 also writes a trust key to /etc/docker unless told
  # where (a config-file-only option, unknown to later versions).
  if [[ $(dockerd --version | sed 's/^Docker version \([0-9]*\).*/\1/') -lt 23 ]]; then
    echo "{\"deprecated-key-path\": \"$work/docker-key.json\"}" >"$work/daemon.json"
  else
    echo '{}' >"$work/daemon.json"
  fi
  cat >"$work/containerd.toml" <<EOF
version = 2
root = "$work/containerd/root"
state = "$work/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$work/containerd/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$work/containerd/opt"
EOF
  containerd --config "$work/containerd.toml" >"$work/containerd.log" 2>&1 &
  containerd_pid=$!
  dockerd --config-file "$work/daemon.json" \
    --containerd "$work/containerd/containerd.sock" \
    --iptables=false --ip-masq=false --bridge=none \
    --data-root "$work/docker" --exec-root "$work/docker-exec" \
    --pidfile "$work/docker.pid" -H "unix://$work/docker.sock" >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  local i
  for ((i = 0; i < 600; i++)); do
    kill -0 "$dockerd_pid" 2>/dev/null ||
      die "dockerd exited; last lines of its log:$(echo; tail -5 "$work/dockerd.log")"
    dk version >/dev/null 2>&1 && break
    sleep 0.1
  done
  dk version >/dev/null 2>&1 || die "dockerd did not answer within 60 s; see $work/dockerd.log"
  dk import "$work/base.tar" bench/busybox:latest >>"$log" 2>&1 || die "docker import failed; see $log"
  # BuildKit, not the legacy builder: BuildKit's progress output numbers its
  # steps (#1 [internal] load build definition ...), the legacy builder
  # prints "Step 1/3".
  local probe=$work/docker-probe.log
  dk build --progress=plain --network=host -t bench/probe -f "$here/build/cold-small/Dockerfile" \
    "$work/ctx/cold-small" >"$probe" 2>&1 || die "docker probe build failed:$(echo; tail -5 "$probe")"
  grep -q '^#[0-9]* \[internal\] load build definition' "$probe" ||
    die "docker build did not use BuildKit:$(echo; head -5 "$probe")"
  local buildx=absent
  dk buildx version >/dev/null 2>&1 && buildx="present ($(dk buildx version 2>/dev/null | head -1))"
  docker_info="docker CLI $(dk version -f '{{.Client.Version}}'), dockerd $(dk version -f '{{.Server.Version}}'), storage $(dk info -f '{{.Driver}}'), BuildKit in use (verified from build output), buildx plugin $buildx"
  note "$docker_info"
  dk rmi bench/probe >>"$log" 2>&1 || true
}
docker_fresh() {
  dk builder prune -af >>"$log" 2>&1 || die "docker builder prune failed; see $log"
}
docker_build() {
  dk build -q --network=host --iidfile "$2" -t "bench/$1" -f "$here/build/$1/Dockerfile" \
    "$work/ctx/$1"
}

# --- runs -----------------------------------------------------------------

# One timed build; appends seconds to $work/times/<scenario>.<tool> and CSV.
time_build() {
  local s=$1 t=$2 r=$3 start end
  local iid=$work/iid.$t.$s.$r
  echo "=== $s $t run $r" >>"$log"
  start=$(date +%s%N)
  "${t}_build" "$s" "$iid" >>"$log" 2>&1 || die "$t build of $s failed; see $log:$(echo; tail -5 "$log")"
  end=$(date +%s%N)
  local sec
  sec=$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }')
  echo "$sec" >>"$work/times/$s.$t"
  echo "$s,$t,$r,$sec" >>"$csv"
  printf '  %-11s %-8s run %d: %6.2f s\n' "$s" "$t" "$r" "$sec" >&2
}

mkdir -p "$work/times"
if [[ -n $report_only ]]; then
  [[ -f $report_only ]] || die "BENCH_REPORT=$report_only: no such file"
  awk -F, -v d="$work/times" 'NR > 1 { print $4 >> (d "/" $1 "." $2); if ($3 > runs) runs = $3 }
    END { print runs > (d "/runs") }' "$report_only"
  runs=$(cat "$work/times/runs")
  for s in "${scenarios[@]}"; do
    for t in "${tools[@]}"; do
      [[ -s $work/times/$s.$t ]] || die "$report_only has no times of $t on $s"
    done
  done
  csv=$report_only
else
  mkdir -p "$(dirname "$csv")"
  echo "scenario,tool,run,seconds" >"$csv"
  make_base
  make_contexts
  has_tool docker && docker_start
  has_tool buildah && note "buildah $(buildah --version | awk '{ print $3 }'), runc $(runc --version | awk 'NR == 1 { print $3 }')"
  has_tool zlayer && note "zlayer: $zlayer ($("$zlayer" version 2>/dev/null | head -1))"
  note "$runs runs of ${tools[*]} on ${scenarios[*]}; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

  n=${#tools[@]}
  for s in "${scenarios[@]}"; do
    if [[ ${mode[$s]} == cached ]]; then
      # Build once per tool; each timed run must then reproduce the same image.
      for t in "${tools[@]}"; do
        "${t}_fresh"
        "${t}_build" "$s" "$work/iid.$t.$s.warm" >>"$log" 2>&1 ||
          die "$t build of $s failed; see $log"
      done
    fi
    for ((r = 1; r <= runs; r++)); do
      for ((k = 0; k < n; k++)); do
        t=${tools[$(((k + r) % n))]}
        [[ ${mode[$s]} == cold ]] && "${t}_fresh"
        time_build "$s" "$t" "$r"
        if [[ ${mode[$s]} == cached ]] &&
          ! cmp -s "$work/iid.$t.$s.warm" "$work/iid.$t.$s.$r"; then
          note "warning: $t's rebuild of $s gave a new image id (not all cache hits?)"
        fi
      done
    done
  done
fi

# --- report ---------------------------------------------------------------
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A med
for s in "${scenarios[@]}"; do
  for t in "${tools[@]}"; do
    med[$s.$t]=$(median <"$work/times/$s.$t")
  done
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
cell() { [[ -n ${med[$1]:-} ]] && awk -v v="${med[$1]}" 'BEGIN { printf "%.2f", v }' || printf -- '-'; }

table=$work/table.md
{
  echo "### Build: median of $runs runs, $(nproc) CPUs, $(date +%Y-%m-%d)"
  echo
  echo "| scenario | zlayer s | BuildKit s | buildah s | zlayer / BuildKit | target | zlayer / buildah |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for s in "${scenarios[@]}"; do
    z=${med[$s.zlayer]:-} d=${med[$s.docker]:-} b=${med[$s.buildah]:-}
    zd=- zb=- verdict=""
    [[ -n $z && -n $d ]] && zd=$(ratio "$z" "$d") &&
      verdict=$(awk -v z="$z" -v d="$d" -v t="${target[$s]}" 'BEGIN { print (z / d <= t) ? "met" : "NOT met" }')
    [[ -n $z && -n $b ]] && zb=$(ratio "$z" "$b")
    echo "| ${title[$s]} | $(cell "$s.zlayer") | $(cell "$s.docker") | $(cell "$s.buildah") | $zd | <= ${target[$s]}x ${verdict:+($verdict)} | $zb |"
  done
} >"$table"
echo
cat "$table"
echo
[[ -n ${docker_info:-} ]] && echo "$docker_info"
echo "raw times: $csv"

# --- chart ----------------------------------------------------------------
# Grouped bars, one group per scenario: each tool's median relative to the
# reference tool (BuildKit when it ran), so scenarios of different lengths
# share one axis; the seconds are written on the bars and the target is a
# dashed line over zlayer's bar.
ref=docker
has_tool docker || ref=${tools[0]}
declare -A label=([zlayer]=zlayer [docker]=BuildKit [buildah]=buildah)
declare -A color=([zlayer]="#2b6cb0" [docker]="#dd6b20" [buildah]="#718096")
{
  for s in "${scenarios[@]}"; do
    for t in zlayer docker buildah; do
      has_tool "$t" && echo "$s|${title[$s]}|$t|${label[$t]}|${color[$t]}|${med[$s.$t]}|${med[$s.$ref]}|${target[$s]}"
    done
  done
} | awk -F'|' -v ref="${label[$ref]}" -v runs="$runs" -v has_docker="$([[ $ref == docker ]] && echo 1)" '
  { n++; s[n] = $1; st[n] = $2; t[n] = $3; tl[n] = $4; c[n] = $5; v[n] = $6; r[n] = $6 / $7; tg[n] = $8
    if (!($1 in g)) { g[$1] = ++ng; gt[ng] = $2 }
    if (!($3 in seen)) { seen[$3] = 1; nt++; ltl[nt] = $4; lc[nt] = $5 }
    if (r[n] > maxr) maxr = r[n] }
  END {
    top = maxr; if (top < 1.2) top = 1.2; if (top > 3) top = 3
    top = int(top * 2 + 0.999) / 2  # up to a multiple of 0.5x; taller bars are cut
    W = 760; H = 380; L = 60; R = 20; T = 50; B = 70; ph = H - T - B; gw = (W - L - R) / ng
    bw = gw * 0.7 / nt
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H
    printf "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H
    printf "<text x=\"%d\" y=\"20\" font-size=\"15\" font-weight=\"bold\">Build time relative to %s (median of %d runs; lower is better)</text>\n", L, ref, runs
    for (k = 0; k <= top * 2 + 0.01; k++) {
      val = k / 2; y = T + ph - ph * val / top
      printf "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", L, W - R, y, y, (k == 2) ? "#a0aec0" : "#e2e8f0"
      printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1fx</text>\n", L - 6, y + 4, val
    }
    for (i = 1; i <= n; i++) {
      gi = g[s[i]]; ti = 0
      for (k = 1; k <= nt; k++) if (ltl[k] == tl[i]) ti = k
      x = L + (gi - 1) * gw + gw * 0.15 + (ti - 1) * bw
      h = ph * (r[i] > top ? top : r[i]) / top; y = T + ph - h
      printf "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n", x, y, bw - 2, h, c[i]
      ly = y
      if (t[i] == "zlayer" && has_docker) {
        ty = T + ph - ph * (tg[i] > top ? top : tg[i]) / top
        if (y >= ty && y - ty < 14) ly = ty  # keep the label clear of the target line
        printf "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#c53030\" stroke-width=\"2\" stroke-dasharray=\"4,3\"/>\n", x - 3, x + bw + 1, ty, ty
      }
      printf "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\">%.2fs%s</text>\n", x + (bw - 2) / 2, ly - 4, v[i], (r[i] > top) ? sprintf(" (%.1fx)", r[i]) : ""
    }
    for (k = 1; k <= ng; k++)
      printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", L + (k - 0.5) * gw, T + ph + 18, gt[k]
    lx = L
    for (k = 1; k <= nt; k++) {
      printf "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n", lx, H - 28, lc[k], lx + 16, H - 18, ltl[k]
      lx += 110
    }
    if (has_docker)
      printf "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#c53030\" stroke-width=\"2\" stroke-dasharray=\"4,3\"/><text x=\"%d\" y=\"%d\">target for zlayer</text>\n", lx, lx + 24, H - 22, H - 22, lx + 30, H - 18
    printf "</svg>\n"
  }' >"$work/chart.svg"
mkdir -p "$(dirname "$svg")"
cp "$work/chart.svg" "$svg"
echo "chart: $svg"
