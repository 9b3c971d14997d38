#!/usr/bin/env bash
# build-go.sh: build a Go command that links Rust C-ABI libraries through cgo,
# for one platform, into dist/<app-dir>/<platform-dir>/<binary>.
#
# Usage: tools/scripts/build-go.sh <app-dir> <package> <platform> <lib-dir>...
#   app-dir   the Nx project folder, e.g. apps/semantic-router
#   package   the main package, e.g. ./apps/semantic-router/cmd/semantic-router
#   platform  host, linux/amd64 or linux/arm64
#   lib-dir   each crate folder whose dist/<lib-dir>/<platform-dir> holds a
#             library to link, e.g. libs/candle-binding
#
# The libraries must already be built for the same platform (Nx runs the
# crates' build-<platform> targets first). The binary finds them at run time
# next to itself or in ../lib (rpath), or through LD_LIBRARY_PATH.
set -euo pipefail

usage() {
  sed -n '2,15s/^# \{0,1\}//p' "$0"
}

[[ ${1:-} == -h || ${1:-} == --help ]] && {
  usage
  exit 0
}
[[ $# -ge 3 ]] || {
  usage >&2
  exit 2
}

workspace_root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"

app_dir=${1%/}
package=$2
platform=$3
shift 3
cd "$workspace_root"

arch=$(platform_arch "$platform")
pdir=$(platform_dir "$platform")
out_dir="dist/$app_dir/$pdir"
binary=$(basename "$package")

ldflags=()
for lib_dir in "$@"; do
  dir="$workspace_root/dist/${lib_dir%/}/$pdir"
  compgen -G "$dir/*.so" >/dev/null ||
    die "building $app_dir for $platform: no library in $dir (build it first: npx nx run $(basename "$lib_dir"):build-$pdir)"
  ldflags+=("-L$dir")
done
# $ORIGIN is for the dynamic loader, not the shell.
# shellcheck disable=SC2016
ldflags+=('-Wl,-rpath,$ORIGIN:$ORIGIN/../lib')

export CGO_ENABLED=1 GOOS=linux GOARCH=$arch
CC=$(c_compiler "$arch")
export CC
export CGO_LDFLAGS="${ldflags[*]} ${CGO_LDFLAGS:-}"

log "Building $app_dir for $platform (go $(go env GOVERSION), GOARCH=$arch, CC=$CC)"
mkdir -p "$out_dir"
go build -trimpath -o "$out_dir/.$binary.tmp" "$package"
mv -f "$out_dir/.$binary.tmp" "$out_dir/$binary"
check_elf_arch "$out_dir/$binary" "$arch"
log "Built $app_dir for $platform -> $out_dir/$binary"
