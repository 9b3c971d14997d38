#!/usr/bin/env bash
# run.sh: the benchmarks that check the design's claims on this machine.
# Every figure is a ratio of two things measured side by side in the same
# run (median of several runs where a run is cheap enough to repeat).
#
# Usage: bench/run.sh [--quick] [--only <part>]... [--list]
#   --quick        fewer rounds and smaller builds (see each part's notes)
#   --only <part>  run only this part (repeatable); others keep their
#                  last results
#   --list         print the parts and exit
#
# Parts:
#   cross-vs-qemu        arm64 crates and router: cross-compiled vs under QEMU
#   shared-vs-per-image  Rust compilations and CPU: Nx once vs each image
#   warm-incremental     no change, Go, Rust, Dockerfile change vs cold
#   plugin-scale         project-graph time with 6, 100 and 500 images
# (bench/spine.sh, separate: cold and warm builds, router throughput)
#
# Raw samples go to bench/results/<part>.json; bench/RESULTS.md is rendered
# from every JSON file there, with the date, machine and command of each.
# Sets the machine up first (tools/scripts/setup.sh, which skips what is
# present). Progress lines go to stderr; the commands' own output to
# bench/out/.
set -Eeuo pipefail
# A command that fails stops the run; say once which and where (the
# innermost line of this shell, not of subshells), since a part's own
# output goes to its log file.
stopped_at=
trap 'status=$? line=$LINENO
if [[ $BASH_SUBSHELL -eq 0 && -z $stopped_at ]]; then
  stopped_at="${BASH_SOURCE[0]}:$line"
  progress "stopped: \"$BASH_COMMAND\" failed (exit $status) at $stopped_at; command output in ${bench_log:-bench/out/}"
fi' ERR

workspace_root=$(cd "$(dirname "$0")/.." && pwd)
bench_dir="$workspace_root/bench"
# shellcheck source=bench/lib.sh
source "$bench_dir/lib.sh"

all_parts=(cross-vs-qemu shared-vs-per-image warm-incremental plugin-scale)
mode=full
parts=()
bench_command="bench/run.sh $*"
while [[ $# -gt 0 ]]; do
  case "$1" in
  --quick) mode=quick ;;
  --only)
    [[ $# -ge 2 ]] || die "bench: --only needs a part name (one of: ${all_parts[*]})"
    [[ " ${all_parts[*]} " == *" $2 "* ]] ||
      die "bench: unknown part \"$2\" (one of: ${all_parts[*]})"
    parts+=("$2")
    shift
    ;;
  --list)
    printf '%s\n' "${all_parts[@]}"
    exit 0
    ;;
  -h | --help)
    sed -n '2,/^set /s/^# \{0,1\}//p' "$0"
    exit 0
    ;;
  *) die "bench: unknown option \"$1\" (see bench/run.sh --help)" ;;
  esac
  shift
done
[[ ${#parts[@]} -gt 0 ]] || parts=("${all_parts[@]}")

# Every scratch folder of the run (clones, build contexts, private
# buildkitd state) lives under one folder that goes away with the run,
# also when a part stops it or it is interrupted; the private buildkitd is
# stopped first. Each build's own log is copied to bench/out/ first.
bench_tmp=$(mktemp -d /tmp/bench-run.XXXXXX)
export TMPDIR=$bench_tmp
trap 'stop_private_builder; rm -rf "$bench_tmp"' EXIT
trap 'progress "interrupted; stopping the private buildkitd and removing $bench_tmp"; exit 130' INT
trap 'progress "terminated; stopping the private buildkitd and removing $bench_tmp"; exit 143' TERM

export NX_DAEMON=false NX_TUI=false NX_NO_CLOUD=true NO_COLOR=1 \
  FORCE_COLOR=0 CARGO_TERM_COLOR=never
results_dir="$bench_dir/results"
out_dir="$bench_dir/out"
mkdir -p "$results_dir" "$out_dir"
cd "$workspace_root"

# render_results writes bench/RESULTS.md from every part's JSON file.
render_results() {
  local file
  {
    echo "# Benchmark results"
    echo
    echo "Rendered by \`bench/run.sh\` from \`bench/results/*.json\` (raw samples"
    echo "there). Each part lists when, where and with which command it ran."
    echo "Ratios are of medians measured side by side in the same run."
    for file in "$results_dir"/*.json; do
      [[ -f $file ]] || continue
      echo
      jq -r '
        def cells: map(tostring | gsub("\\|"; "\\|")) | "| " + join(" | ") + " |";
        "## \(.title)\n\n\(.description)\n",
        "- date: \(.date), mode: \(.mode)",
        "- command: `\(.command)`",
        "- machine: \(.machine.nproc) CPUs (\(.machine.cpu)), \(.machine.memory), kernel \(.machine.kernel), load average at the end \(.machine.load_average) (other engineers build on the same cores)",
        "- versions: \(.machine.versions | to_entries | map("\(.key) \(.value)") | join("; "))",
        "- raw samples: `bench/results/\(.name).json`\n",
        (.table.columns | cells),
        (.table.columns | map("---") | cells),
        (.table.rows[] | cells),
        "",
        (.notes[] | "- \(.)")' "$file"
    done
  } >"$bench_dir/RESULTS.md"
  progress "Wrote bench/RESULTS.md"
}

# The parts need what the README's commands need (node_modules, the cross
# toolchain, the engine and the loopback registry); setup skips what is
# present, so this costs about a second on a machine already set up.
bench_log="$out_dir/setup.log"
progress "Setting up this machine (tools/scripts/setup.sh; output in bench/out/setup.log)"
"$workspace_root/tools/scripts/setup.sh" >"$bench_log" 2>&1

for part in "${parts[@]}"; do
  bench_log="$out_dir/$part.log"
  samples_file=$(mktemp)
  : >"$bench_log"
  progress "== $part ($mode); command output in bench/out/$part.log"
  started=$(date +%s)
  # shellcheck source=/dev/null
  source "$bench_dir/parts/$part.sh"
  rm -f "$samples_file"
  progress "== $part done in $(($(date +%s) - started)) s"
done
render_results
