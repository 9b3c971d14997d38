#!/usr/bin/env bash
# qemu-rootfs.sh: make (once) the arm64 Debian 12 root filesystem in which
# bench/parts/cross-vs-qemu.sh compiles under QEMU user emulation.
#
# Usage: bench/qemu-rootfs.sh [<dir>]
#   dir  where the root filesystem goes
#        (default: $BENCH_QEMU_ROOTFS or /var/tmp/semrouter-bench/rootfs-arm64)
#
# The root filesystem holds Debian's rustc-web and cargo-web from
# bookworm-security (the same rustc version the cross builds use), gcc, and
# the Go toolchain of the host's version for linux/arm64, fetched as the
# module golang.org/toolchain through the Go module proxy (Debian 12's
# golang is 1.19, too old for go.mod). mmdebstrap runs the arm64 maintainer
# scripts through binfmt_misc and qemu-user-static. A finished folder has
# a .complete marker and is reused as is.
set -euo pipefail

workspace_root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"

[[ ${1:-} == -h || ${1:-} == --help ]] && {
  sed -n '2,15s/^# \{0,1\}//p' "$0"
  exit 0
}
rootfs=${1:-${BENCH_QEMU_ROOTFS:-/var/tmp/semrouter-bench/rootfs-arm64}}
[[ -f $rootfs/.complete ]] && {
  echo "$rootfs"
  exit 0
}

[[ -f /proc/sys/fs/binfmt_misc/qemu-aarch64 ]] ||
  die "arm64 binfmt_misc entry missing: /proc/sys/fs/binfmt_misc/qemu-aarch64 (run tools/scripts/setup.sh, which mounts binfmt_misc and registers qemu-aarch64)"
command -v mmdebstrap >/dev/null ||
  die "mmdebstrap is not installed (apt-get install mmdebstrap)"

rm -rf "$rootfs"
mkdir -p "$(dirname "$rootfs")"
log "Creating the arm64 root filesystem in $rootfs (mmdebstrap, maintainer scripts under QEMU)"
mmdebstrap --arch=arm64 --variant=apt --mode=root \
  --include=rustc-web,cargo-web,gcc,libc6-dev,ca-certificates \
  bookworm "$rootfs" \
  "deb http://deb.debian.org/debian bookworm main" \
  "deb http://deb.debian.org/debian bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main" >&2

go_version=$(go env GOVERSION)
toolchain="golang.org/toolchain@v0.0.1-$go_version.linux-arm64"
log "Fetching Go $go_version for linux/arm64 ($toolchain) through the Go module proxy"
zip=$(GOTOOLCHAIN=local GOFLAGS=-modcacherw go mod download -json "$toolchain" | jq -r .Zip)
unpack=$(mktemp -d)
unzip -q "$zip" -d "$unpack"
rm -rf "$rootfs/usr/local/go"
mv "$unpack/golang.org/toolchain@v0.0.1-$go_version.linux-arm64" "$rootfs/usr/local/go"
rm -rf "$unpack"
# Module zips carry no file modes; the go command restores them the same
# way when it switches toolchains.
chmod +x "$rootfs/usr/local/go/bin/"* "$rootfs/usr/local/go/pkg/tool/linux_arm64/"*
ln -sf /usr/local/go/bin/go "$rootfs/usr/local/bin/go"

chroot "$rootfs" /usr/bin/rustc --version >&2
chroot "$rootfs" /usr/local/bin/go version >&2
touch "$rootfs/.complete"
echo "$rootfs"
