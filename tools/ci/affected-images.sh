#!/usr/bin/env bash
# affected-images.sh: print the images a change affects, as a JSON array,
# from `nx show projects --affected -t container` between NX_BASE and
# NX_HEAD (set by nrwl/nx-set-shas, or pass --base/--head). On GitHub it
# also writes images=<array> to $GITHUB_OUTPUT for the build matrix.
#
# Usage: tools/ci/affected-images.sh [--base SHA] [--head SHA]
set -euo pipefail

workspace_root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$workspace_root"

case "${1:-}" in
-h | --help)
  sed -n '2,8s/^# \{0,1\}//p' "$0"
  exit 0
  ;;
esac

images=$(npx tsx libs/nx-container-images/src/cli/build-affected.ts --list "$@")
echo "$images"
if [[ -n ${GITHUB_OUTPUT:-} ]]; then
  echo "images=$images" >>"$GITHUB_OUTPUT"
fi
