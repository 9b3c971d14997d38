#!/usr/bin/env bash
# go-test.sh: run `go test` on packages that link Rust C-ABI libraries
# through cgo, against the host build of those libraries in dist/.
#
# Usage: tools/scripts/go-test.sh <lib-dir>... -- <go test arguments>
#   lib-dir  each crate folder whose dist/<lib-dir>/host holds a library
#            (Nx runs the crates' build-host targets first)
set -euo pipefail

usage() {
  sed -n '2,8s/^# \{0,1\}//p' "$0"
}

[[ ${1:-} == -h || ${1:-} == --help ]] && {
  usage
  exit 0
}

workspace_root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"
cd "$workspace_root"

lib_paths=()
while [[ $# -gt 0 && $1 != -- ]]; do
  dir="$workspace_root/dist/${1%/}/host"
  compgen -G "$dir/*.so" >/dev/null ||
    die "testing: no library in $dir (build it first: npx nx run $(basename "$1"):build-host)"
  lib_paths+=("$dir")
  shift
done
[[ ${1:-} == -- ]] || {
  usage >&2
  exit 2
}
shift

joined=$(
  IFS=:
  echo "${lib_paths[*]}"
)
export CGO_ENABLED=1
export CGO_LDFLAGS="${lib_paths[*]/#/-L} ${CGO_LDFLAGS:-}"
export LD_LIBRARY_PATH="$joined${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
exec go test "$@"
