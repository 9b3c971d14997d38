#!/usr/bin/env bash
# cross-vs-qemu.sh: the arm64 artifacts built our way (cross-compiled on
# the amd64 host) against the same sources built by the same compiler
# versions running under QEMU user emulation, the way a multi-arch
# Dockerfile that compiles in target-platform stages builds them.
#
# Both sides build, from cold, the arm64 release libraries of
# candle-binding and ml-binding (cargo --locked --offline, default jobs)
# and then the router against them (go build -trimpath, cgo). The cross
# side runs tools/scripts/build-rust.sh and build-go.sh in a clone, as the
# Nx targets do, with Debian's rustc 1.96 and aarch64-linux-gnu-gcc. The
# QEMU side runs the same cargo and go commands inside an arm64 Debian 12
# root filesystem (bench/qemu-rootfs.sh: Debian's rustc-web 1.96, gcc 12
# and the host's Go version), entered with chroot so every arm64 process
# runs through binfmt_misc and qemu-aarch64. The clone, the host's cargo
# registry and Go module cache are bind-mounted in a private mount
# namespace, so neither side downloads anything. Rounds alternate sides.
# Sourced by bench/run.sh with $mode, $samples_file and helpers set.
# shellcheck disable=SC2154

rounds=$([[ $mode == quick ]] && echo 1 || echo 3)
rootfs=$(bash "$bench_dir/qemu-rootfs.sh")
clone=$(fresh_clone)
scratch=$(dirname "$clone")
cargo_home=${CARGO_HOME:-$HOME/.cargo}
go_mod_cache=$(go env GOMODCACHE)
steps=(candle-binding ml-binding semantic-router)
progress "cross-vs-qemu: clone $clone, arm64 root filesystem $rootfs"

# The QEMU side's script, run by the arm64 shell inside the root
# filesystem: one step per call so each is timed on its own.
cat >"$scratch/qemu-step.sh" <<'EOF'
set -eu
step=$1 out=$2
export HOME=/root CARGO_HOME=/root/.cargo CARGO_TARGET_DIR=$out/target-$step \
  GOMODCACHE=/root/go/pkg/mod GOCACHE=$out/go-cache GOFLAGS=-buildvcs=false \
  GOPROXY=off GOTOOLCHAIN=local CARGO_TERM_COLOR=never PATH=/usr/local/bin:/usr/bin:/bin
cd /src
case $step in
candle-binding | ml-binding)
  cargo build --release --locked --offline --target aarch64-unknown-linux-gnu \
    --manifest-path "libs/$step/Cargo.toml"
  mkdir -p "$out/lib"
  cp "$out/target-$step/aarch64-unknown-linux-gnu/release/lib$(echo "$step" | tr - _).so" "$out/lib/"
  ;;
semantic-router)
  CGO_ENABLED=1 CGO_LDFLAGS="-L$out/lib" \
    go build -trimpath -o "$out/semantic-router" ./apps/semantic-router/cmd/semantic-router
  ;;
esac
EOF

# The two sides' steps as scripts, since timed runs a program:
#   <script> <step> <output-folder>
# The QEMU one enters the root filesystem in a private mount namespace,
# so its bind mounts vanish with it.
cat >"$scratch/qemu-outer.sh" <<EOF
set -e
unshare --mount --propagation private sh -c '
  set -e
  mkdir -p "$rootfs/src" "$rootfs/root/.cargo/registry" "$rootfs/root/go/pkg/mod" "$rootfs/bench"
  mount --bind "$clone" "$rootfs/src"
  mount --bind "$cargo_home/registry" "$rootfs/root/.cargo/registry"
  mount --bind "$go_mod_cache" "$rootfs/root/go/pkg/mod"
  mount --bind "$scratch" "$rootfs/bench"
  mount -t proc proc "$rootfs/proc"
  exec chroot "$rootfs" /bin/sh /bench/qemu-step.sh "\$0" "/bench/\$(basename "\$1")"
' "\$1" "\$2"
EOF
cat >"$scratch/cross-step.sh" <<EOF
set -e
cd "$clone"
export CARGO_TARGET_DIR=\$2/target-\$1 GOCACHE=\$2/go-cache
case \$1 in
candle-binding | ml-binding) tools/scripts/build-rust.sh "libs/\$1" linux/arm64 ;;
semantic-router)
  tools/scripts/build-go.sh apps/semantic-router \\
    ./apps/semantic-router/cmd/semantic-router linux/arm64 \\
    libs/candle-binding libs/ml-binding
  ;;
esac
EOF

for ((round = 1; round <= rounds; round++)); do
  for side in cross qemu; do
    out="$scratch/$side-$round"
    mkdir -p "$out"
    for step in "${steps[@]}"; do
      progress "cross-vs-qemu: round $round/$rounds, $side: $step (cold)"
      script=$scratch/cross-step.sh
      [[ $side == qemu ]] && script=$scratch/qemu-outer.sh
      times=$(timed bash "$script" "$step" "$out")
      record_sample "$side/$step" "$round" "$times"
    done
    # Each side's router must be a real arm64 executable.
    if [[ $side == cross ]]; then
      binary="$clone/dist/apps/semantic-router/linux-arm64/semantic-router"
    else
      binary="$out/semantic-router"
    fi
    file -b "$binary" | grep -q 'ARM aarch64' ||
      die "cross-vs-qemu: $side built no arm64 router ($binary: $(file -b "$binary"))"
    rm -rf "$out"
  done
done

rows=$(mktemp)
notes=$(mktemp)
cross_total=0
qemu_total=0
cross_cpu_total=0
qemu_cpu_total=0
for step in "${steps[@]}"; do
  cross=$(median_of "cross/$step" .wall)
  qemu=$(median_of "qemu/$step" .wall)
  cross_cpu=$(median_of "cross/$step" .cpu)
  qemu_cpu=$(median_of "qemu/$step" .cpu)
  cross_total=$(awk "BEGIN {print $cross_total + $cross}")
  qemu_total=$(awk "BEGIN {print $qemu_total + $qemu}")
  cross_cpu_total=$(awk "BEGIN {print $cross_cpu_total + $cross_cpu}")
  qemu_cpu_total=$(awk "BEGIN {print $qemu_cpu_total + $qemu_cpu}")
  table_row "$step" "$(seconds "$cross")" "$(seconds "$qemu")" \
    "$(ratio "$qemu" "$cross")" "$(seconds "$cross_cpu")" \
    "$(seconds "$qemu_cpu")" "$(ratio "$qemu_cpu" "$cross_cpu")" >>"$rows"
done
table_row "all three" "$(seconds "$cross_total")" "$(seconds "$qemu_total")" \
  "$(ratio "$qemu_total" "$cross_total")" "$(seconds "$cross_cpu_total")" \
  "$(seconds "$qemu_cpu_total")" "$(ratio "$qemu_cpu_total" "$cross_cpu_total")" >>"$rows"
cat >"$notes" <<EOF
Median of $rounds cold build(s) per side and step; the sides alternate within each round. "all three" sums the medians.
Cross: tools/scripts/build-rust.sh <crate> linux/arm64 and tools/scripts/build-go.sh ... linux/arm64 in a clone (Debian rustc-web 1.96 with libstd-rust-web-dev:arm64, aarch64-linux-gnu-gcc, host Go), each with an empty CARGO_TARGET_DIR per crate (as each crate has its own target folder) and an empty GOCACHE.
QEMU: the same cargo build --release --locked and go build -trimpath inside an arm64 Debian 12 root filesystem made by bench/qemu-rootfs.sh (rustc-web 1.96, gcc 12, Go $(go env GOVERSION) for linux/arm64), every process run by qemu-aarch64 through binfmt_misc, with empty target and build caches.
Both sides read crates and Go modules from the host's caches (bind-mounted for QEMU) and download nothing; both routers are checked to be ARM aarch64 executables.
CPU is user plus system time of the command and all its children, QEMU's translation included.
EOF
write_part cross-vs-qemu "Cross-compiling versus building under QEMU" \
  "Cold arm64 builds of both crates and the router: cross-compiled on the amd64 host (our path) against the same compilers running under QEMU user emulation." \
  '["step", "cross wall s", "QEMU wall s", "QEMU / cross wall", "cross CPU s", "QEMU CPU s", "QEMU / cross CPU"]' \
  "$rows" "$notes"
rm -f "$rows" "$notes"
rm -rf "$scratch"
