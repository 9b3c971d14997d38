#!/bin/sh
# check-elf-arch.sh: fail unless every file is an ELF object for ARCH.
#
# Usage: check-elf-arch.sh <amd64|arm64> <file>...
#
# Runs in build stages of the images on $BUILDPLATFORM. It reads e_machine
# from the ELF header with od and tr (coreutils), because slim bases have no
# readelf, file or sed.
set -eu

arch=${1:?usage: check-elf-arch.sh <amd64|arm64> <file>...}
shift
case "$arch" in
amd64) want=3e00 name=x86-64 ;;
arm64) want=b700 name=AArch64 ;;
*)
  echo "check-elf-arch: unsupported architecture \"$arch\" (use amd64 or arm64)" >&2
  exit 2
  ;;
esac

status=0
for file in "$@"; do
  magic=$(od -An -t x1 -N 4 "$file" | tr -d ' \n')
  machine=$(od -An -t x1 -j 18 -N 2 "$file" | tr -d ' \n')
  if [ "$magic" != 7f454c46 ]; then
    echo "check-elf-arch: $file is not an ELF file" >&2
    status=1
  elif [ "$machine" != "$want" ]; then
    echo "check-elf-arch: $file has ELF machine \"$machine\", expected $name ($arch); rebuild it with the build-linux-$arch target" >&2
    status=1
  else
    echo "check-elf-arch: $file is $name"
  fi
done
exit "$status"
