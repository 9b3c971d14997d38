#!/usr/bin/env bash
# test-rust.sh: run a crate's tests (unit, FFI and model tests) for the host.
#
# Usage: tools/scripts/test-rust.sh <crate-dir> [cargo test arguments]
#
# Uses the same release profile, target triple and compiler as
# build-rust.sh's host build, so tests reuse its compiled dependencies
# instead of compiling the crate graph a second time.
set -euo pipefail

workspace_root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"
cd "$workspace_root"

[[ ${1:-} == -h || ${1:-} == --help ]] && {
  sed -n '2,8s/^# \{0,1\}//p' "$0"
  exit 0
}
[[ $# -ge 1 ]] || die "usage: tools/scripts/test-rust.sh <crate-dir> [cargo test arguments]"
crate_dir=${1%/}
shift
[[ -f $crate_dir/Cargo.toml ]] ||
  die "testing $crate_dir: $crate_dir/Cargo.toml does not exist (pass the crate folder, e.g. libs/candle-binding)"

arch=$(host_arch)
use_rust_toolchain "$arch"
exec cargo test --release --locked --target "$(rust_triple "$arch")" \
  --manifest-path "$crate_dir/Cargo.toml" "$@"
