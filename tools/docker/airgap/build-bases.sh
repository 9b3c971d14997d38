#!/usr/bin/env bash
# build-bases.sh: build the air-gapped base images from the Debian mirror and
# push them, one index per base, to a registry on loopback.
#
# Usage: tools/docker/airgap/build-bases.sh [--registry HOST:PORT] [--force]
#                                           [--only NAME]...
#   --registry  where to push (default 127.0.0.1:5000, the engine.sh registry)
#   --force     rebuild even when the registry already holds the index
#   --only      build only this base (repeatable; default: every base)
#
# Bases (referenced by images.json "airgapBuildArgs", never under an
# upstream image's name), each for linux/amd64 and linux/arm64:
#   <registry>/semrouter-airgap/cc-runtime:bookworm
#     glibc + libgcc for cgo/Rust binaries, user nonroot (65532); the
#     stand-in for gcr.io/distroless/cc-debian12:nonroot.
#   <registry>/semrouter-airgap/tools:bookworm
#     dash + coreutils for build stages on $BUILDPLATFORM; the stand-in
#     for debian:bookworm-slim.
#   <registry>/semrouter-airgap/node-runtime:bookworm
#     Debian 12's Node.js 18, user nonroot (65532); the stand-in for
#     node:20-bookworm-slim (the cache server runs on both).
#   <registry>/semrouter-airgap/prometheus:bookworm
#     only Debian 12's /usr/bin/prometheus (it needs just libc) and its
#     copyright file; the stand-in for prom/prometheus, which the stack
#     image copies the binary from.
#   <registry>/semrouter-airgap/debian:bookworm
#     Debian 12 minbase with apt, pointed at the mirror this machine uses;
#     the stand-in for debian:bookworm-slim where a stage installs
#     packages (the dev and precommit images). It trusts the certificate
#     authorities this machine added to its own store
#     (/usr/local/share/ca-certificates), and pip and npm in it use the
#     system store, so downloads through this machine's TLS proxy verify.
#
# mmdebstrap --variant=extract only unpacks packages and runs no maintainer
# script, so building those arm64 bases needs no emulation. What those
# scripts would do (users, /bin/sh) is done by hooks instead. The debian
# base is a real minbase: its arm64 variant runs maintainer scripts under
# QEMU (binfmt_misc), about 4 minutes here.
set -euo pipefail

workspace_root=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"

registry=127.0.0.1:${LOCAL_REGISTRY_PORT:-5000}
force=0
only=()
while [[ $# -gt 0 ]]; do
  case "$1" in
  --registry)
    registry=${2:?--registry needs HOST:PORT}
    shift
    ;;
  --force) force=1 ;;
  --only)
    only+=("${2:?--only needs a base name}")
    shift
    ;;
  -h | --help)
    sed -n '2,34s/^# \{0,1\}//p' "$0"
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

# users_hook and sh_hook are mmdebstrap customize hooks: $1 is the root.
# shellcheck disable=SC2016
users_hook='
  printf "root:x:0:0:root:/root:/usr/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin\n" >"$1/etc/passwd"
  printf "root:x:0:\nnonroot:x:65532:\n" >"$1/etc/group"
  mkdir -p "$1/home/nonroot" "$1/tmp"
  chown 65532:65532 "$1/home/nonroot"
  chmod 1777 "$1/tmp"
'
# shellcheck disable=SC2016
sh_hook='ln -sf dash "$1/bin/sh"; mkdir -p "$1/tmp"; chmod 1777 "$1/tmp"'
# shellcheck disable=SC2016
tidy_hook='rm -rf "$1/var/cache/apt" "$1/var/lib/apt/lists"'

# prometheus_hook keeps nothing of the unpacked root but
# /usr/bin/prometheus and its copyright file: the package's dependencies
# (adduser, JavaScript libraries for the console templates) are not needed
# to copy the binary out, and would make the base eight times bigger.
# shellcheck disable=SC2016
prometheus_hook='
  keep=$(mktemp -d)
  cp -a "$1/usr/bin/prometheus" "$1/usr/share/doc/prometheus/copyright" "$keep/"
  find "$1" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
  mkdir -p "$1/usr/bin" "$1/usr/share/doc/prometheus"
  mv "$keep/prometheus" "$1/usr/bin/"
  mv "$keep/copyright" "$1/usr/share/doc/prometheus/"
  rm -rf "$keep"
'

# mirror_hook makes the debian base reach the registries the way this
# machine does. apt: a snapshot mirror serves Release files whose
# Valid-Until has passed, which apt refuses unless told as the host's apt
# is. TLS: the host's own certificate authorities are added to the base's
# store (update-ca-certificates runs in the root, under QEMU for arm64),
# and pip and npm, which carry their own CA bundles, are pointed at it.
# shellcheck disable=SC2016
mirror_hook='
  apt-config dump | grep -E "^Acquire::Check-(Valid-Until|Date) " \
    >"$1/etc/apt/apt.conf.d/99airgap-mirror" || true
  for ca in /usr/local/share/ca-certificates/*.crt; do
    [ -f "$ca" ] && cp "$ca" "$1/usr/local/share/ca-certificates/"
  done
  chroot "$1" update-ca-certificates >/dev/null 2>&1
  printf "[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n" >"$1/etc/pip.conf"
  printf "cafile=/etc/ssl/certs/ca-certificates.crt\n" >"$1/etc/npmrc"
'

# build_image builds a one-platform image from a tarball in work_dir.
# `docker import --platform` records amd64 on this engine whatever it is
# told, so the tarball goes through a FROM scratch Dockerfile instead.
build_image() {
  local platform=$1 ref=$2 rootfs=$3 run_as=$4
  local args=(--platform "$platform" -f "$workspace_root/tools/docker/airgap/Dockerfile.rootfs"
    --build-arg "ROOTFS=$rootfs" --build-arg "RUN_AS=$run_as" -t "$ref" "$work_dir")
  if docker buildx version >/dev/null 2>&1; then
    docker buildx build --builder default --quiet --load "${args[@]}" >/dev/null
  else
    DOCKER_BUILDKIT=1 docker build --quiet --network=none "${args[@]}" >/dev/null
  fi
}

# build_base unpacks packages for both architectures and pushes one index.
build_base() {
  local name=$1 packages=$2 hook=$3 run_as=$4 variant=${5:-extract}
  local arch per_arch=()
  local ref=$registry/semrouter-airgap/$name:$suite
  if [[ ${#only[@]} -gt 0 && " ${only[*]} " != *" $name "* ]]; then
    return
  fi
  if [[ $force -eq 0 ]] && index_exists "$ref"; then
    log "Base $ref: already in the registry (use --force to rebuild)"
    return
  fi
  for arch in amd64 arm64; do
    log "Building base $name for linux/$arch from the Debian mirror"
    mmdebstrap --quiet --variant="$variant" --architectures="$arch" \
      --include="$packages" --customize-hook="$hook" \
      --customize-hook="$tidy_hook" \
      --format=tar "$suite" "$work_dir/$name-$arch.tar"
    build_image "linux/$arch" "$ref-$arch" "$name" "$run_as"
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
build_base cc-runtime libc6,libgcc-s1,base-files,netbase,tzdata \
  "$users_hook" 65532:65532
build_base tools dash,coreutils,base-files "$sh_hook" 0:0
build_base node-runtime nodejs,base-files,netbase,tzdata "$users_hook" 65532:65532
build_base prometheus prometheus "$prometheus_hook" 65532:65532
build_base debian ca-certificates "$mirror_hook" 0:0 minbase
