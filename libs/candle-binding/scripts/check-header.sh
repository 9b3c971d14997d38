#!/usr/bin/env bash
# check-header.sh: regenerate include/candle_binding.h with cbindgen and fail
# if the checked-in header differs. With --write, update the header instead.
set -euo pipefail

crate_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
header="${crate_dir}/include/candle_binding.h"

if ! command -v cbindgen >/dev/null 2>&1; then
	echo "check-header: cbindgen is not installed (install it with: cargo install cbindgen --locked)" >&2
	exit 2
fi

generated="$(mktemp "${TMPDIR:-/tmp}/candle_binding.XXXXXX.h")"
trap 'rm -f "${generated}"' EXIT

# cbindgen reads the crate's sources only (parse_deps = false), so this does
# not compile anything.
if ! (cd "${crate_dir}" && cbindgen --quiet --config cbindgen.toml --crate candle-binding --output "${generated}"); then
	echo "check-header: cbindgen failed for ${crate_dir}" >&2
	exit 1
fi

if [[ "${1:-}" == "--write" ]]; then
	cp "${generated}" "${header}"
	echo "check-header: wrote ${header}"
	exit 0
fi

if ! diff -u "${header}" "${generated}"; then
	echo "check-header: ${header} is out of date with src/ffi;" \
		"run libs/candle-binding/scripts/check-header.sh --write and commit the result" >&2
	exit 1
fi
echo "check-header: ${header} is up to date"
