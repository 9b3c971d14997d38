#!/usr/bin/env bash
# warm-incremental.sh: what a build costs after a change, as a ratio of a
# cold build of every image.
#
# In a clone with an empty Nx cache, empty cargo target folders, an empty
# Go build cache and a buildkitd of its own (empty layer cache), the CI
# command builds every image for linux/amd64 and linux/arm64 into the
# loopback registry:
#   build-affected --images <all> --configuration airgap-multiarch
#                  --receipts file:<receipts>
# Then each change is committed and the same command runs again: no change
# (an empty commit), one Go file of the router, one Rust file of
# candle-binding, one Dockerfile (stack's). Receipts (the container task
# hash of each pushed image) decide what is rebuilt; the Nx tasks that ran
# (not restored from the cache) are listed from the build log. Each change
# kind is measured rounds times with a different edit each time.
# Sourced by bench/run.sh with $mode, $samples_file and helpers set.
# shellcheck disable=SC2154

if [[ $mode == quick ]]; then
  images=extproc,stack,vllm-sr,nx-cache-server
  bases=(--only cc-runtime --only tools --only node-runtime --only prometheus)
  rounds=2
else
  images=extproc,stack,vllm-sr,nx-cache-server,dev,precommit
  bases=()
  rounds=5
fi
changes=(none go rust dockerfile)

# The air-gapped bases are made once and kept in the registry; not timed.
"$workspace_root/tools/docker/airgap/build-bases.sh" "${bases[@]}" >>"$bench_log" 2>&1
clone=$(fresh_clone)
scratch=$(dirname "$clone")
use_private_nx_cache "$clone"
export GOCACHE="$scratch/go-cache"
receipts="$scratch/receipts.json"
start_private_builder warm
use_bench_registry "$clone" 127.0.0.1:5000/bench-warm
git -C "$clone" -c user.name=bench -c user.email=bench@localhost \
  commit -qam 'bench: own registry repositories'
progress "warm-incremental: clone $clone, images $images, builder $INPUT_BUILDER"

# build_all runs the CI command once in the clone and records the sample.
build_all() {
  local case=$1 run=$2 log report before after times builder_cpu ran built
  log="$scratch/$case-$run.log"
  report="$scratch/$case-$run.json"
  before=$(process_cpu "$builder_pid")
  # shellcheck disable=SC2016
  times=$(cd "$clone" && timed_log=$log timed npx tsx \
    libs/nx-container-images/src/cli/build-affected.ts --images "$images" \
    --configuration airgap-multiarch --receipts "file:$receipts" \
    --report "$report")
  after=$(process_cpu "$builder_pid")
  builder_cpu=$(awk "BEGIN {print $after - $before}")
  ran=$(nx_tasks_ran "$log")
  built=$(jq -r '[.results[] | select(.action == "built") | .image] | join(",")' "$report")
  record_sample "$case" "$run" "$times" "$(jq -cn --arg ran "$ran" \
    --arg built "$built" --argjson builder "$builder_cpu" \
    '{builder_cpu: $builder, tasks_ran: $ran, images_built: $built}')"
  progress "warm-incremental: $case #$run: built [${built:-none}], tasks ran [${ran:-none}]"
}

# make_change commits one edit of the given kind to the clone. The Go and
# Rust edits change a string the compiled code carries (a log message of
# the router, an error message of candle-binding), so the binary and the
# library really change; an appended comment would leave a release build
# byte-identical and let Nx restore everything downstream from the cache.
make_change() {
  local kind=$1 run=$2 file pattern='' text
  case $kind in
  none) ;;
  go)
    file=apps/semantic-router/internal/app/app.go
    pattern='logger.Info("shut down[^"]*")'
    text="logger.Info(\"shut down (bench change $run)\")"
    ;;
  rust)
    file=libs/candle-binding/src/error.rs
    pattern='format!("{operation}: {source}[^"]*")'
    text="format!(\"{operation}: {source} (bench change $run)\")"
    ;;
  dockerfile)
    file=tools/docker/Dockerfile.stack
    echo "LABEL org.semrouter.bench.change=\"$run\"" >>"$clone/$file"
    text="org.semrouter.bench.change=\"$run\""
    ;;
  esac
  [[ -z $pattern ]] || sed -i "s/$pattern/$text/" "$clone/$file"
  if [[ $kind != none ]] && ! grep -qF "$text" "$clone/$file"; then
    die "bench: the $kind change did not apply to $file (no match for $pattern); update make_change in bench/parts/warm-incremental.sh"
  fi
  git -C "$clone" -c user.name=bench -c user.email=bench@localhost \
    commit -qa --allow-empty -m "bench: $kind change $run"
}

progress "warm-incremental: cold build of every image"
build_all cold 1
for ((round = 1; round <= rounds; round++)); do
  for change in "${changes[@]}"; do
    make_change "$change" "$round"
    progress "warm-incremental: round $round/$rounds, $change change"
    build_all "$change" "$round"
  done
done
stop_private_builder

rows=$(mktemp)
notes=$(mktemp)
cold_wall=$(median_of cold .wall)
cold_cpu=$(median_of cold '.cpu + .builder_cpu')
for case in cold "${changes[@]}"; do
  wall=$(median_of "$case" .wall)
  cpu=$(median_of "$case" '.cpu + .builder_cpu')
  built=$(jq -rs --arg case "$case" 'map(select(.case == $case)) | .[0].images_built' "$samples_file")
  ran=$(jq -rs --arg case "$case" 'map(select(.case == $case)) | .[0].tasks_ran' "$samples_file")
  label=$case
  [[ $case == none ]] && label="no change"
  [[ $case == go ]] && label="one Go file (router)"
  [[ $case == rust ]] && label="one Rust file (candle-binding)"
  [[ $case == dockerfile ]] && label="one Dockerfile (stack)"
  table_row "$label" "$(seconds "$wall")" "$(ratio "$wall" "$cold_wall")" \
    "$(seconds "$cpu")" "$(ratio "$cpu" "$cold_cpu")" "${built:-none}" \
    "${ran:-none}" >>"$rows"
done
cat >"$notes" <<EOF
Cold: one run of \`build-affected --images $images --configuration airgap-multiarch --receipts file:...\` (both platforms, pushed to the loopback registry) in a clone with an empty Nx cache, cargo target folders and Go build cache, on a buildkitd of its own with an empty layer cache.
Each change is committed, then the same command runs; the median of $rounds changes of each kind is shown (each a different edit: a log message of the router in apps/semantic-router/internal/app/app.go, an error message of candle-binding in libs/candle-binding/src/error.rs, both strings the compiled code carries; a LABEL appended to tools/docker/Dockerfile.stack; "no change" is an empty commit).
CPU is user plus system time of the command and its children (Nx, cargo, go, buildx) plus what the private buildkitd and the build steps it ran used in the meantime.
"tasks that ran" are the Nx tasks the build log shows executing rather than restored from the Nx cache, in the first round of that change; container tasks are never cached, so they run for each image the receipts say must be built.
EOF
write_part warm-incremental "Warm and incremental builds" \
  "Cold build of every image for both platforms, then no change, one Go file, one Rust file and one Dockerfile changed, each as a ratio of cold." \
  '["build", "wall s (median)", "wall / cold", "CPU s (median)", "CPU / cold", "images built", "tasks that ran"]' \
  "$rows" "$notes"
rm -f "$rows" "$notes"
rm -rf "$scratch"
