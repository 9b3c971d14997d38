#!/usr/bin/env bash
# setup-runner.sh: prepare a GitHub-hosted Ubuntu runner to cross-compile
# the Rust crates and the cgo router for linux/arm64 on amd64 (no QEMU):
# the aarch64 C toolchain and rustup's aarch64 standard library.
#
# Usage: tools/ci/setup-runner.sh
set -euo pipefail

case "${1:-}" in
-h | --help)
  sed -n '2,6s/^# \{0,1\}//p' "$0"
  exit 0
  ;;
esac

sudo apt-get update -qq
sudo apt-get install -y -qq --no-install-recommends gcc-aarch64-linux-gnu libc6-dev-arm64-cross
rustup target add x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu
echo "setup-runner: $(rustc --version), $(aarch64-linux-gnu-gcc --version | head -n1)" >&2
