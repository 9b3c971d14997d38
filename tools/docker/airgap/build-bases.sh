#!/usr/bin/env bash
# build-bases.sh: build the air-gapped base images from the Debian mirror and
# push them, one index per base, to a registry on loopback.
#
# Usage: tools/docker/airgap/build-bases.sh [--registry HOST:PORT] [--force]
#   --registry  where to push (default 127.0.0.1:5000, the engine.sh registry)
#   --force     rebuild even when the registry already holds the index
#
# Bases (referenced by images.json "airgapBuildArgs", never under an
# upstream image's name):
#   <registry>/semrouter-airgap/cc-runtime:bookworm
#     glibc + libgcc for cgo/Rust binaries, user nonroot (65532); the
#     stand-in for gcr.io/distroless/cc-debian12:nonroot.
#
# mmdebstrap --variant=extract only unpacks packages and runs no maintainer
# script, so building the arm64 base needs no emulation. The user database
# is written by a hook instead of base-passwd's postinst for that reason.
set -euo pipefail

workspace_root=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"

registry=127.0.0.1:${LOCAL_REGISTRY_PORT:-5000}
force=0
while [[ $# -gt 0 ]]; do
  case "$1" in
  --registry)
    registry=${2:?--registry needs HOST:PORT}
    shift
    ;;
  --force) force=1 ;;
  -h | --help)
    sed -n '2,18s/^# \{0,1\}//p' "$0"
    exit 0
    ;;
  *) die "build-bases: unknown option \"$1\" (see --help)" ;;
  esac
  shift
done

suite=bookworm
# A fixed epoch makes mmdebstrap's tarball reproducible for one mirror state.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1735689600}
work_dir=$(mktemp -d)
trap 'rm -rf "$work_dir"' EXIT

index_exists() {
  docker manifest inspect --insecure "$1" >/dev/null 2>&1
}

# write_users is an mmdebstrap customize hook body: $1 is the root folder.
# shellcheck disable=SC2016
write_users='
  printf "root:x:0:0:root:/root:/usr/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin\n" >"$1/etc/passwd"
  printf "root:x:0:\nnonroot:x:65532:\n" >"$1/etc/group"
  mkdir -p "$1/home/nonroot" "$1/tmp"
  chown 65532:65532 "$1/home/nonroot"
  chmod 1777 "$1/tmp"
  rm -rf "$1/var/cache/apt" "$1/var/lib/apt/lists"
'

# build_image builds a one-platform image from the tarballs in work_dir.
# `docker import --platform` records amd64 on this engine whatever it is
# told, so the tarball goes through a FROM scratch Dockerfile instead.
build_image() {
  local platform=$1 ref=$2 dockerfile=$3
  if docker buildx version >/dev/null 2>&1; then
    docker buildx build --quiet --load --platform "$platform" \
      -f "$dockerfile" -t "$ref" "$work_dir" >/dev/null
  else
    DOCKER_BUILDKIT=1 docker build --quiet --network=none \
      --platform "$platform" -f "$dockerfile" -t "$ref" "$work_dir" >/dev/null
  fi
}

build_cc_runtime() {
  local ref=$registry/semrouter-airgap/cc-runtime:$suite arch per_arch=()
  if [[ $force -eq 0 ]] && index_exists "$ref"; then
    log "Base $ref: already in the registry (use --force to rebuild)"
    return
  fi
  for arch in amd64 arm64; do
    log "Building base cc-runtime for linux/$arch from the Debian mirror"
    mmdebstrap --quiet --variant=extract --architectures="$arch" \
      --include=libc6,libgcc-s1,base-files,netbase,tzdata \
      --customize-hook="$write_users" \
      --format=tar "$suite" "$work_dir/cc-runtime-$arch.tar"
    build_image "linux/$arch" "$ref-$arch" \
      "$workspace_root/tools/docker/airgap/Dockerfile.cc-runtime"
    docker push --quiet "$ref-$arch" >/dev/null
    per_arch+=("$ref-$arch")
  done
  docker manifest rm "$ref" >/dev/null 2>&1 || true
  docker manifest create --insecure "$ref" "${per_arch[@]}" >/dev/null
  docker manifest push --insecure --purge "$ref" >/dev/null
  log "Base $ref: pushed (linux/amd64, linux/arm64)"
}

command -v mmdebstrap >/dev/null ||
  die "mmdebstrap is not installed (run tools/scripts/setup.sh)"
docker info >/dev/null 2>&1 ||
  die "no container engine answers (run tools/scripts/engine.sh start)"
build_cc_runtime
