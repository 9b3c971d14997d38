#!/usr/bin/env bash
# platform.sh: shared helpers for the per-platform build scripts.
# Sourced, not executed. A platform is "host", "linux/amd64" or "linux/arm64"
# ("linux-amd64" is accepted too, the spelling used in dist/ and target names).

# die prints an error to stderr and exits non-zero.
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# log prints one progress line to stderr so stdout stays machine-readable.
log() {
  printf '%s\n' "$*" >&2
}

# host_arch prints the Go/OCI architecture name of this machine.
host_arch() {
  case "$(uname -m)" in
  x86_64 | amd64) echo amd64 ;;
  aarch64 | arm64) echo arm64 ;;
  *) die "unsupported host machine $(uname -m) (supported: x86_64, aarch64)" ;;
  esac
}

# platform_arch maps a platform to its architecture (amd64 or arm64).
platform_arch() {
  case "$1" in
  host) host_arch ;;
  linux/amd64 | linux-amd64) echo amd64 ;;
  linux/arm64 | linux-arm64) echo arm64 ;;
  *) die "unsupported platform \"$1\" (use host, linux/amd64 or linux/arm64)" ;;
  esac
}

# platform_dir maps a platform to its folder name under dist/.
platform_dir() {
  case "$1" in
  host) echo host ;;
  *) echo "linux-$(platform_arch "$1")" ;;
  esac
}

# rust_triple maps an architecture to the Rust target triple.
rust_triple() {
  case "$1" in
  amd64) echo x86_64-unknown-linux-gnu ;;
  arm64) echo aarch64-unknown-linux-gnu ;;
  esac
}

# gnu_prefix maps an architecture to its GNU cross tool prefix.
gnu_prefix() {
  case "$1" in
  amd64) echo x86_64-linux-gnu ;;
  arm64) echo aarch64-linux-gnu ;;
  esac
}

# c_compiler prints the C compiler that targets an architecture: the
# native gcc on a matching host, the Debian cross gcc otherwise.
c_compiler() {
  local arch=$1
  if [[ $arch == "$(host_arch)" ]]; then
    echo "${CC:-gcc}"
    return
  fi
  local cross
  cross="$(gnu_prefix "$arch")-gcc"
  command -v "$cross" >/dev/null ||
    die "no C cross compiler for $arch: $cross is not installed (apt-get install gcc-$(gnu_prefix "$arch" | tr _ -), or run tools/scripts/setup.sh)"
  echo "$cross"
}

# elf_machine prints the ELF machine of a binary as readelf names it.
elf_machine() {
  readelf -h "$1" | sed -n 's/^ *Machine: *//p'
}

# check_elf_arch fails when a binary was built for another architecture.
check_elf_arch() {
  local file=$1 arch=$2 want got
  case "$arch" in
  amd64) want='Advanced Micro Devices X86-64' ;;
  arm64) want='AArch64' ;;
  esac
  got=$(elf_machine "$file")
  [[ $got == "$want" ]] ||
    die "$file is built for \"$got\", expected \"$want\" ($arch)"
}

# rustc_for_triple picks a compiler that has the standard library for the
# triple: $RUSTC when set, else Debian's rustc-web (whose std for arm64
# comes from libstd-rust-web-dev:arm64) so that one compiler builds every
# architecture here, else rustup's toolchain (GitHub runners, after
# `rustup target add`). The choice must not depend on PATH order: a
# different compiler invalidates every compiled crate in the target folder.
rustc_for_triple() {
  local triple=$1 arch=$2 candidate sysroot
  for candidate in "${RUSTC:-}" /usr/bin/rustc rustc; do
    if [[ -z $candidate ]] || ! command -v "$candidate" >/dev/null; then
      continue
    fi
    sysroot=$("$candidate" --print sysroot)
    if [[ -d $sysroot/lib/rustlib/$triple/lib ]]; then
      command -v "$candidate"
      return
    fi
  done
  die "no Rust standard library for $triple: run 'rustup target add $triple', or on Debian 'apt-get install rustc-web libstd-rust-web-dev:$arch' (tools/scripts/setup.sh does this)"
}

# use_rust_toolchain exports RUSTC, and cargo's linker for a foreign
# architecture, so every cargo command for it (build, test) shares one
# target directory. The native linker is left at cargo's default on
# purpose: build scripts and proc macros are host units shared by the
# builds of every architecture, and a linker setting that differs between
# those builds makes each one recompile them all.
use_rust_toolchain() {
  local arch=$1 triple linker_var
  triple=$(rust_triple "$arch")
  RUSTC=$(rustc_for_triple "$triple" "$arch")
  export RUSTC
  [[ $arch == "$(host_arch)" ]] && return
  linker_var="CARGO_TARGET_$(echo "$triple" | tr '[:lower:]-' '[:upper:]_')_LINKER"
  if [[ -z ${!linker_var:-} ]]; then
    export "$linker_var=$(c_compiler "$arch")"
  fi
}
