#!/usr/bin/env bash
# build-rust.sh: build one Rust crate with a C ABI for one platform and copy
# only its final libraries to dist/<crate-dir>/<platform-dir>/.
#
# Usage: tools/scripts/build-rust.sh <crate-dir> <platform>
#   crate-dir  a folder holding Cargo.toml, e.g. libs/candle-binding
#   platform   host, linux/amd64 or linux/arm64
#
# Cargo always gets an explicit --target triple, so "host" and the
# matching linux/<arch> share one incremental target directory: the second
# of the two is a no-op compile. The target directory (<crate-dir>/target, or
# $CARGO_TARGET_DIR when set) is never cleaned.
# CARGO_BUILD_JOBS from the environment is honoured by cargo itself.
set -euo pipefail

usage() {
  sed -n '2,12s/^# \{0,1\}//p' "$0"
}

[[ ${1:-} == -h || ${1:-} == --help ]] && {
  usage
  exit 0
}
[[ $# -eq 2 ]] || {
  usage >&2
  exit 2
}

workspace_root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"

crate_dir=${1%/}
platform=$2
cd "$workspace_root"
[[ -f $crate_dir/Cargo.toml ]] ||
  die "building $crate_dir: $crate_dir/Cargo.toml does not exist (pass the crate folder, e.g. libs/candle-binding)"

arch=$(platform_arch "$platform")
triple=$(rust_triple "$arch")
out_dir="dist/$crate_dir/$(platform_dir "$platform")"
lib_name=$(basename "$crate_dir" | tr - _)

use_rust_toolchain "$arch"

log "Building $crate_dir for $platform ($triple, $("$RUSTC" --version), jobs: ${CARGO_BUILD_JOBS:-default})"
cargo build --release --locked --target "$triple" \
  --manifest-path "$crate_dir/Cargo.toml"

built="${CARGO_TARGET_DIR:-$crate_dir/target}/$triple/release"
mkdir -p "$out_dir"
copied=0
for artifact in "lib$lib_name.so" "lib$lib_name.a"; do
  [[ -f $built/$artifact ]] || continue
  # Copy to a temporary name first so an interrupted copy never leaves a
  # truncated library that looks complete.
  cp "$built/$artifact" "$out_dir/.$artifact.tmp"
  mv -f "$out_dir/.$artifact.tmp" "$out_dir/$artifact"
  copied=$((copied + 1))
done
[[ $copied -gt 0 ]] ||
  die "cargo built no lib$lib_name.so or lib$lib_name.a in $built (is [lib] crate-type cdylib/staticlib in $crate_dir/Cargo.toml?)"
[[ -f $out_dir/lib$lib_name.so ]] && check_elf_arch "$out_dir/lib$lib_name.so" "$arch"
log "Built $crate_dir for $platform -> $out_dir"
