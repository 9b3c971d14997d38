#!/usr/bin/env bash
# setup.sh: install what this workspace needs on a fresh Debian 12 machine
# of this kind (run as root), skipping whatever is already present.
#
# Usage: tools/scripts/setup.sh [--no-engine]
#   --no-engine  do not start the container engine and local registry
#
# Installs from the registries this machine reaches: Debian packages (cross
# gcc, Debian's rustc-web with the arm64 std, qemu-user-static, docker.io,
# docker-registry, mmdebstrap, shellcheck, shfmt), npm packages (npm ci),
# Go modules (go mod download, buildx and buildkitd built from source) and
# crates (cargo fetch, cbindgen). Then starts the engine (engine.sh).
set -euo pipefail

workspace_root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"
cd "$workspace_root"

start_engine=1
for arg in "$@"; do
  case "$arg" in
  --no-engine) start_engine=0 ;;
  -h | --help)
    sed -n '2,11s/^# \{0,1\}//p' "$0"
    exit 0
    ;;
  *) die "setup: unknown option \"$arg\" (see --help)" ;;
  esac
done

debian_packages=(
  bc
  chromium
  binfmt-support
  containerd
  docker-registry
  docker.io
  file
  jq
  gcc-aarch64-linux-gnu
  libc6-dev-arm64-cross
  libc6:arm64
  libstd-rust-web-dev
  libstd-rust-web-dev:arm64
  mmdebstrap
  qemu-user-static
  runc
  rustc-web
  shellcheck
  shfmt
  time
  unzip
  wrk
)

install_debian_packages() {
  local missing=() pkg
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    log "Adding the arm64 architecture to dpkg (for the arm64 Rust std)"
    dpkg --add-architecture arm64
  fi
  for pkg in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
      missing+=("$pkg")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "Debian packages: all ${#debian_packages[@]} present"
    return
  fi
  log "Debian packages: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

enable_binfmt() {
  # QEMU user emulation is only used to run arm64 test binaries and smoke
  # tests; builds never need it. binfmt_misc is not mounted in this sandbox.
  if [[ ! -e /proc/sys/fs/binfmt_misc/register ]]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
      log "warning: could not mount binfmt_misc; arm64 binaries will run through qemu-aarch64-static explicitly"
  fi
  if [[ -e /proc/sys/fs/binfmt_misc/register && ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]]; then
    update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 ||
      log "warning: update-binfmts --enable qemu-aarch64 failed"
  fi
}

install_npm_packages() {
  if [[ -f node_modules/.package-lock.json && node_modules/.package-lock.json -nt package-lock.json ]]; then
    log "npm packages: node_modules is up to date"
    return
  fi
  log "npm packages: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
}

install_go_modules() {
  log "Go modules: go mod download"
  go mod download
}

install_actionlint() {
  if ! command -v actionlint >/dev/null; then
    log "actionlint: go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 (once)"
    GOBIN=/usr/local/bin go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
  fi
}

install_cargo_tools() {
  if ! command -v cbindgen >/dev/null; then
    log "cbindgen: cargo install cbindgen (once)"
    cargo install cbindgen --version 0.29.4 --locked --quiet
  fi
  local crate
  for crate in libs/*/Cargo.toml; do
    cargo fetch --locked --quiet --manifest-path "$crate"
  done
}

install_debian_packages
enable_binfmt
install_npm_packages
install_go_modules
install_actionlint
install_cargo_tools
tools/scripts/install-buildkit.sh
if [[ $start_engine -eq 1 && -x tools/scripts/engine.sh ]]; then
  tools/scripts/engine.sh start
fi
log "Setup done"
