#!/usr/bin/env bash
# check-header.sh: regenerate a crate's C header with cbindgen and fail when
# it differs from the checked-in one.
#
# Usage: tools/scripts/check-header.sh <crate-dir> [--write]
#   crate-dir  e.g. libs/candle-binding; its header is include/<lib>.h
#   --write    update the checked-in header instead of comparing
#
# cbindgen reads only the crate's sources, so nothing is compiled.
set -euo pipefail

workspace_root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"
cd "$workspace_root"

[[ ${1:-} == -h || ${1:-} == --help || $# -lt 1 ]] && {
  sed -n '2,9s/^# \{0,1\}//p' "$0"
  [[ $# -ge 1 ]]
  exit
}
crate_dir=${1%/}
write=${2:-}

# Other cbindgen versions format headers differently; setup.sh pins this one.
cbindgen_version=0.29.4
crate=$(basename "$crate_dir")
header=$crate_dir/include/$(tr - _ <<<"$crate").h
[[ -f $crate_dir/cbindgen.toml ]] ||
  die "check-header: $crate_dir/cbindgen.toml does not exist (pass a crate folder with a cbindgen.toml)"
command -v cbindgen >/dev/null ||
  die "check-header: cbindgen is not installed (cargo install cbindgen --version $cbindgen_version --locked, or run tools/scripts/setup.sh)"
found=$(cbindgen --version | awk '{print $2}')
[[ $found == "$cbindgen_version" ]] ||
  log "check-header: warning: cbindgen $found is not the pinned $cbindgen_version; a difference may be formatting only"

generated=$(mktemp)
trap 'rm -f "$generated"' EXIT
cbindgen --quiet --config "$crate_dir/cbindgen.toml" --crate "$crate" \
  --output "$generated" "$crate_dir"

if [[ $write == --write ]]; then
  cp "$generated" "$header"
  log "check-header: wrote $header"
  exit 0
fi
[[ -f $header ]] ||
  die "check-header: $header is missing (run tools/scripts/check-header.sh $crate_dir --write and commit it)"
diff -u "$header" "$generated" ||
  die "check-header: $header is out of date with $crate_dir/src (run tools/scripts/check-header.sh $crate_dir --write and commit it)"
log "check-header: $header is up to date"
