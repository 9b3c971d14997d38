#!/usr/bin/env bash
# shared-vs-per-image.sh: our shape (Nx compiles each crate and the router
# once per architecture; the images only copy) against the upstream shape
# (each image's Dockerfile compiles both crates and the router in its own
# stages), for extproc, stack and vllm-sr on linux/amd64 and linux/arm64.
#
# Both ways start cold, each in a clone of its own with an empty Nx cache,
# no cargo target folders, an empty Go build cache and a buildkitd of its
# own with an empty layer cache, and push to the loopback registry:
#   nx: nx run-many -t container -c airgap-multiarch -p extproc,stack,vllm-sr
#   per-image: nx run dashboard:build, then for each image
#     docker buildx build --platform linux/amd64,linux/arm64
#       -f bench/baseline/Dockerfile.<image>
#     with the builder's cache pruned before each image, as separate CI jobs
#     with their own cache scopes would start.
# Both use the same compilers (Debian's rustc 1.96 and aarch64 gcc, the
# host's Go; bench/baseline/Dockerfile.toolchain) and read crates and Go
# modules from copies of the host's caches; nothing is downloaded.
# Sourced by bench/run.sh with $mode, $samples_file and helpers set.
# shellcheck disable=SC2154

rounds=$([[ $mode == quick ]] && echo 1 || echo 2)
images=(extproc stack vllm-sr)
toolchain=127.0.0.1:5000/semrouter-bench/toolchain:bookworm

# Untimed preparation: bases, the baseline's toolchain image, and the
# crate and module caches as build contexts.
"$workspace_root/tools/docker/airgap/build-bases.sh" --only cc-runtime \
  --only tools --only node-runtime --only prometheus --only debian \
  >>"$bench_log" 2>&1
if ! docker buildx imagetools inspect "$toolchain" >/dev/null 2>&1; then
  progress "shared-vs-per-image: building the baseline toolchain image $toolchain (once)"
  docker buildx build --builder semrouter-multiarch \
    --platform linux/amd64 --build-context "goroot=$(go env GOROOT)" \
    -f "$bench_dir/baseline/Dockerfile.toolchain" \
    --output "type=image,name=$toolchain,push=true" "$bench_dir/baseline" \
    >>"$bench_log" 2>&1
fi
contexts=$(mktemp -d "$TMPDIR/bench-contexts.XXXXXX")
mkdir -p "$contexts/cargo-registry"
cp -r "${CARGO_HOME:-$HOME/.cargo}/registry/index" \
  "${CARGO_HOME:-$HOME/.cargo}/registry/cache" "$contexts/cargo-registry/"
host_go_proxy="file://$(go env GOMODCACHE)/cache/download"
(cd "$workspace_root" && GOMODCACHE="$contexts/gomod" GOFLAGS=-mod=mod \
  GOPROXY=$host_go_proxy GOSUMDB=off go mod download) >>"$bench_log" 2>&1
progress "shared-vs-per-image: build contexts in $contexts ($(du -sh "$contexts" | cut -f1))"

# rust_compilations counts the crate compilations in a build log: cargo's
# "Compiling candle-binding v..." and "Compiling ml-binding v..." lines.
# Nx's stream output may break such a line after "Compiling" and prefix
# the rest with "<project>: ", so lines are joined before matching.
rust_compilations() {
  tr '\n' ' ' <"$1" |
    grep -oE 'Compiling +([A-Za-z0-9_.-]+: +)?(candle-binding|ml-binding) v' |
    wc -l
}

# The steps of each way as scripts, since timed runs a program:
#   <script> <clone>   (output: the round's build.log, through timed_log)
cat >"$contexts/nx-way.sh" <<'EOF'
set -e
cd "$1"
npx nx run-many -t container -c airgap-multiarch \
  -p extproc,stack,vllm-sr --outputStyle=stream
EOF
cat >"$contexts/per-image-way.sh" <<EOF
set -e
cd "\$1"
npx nx run dashboard:build --outputStyle=stream
for image in ${images[*]}; do
  docker buildx prune -af
  docker buildx build --platform linux/amd64,linux/arm64 --progress plain \\
    -f "$bench_dir/baseline/Dockerfile.\$image" \\
    --build-context "cargo-registry=$contexts/cargo-registry" \\
    --build-context "go-proxy=$contexts/gomod/cache/download" \\
    --output "type=image,name=127.0.0.1:5000/bench-per-image/\$image:local,push=true" \\
    .
done
EOF

for ((round = 1; round <= rounds; round++)); do
  for way in nx per-image; do
    clone=$(fresh_clone)
    scratch=$(dirname "$clone")
    use_private_nx_cache "$clone"
    export GOCACHE="$scratch/go-cache"
    if [[ $way == nx ]]; then
      use_bench_registry "$clone" 127.0.0.1:5000/bench-shared
    fi
    start_private_builder shared
    log="$scratch/build.log"
    progress "shared-vs-per-image: round $round/$rounds, $way way (cold)"
    before=$(process_cpu "$builder_pid")
    times=$(timed_log=$log timed bash "$contexts/$way-way.sh" "$clone")
    after=$(process_cpu "$builder_pid")
    stop_private_builder
    record_sample "$way" "$round" "$times" "$(jq -cn \
      --argjson builder "$(awk "BEGIN {print $after - $before}")" \
      --argjson rust "$(rust_compilations "$log")" \
      '{builder_cpu: $builder, rust_compilations: $rust}')"
    progress "shared-vs-per-image: $way: $(rust_compilations "$log") crate compilations"
    rm -rf "$scratch"
    unset GOCACHE
  done
done
rm -rf "$contexts"

rows=$(mktemp)
notes=$(mktemp)
nx_cpu=$(median_of nx '.cpu + .builder_cpu')
for way in nx per-image; do
  cpu=$(median_of "$way" '.cpu + .builder_cpu')
  table_row "$way" "$(median_of "$way" .rust_compilations)" \
    "$(seconds "$(median_of "$way" .wall)")" "$(seconds "$cpu")" \
    "$(ratio "$cpu" "$nx_cpu")" >>"$rows"
done
cat >"$notes" <<EOF
Median of $rounds cold run(s) per way; each builds extproc, stack and vllm-sr for linux/amd64 and linux/arm64 and pushes them to the loopback registry.
nx: \`nx run-many -t container -c airgap-multiarch -p extproc,stack,vllm-sr\` with the repository's Dockerfiles, which copy what Nx built (each crate and the router once per architecture, the supervisor, the dashboard).
per-image: \`nx run dashboard:build\`, then \`docker buildx build --platform linux/amd64,linux/arm64 -f bench/baseline/Dockerfile.<image>\` per image, each compiling both crates and the router (and the supervisor) in its own cross-compiling stages, the builder's cache pruned before each image as separate CI jobs would start.
Rust compilations counts cargo's "Compiling candle-binding" and "Compiling ml-binding" lines in the logs (one per crate, architecture and build).
CPU is user plus system time of the command and its children (Nx, cargo, go, buildx) plus what the private buildkitd and the build steps it ran used; the same compilers on both sides.
EOF
write_part shared-vs-per-image "Shared artifacts versus per-image compiles" \
  "Cold builds of extproc, stack and vllm-sr for both platforms: Nx compiling each artifact once, against upstream-style Dockerfiles compiling everything per image." \
  '["way", "Rust compilations", "wall s", "CPU s", "CPU ratio to nx"]' \
  "$rows" "$notes"
rm -f "$rows" "$notes"
