#!/usr/bin/env bash
# lib.sh: helpers shared by bench/run.sh and the parts in bench/parts/.
# Sourced, not executed. Every part appends samples with record_sample and
# hands a summary table to write_part; run.sh renders bench/RESULTS.md from
# the JSON files the parts leave in bench/results/.
# run.sh sets workspace_root, mode, bench_command, results_dir, and per part
# bench_log and samples_file, before sourcing this file and the parts.
# shellcheck disable=SC2154

# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"

# progress prints one timestamped progress line to stderr.
progress() {
  printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2
}

# timed runs a command with its output appended to $timed_log (default
# $bench_log) and prints one JSON object: wall seconds, and user and
# system CPU seconds of the command and every child it waited for. A
# separate $timed_log (one build's log, for a part to read) is copied into
# $bench_log afterwards, so it outlives the run's scratch folder. When the
# command fails, its last lines are printed and the run stops.
timed() {
  local times_file status out=${timed_log:-$bench_log}
  times_file=$(mktemp)
  set +e
  /usr/bin/time -f '{"wall": %e, "user": %U, "sys": %S}' -o "$times_file" \
    "$@" >>"$out" 2>&1
  status=$?
  set -e
  [[ $out == "$bench_log" ]] || cat "$out" >>"$bench_log"
  if [[ $status -ne 0 ]]; then
    tail -n 30 "$out" >&2
    rm -f "$times_file"
    die "benchmark command failed (exit $status): $* (full log: $bench_log)"
  fi
  # GNU time prints "Command exited with non-zero status" lines first on
  # failure only; on success the file holds the JSON line alone.
  tail -n 1 "$times_file"
  rm -f "$times_file"
}

# record_sample appends one sample to the part's sample file:
#   record_sample <case> <run> <timed-json> [extra-json]
record_sample() {
  local case=$1 run=$2 times=$3 extra=${4:-'{}'}
  jq -c --arg case "$case" --argjson run "$run" --argjson extra "$extra" \
    '{case: $case, run: $run, wall: .wall, cpu: ((.user + .sys) * 100 | round / 100)} + $extra' \
    <<<"$times" >>"$samples_file"
}

# median_of prints the median of a jq expression over one case's samples
# (the mean of the middle two for an even count), or null when the case
# has none:  median_of <case> <expression, e.g. .wall or .cpu + .builder_cpu>
median_of() {
  local case=$1 expression=$2
  jq -s --arg case "$case" "
    [.[] | select(.case == \$case) | $expression] | sort
    | if length == 0 then null
      elif length % 2 == 1 then .[length / 2 | floor]
      else (.[length / 2 - 1] + .[length / 2]) / 2 end" "$samples_file"
}

# ratio prints a / b with two decimals (two significant digits below 0.1,
# so a no-op build against a cold one does not read 0.00), or "n/a" when b
# is zero or missing.
ratio() {
  local a=$1 b=$2
  if [[ $a == null || $b == null ]] || awk "BEGIN {exit !($b == 0)}"; then
    echo n/a
    return
  fi
  awk "BEGIN {r = $a / $b; if (r < 0.1) printf \"%.2g\", r; else printf \"%.2f\", r}"
}

# seconds formats a number of seconds with one decimal.
seconds() {
  [[ $1 == null ]] && {
    echo n/a
    return
  }
  awk "BEGIN {printf \"%.1f\", $1}"
}

# table_row prints its arguments as one JSON array of strings.
table_row() {
  jq -cn '$ARGS.positional' --args "$@"
}

# write_part writes a part's result file from its samples and summary:
#   write_part <name> <title> <description> <columns-json> <rows-file> \
#     <notes-file>
# rows-file holds one JSON array per line (table_row), notes-file one
# sentence per line.
write_part() {
  local name=$1 title=$2 description=$3 columns=$4 rows_file=$5
  local notes_file=$6 out="$results_dir/$name.json"
  jq -n \
    --arg name "$name" --arg title "$title" --arg description "$description" \
    --arg mode "$mode" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --arg command "$bench_command" --argjson columns "$columns" \
    --slurpfile rows "$rows_file" --slurpfile samples "$samples_file" \
    --rawfile notes "$notes_file" --argjson machine "$(machine_facts)" '
    {name: $name, title: $title, description: $description, mode: $mode,
     date: $date, command: $command, machine: $machine,
     table: {columns: $columns, rows: $rows},
     notes: ($notes | split("\n") | map(select(length > 0))),
     samples: $samples}' >"$out"
  progress "Wrote $out"
}

# version_of prints the first line of a tool's version output, or "absent".
version_of() {
  local line
  line=$("$@" 2>/dev/null | head -n 1) || true
  echo "${line:-absent}"
}

# machine_facts prints the machine this run measured, as one JSON object.
machine_facts() {
  jq -cn \
    --arg cpu "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" \
    --arg nproc "$(nproc)" \
    --arg memory "$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)" \
    --arg kernel "$(uname -r)" \
    --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
    --arg node "$(version_of node --version)" \
    --arg nx "$(version_of jq -r .version "$workspace_root/node_modules/nx/package.json")" \
    --arg go "$(version_of go version)" \
    --arg rustc "$(version_of /usr/bin/rustc --version)" \
    --arg cargo "$(version_of cargo --version)" \
    --arg docker "$(version_of docker version --format '{{.Server.Version}}')" \
    --arg buildx "$(version_of docker buildx version)" \
    --arg qemu "$(version_of qemu-aarch64-static --version)" \
    '{cpu: $cpu, nproc: $nproc, memory: $memory, kernel: $kernel,
      load_average: $load,
      versions: {node: $node, nx: $nx, go: $go, rustc: $rustc, cargo: $cargo,
                 docker: $docker, buildx: $buildx, qemu: $qemu}}'
}

# fresh_clone clones the committed workspace into a new temporary folder
# with its node_modules linked in, and prints the clone's path.
fresh_clone() {
  local parent clone
  parent=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
  clone="$parent/ws"
  git clone --quiet --local "$workspace_root" "$clone"
  ln -s "$workspace_root/node_modules" "$clone/node_modules"
  echo "$clone"
}

# use_private_nx_cache points Nx's cache and workspace data at new folders
# beside a clone. Without NX_CACHE_DIRECTORY, Nx 23 shares one local cache
# between clones of the same repository, and a "cold" build would be a
# cache hit.
use_private_nx_cache() {
  local clone=$1
  export NX_CACHE_DIRECTORY="$clone/../nx-cache"
  export NX_WORKSPACE_DATA_DIRECTORY="$clone/../nx-workspace-data"
  mkdir -p "$NX_CACHE_DIRECTORY" "$NX_WORKSPACE_DATA_DIRECTORY"
}

# use_bench_registry points the images of a clone at repositories of the
# benchmark's own on the loopback registry (the plugin's localRegistry
# option in nx.json), not the 127.0.0.1:5000/<image>:local the tests use:
#   use_bench_registry <clone> <prefix, e.g. 127.0.0.1:5000/bench-warm>
use_bench_registry() {
  local clone=$1 prefix=$2
  jq --arg prefix "$prefix" '(.plugins[] | objects
      | select(.plugin | test("nx-container-images"))
      | .options.localRegistry) = $prefix' "$clone/nx.json" >"$clone/nx.json.new"
  mv "$clone/nx.json.new" "$clone/nx.json"
}

# start_private_builder starts a buildkitd of the benchmark's own, with
# its state in a new folder, and registers it as the buildx builder
# "bench-<part>" in a buildx configuration folder of its own: a cold build
# starts from an empty layer cache, and the shared builder's cache is left
# alone. It sets builder_pid, builder_dir, BUILDX_CONFIG and
# BUILDX_BUILDER and INPUT_BUILDER (read by buildx and by nx-container).
start_private_builder() {
  local name="bench-$1"
  builder_dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-buildkitd.XXXXXX")
  cat >"$builder_dir/buildkitd.toml" <<TOML
[registry."127.0.0.1:5000"]
  http = true
[worker.oci]
  enabled = true
  platforms = ["linux/amd64", "linux/arm64"]
  gc = false
[worker.containerd]
  enabled = false
TOML
  buildkitd --config "$builder_dir/buildkitd.toml" --root "$builder_dir/root" \
    --addr "unix://$builder_dir/buildkitd.sock" --oci-worker-net=host \
    >"$builder_dir/buildkitd.log" 2>&1 &
  builder_pid=$!
  export BUILDX_CONFIG="$builder_dir/buildx" BUILDX_BUILDER=$name INPUT_BUILDER=$name
  docker buildx create --name "$name" --driver remote \
    "unix://$builder_dir/buildkitd.sock" >/dev/null
  local i
  for ((i = 0; i < 60; i++)); do
    docker buildx inspect "$name" 2>/dev/null | grep -q 'Status: *running' && return
    sleep 0.5
  done
  die "bench: the private buildkitd did not start; see $builder_dir/buildkitd.log"
}

# stop_private_builder stops the builder start_private_builder started and
# removes its state.
stop_private_builder() {
  [[ -n ${builder_pid:-} ]] || return 0
  kill "$builder_pid" 2>/dev/null || true
  wait "$builder_pid" 2>/dev/null || true
  unset BUILDX_CONFIG BUILDX_BUILDER INPUT_BUILDER builder_pid
  rm -rf "$builder_dir"
}

# process_cpu prints the CPU seconds a process and the children it has
# reaped have used (utime + stime + cutime + cstime). The private
# buildkitd reaps every build step it runs, so the difference of two
# readings is what its builds cost.
process_cpu() {
  awk -v ticks="$(getconf CLK_TCK)" \
    '{sub(/^[^)]*\) /, ""); print ($12 + $13 + $14 + $15) / ticks}' \
    "/proc/$1/stat"
}

# nx_tasks_ran prints, comma-separated, the Nx tasks a build log shows
# running rather than restored from the cache ("> nx run <task>" with no
# bracketed cache note after it). A log where no task ran (every image
# reused from its receipt) prints nothing; grep's "no match" status is not
# a failure here.
nx_tasks_ran() {
  { grep -oE '^(\S+: )?> nx run [^ ]+( +\[[^]]+\])?' "$1" || true; } |
    sed -E 's/^(\S+: )?> nx run //' | { grep -v '\[' || true; } |
    sort -u | paste -sd, -
}
