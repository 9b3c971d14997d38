#!/usr/bin/env bash
# check-header.sh regenerates include/ml_binding.h with cbindgen into a temp file and fails
# when it differs from the checked-in header. With --write it updates the header instead.
set -euo pipefail

# Other cbindgen versions format the header differently, so a mismatch is reported.
cbindgen_version="0.29.4"
crate_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
header="${crate_dir}/include/ml_binding.h"

if ! command -v cbindgen >/dev/null; then
	echo "check-header: cbindgen not found (install it: cargo install cbindgen --version ${cbindgen_version} --locked)" >&2
	exit 2
fi
found_version="$(cbindgen --version | awk '{print $2}')"
if [[ "${found_version}" != "${cbindgen_version}" ]]; then
	echo "check-header: warning: cbindgen ${found_version} is not the pinned ${cbindgen_version}; a diff may be formatting only" >&2
fi

generated="$(mktemp "${TMPDIR:-/tmp}/ml_binding.h.XXXXXX")"
trap 'rm -f "${generated}"' EXIT
cbindgen --quiet --config "${crate_dir}/cbindgen.toml" --crate ml-binding \
	--output "${generated}" "${crate_dir}"

if [[ "${1:-}" == "--write" ]]; then
	cp "${generated}" "${header}"
	echo "check-header: wrote ${header}"
	exit 0
fi
if [[ ! -f "${header}" ]]; then
	echo "check-header: ${header} is missing (run libs/ml-binding/scripts/check-header.sh --write and commit the result)" >&2
	exit 1
fi
if ! diff -u "${header}" "${generated}"; then
	echo "check-header: ${header} is out of date with src/ffi.rs (run libs/ml-binding/scripts/check-header.sh --write and commit the result)" >&2
	exit 1
fi
echo "check-header: ${header} is up to date"
