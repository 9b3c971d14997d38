#!/usr/bin/env bash
# run-router.sh: run a build of the router from dist/ with its libraries.
#
# Usage: tools/scripts/run-router.sh <platform> [router flags]
#   platform  host or linux/arm64 (arm64 runs under QEMU through binfmt_misc)
#
# Defaults to the shipped config, ext_proc on :50051 and HTTP on :8080.
set -euo pipefail

workspace_root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"

[[ ${1:-} == -h || ${1:-} == --help || $# -lt 1 ]] && {
  sed -n '2,8s/^# \{0,1\}//p' "$0"
  [[ $# -ge 1 ]]
  exit
}
pdir=$(platform_dir "$1")
shift

binary=$workspace_root/dist/apps/semantic-router/$pdir/semantic-router
[[ -x $binary ]] ||
  die "no router build at $binary (build it: npx nx run semantic-router:build-$pdir)"
export LD_LIBRARY_PATH="$workspace_root/dist/libs/candle-binding/$pdir:$workspace_root/dist/libs/ml-binding/$pdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
exec "$binary" --config="$workspace_root/apps/semantic-router/config/config.yaml" "$@"
