#!/usr/bin/env bash
# build-image.sh: the build step of .github/workflows/docker-publish.yml,
# also run by the tests against the local engine and registry.
#
# Usage: tools/ci/build-image.sh pull-request|publish IMAGE [extra flags]
#   pull-request  linux/amd64 only (ci-linux-amd64), loaded into the engine,
#                 nothing pushed
#   publish       ci-linux-amd64 and ci-linux-arm64, each pushed by digest,
#                 then one index per image tagged with IMAGE_TAGS
#
# Environment:
#   IMAGE_TAGS          index tags (default: the branch name and sha-<short>)
#   REPOSITORY_PREFIX   push to PREFIX/IMAGE instead of images.json's name
#   BUILDX_BUILDER      buildx builder for builds and receipts
#   REPORT_FILE         where build-affected writes its JSON report
#   CARGO_BUILD_JOBS    reaches cargo in the Nx builds the image depends on
# Extra flags go to build-affected (e.g. --dry-run, --receipts none).
set -euo pipefail

workspace_root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$workspace_root"

usage() {
  sed -n '2,18s/^# \{0,1\}//p' "$0"
}

[[ ${1:-} == -h || ${1:-} == --help ]] && {
  usage
  exit 0
}
[[ $# -ge 2 ]] || {
  usage >&2
  exit 2
}
mode=$1
image=$2
shift 2

args=(--images "$image" --report "${REPORT_FILE:-$workspace_root/tmp/build-$image.json}")
[[ -n ${REPOSITORY_PREFIX:-} ]] && args+=(--repository-prefix "$REPOSITORY_PREFIX")
[[ -n ${BUILDX_BUILDER:-} ]] && args+=(--builder "$BUILDX_BUILDER")

case "$mode" in
pull-request)
  args+=(--configuration ci-linux-amd64 --load)
  ;;
publish)
  args+=(--configuration "ci-linux-amd64,ci-linux-arm64" --index)
  if [[ -z ${IMAGE_TAGS:-} ]]; then
    branch=${GITHUB_REF_NAME:-$(git rev-parse --abbrev-ref HEAD)}
    sha=${GITHUB_SHA:-$(git rev-parse HEAD)}
    IMAGE_TAGS="${branch//\//-} sha-${sha:0:7}"
  fi
  read -ra tags <<<"$IMAGE_TAGS"
  for tag in "${tags[@]}"; do
    args+=(--tag "$tag")
  done
  ;;
*)
  echo "build-image: unknown mode \"$mode\" (use pull-request or publish)" >&2
  exit 2
  ;;
esac

echo "build-image: $mode $image (CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-default})" >&2
mkdir -p "$workspace_root/tmp"
status=0
npx tsx libs/nx-container-images/src/cli/build-affected.ts "${args[@]}" "$@" || status=$?

if [[ -n ${GITHUB_STEP_SUMMARY:-} && -f ${REPORT_FILE:-$workspace_root/tmp/build-$image.json} ]]; then
  {
    echo "### $image ($mode)"
    echo '```json'
    cat "${REPORT_FILE:-$workspace_root/tmp/build-$image.json}"
    echo '```'
  } >>"$GITHUB_STEP_SUMMARY"
fi
exit "$status"
