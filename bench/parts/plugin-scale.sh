#!/usr/bin/env bash
# plugin-scale.sh: what our Nx plugin costs as the number of images grows.
#
# Clones the workspace once per size and replaces tools/docker/images.json
# with 6, 100 or 500 generated images whose Dockerfiles copy build
# artifacts, project folders, globs and unowned files (all the kinds of
# source the plugin resolves). Each run computes the project graph from
# nothing (daemon off, a new workspace-data folder) with `nx show projects`;
# the rounds visit the sizes in turn so machine noise spreads over all.
# Sourced by bench/run.sh with $mode, $samples_file and helpers set.
# shellcheck disable=SC2154

sizes=(6 100 500)
rounds=$([[ $mode == quick ]] && echo 3 || echo 7)

# fixture_dockerfile prints the Dockerfile of generated image number $1;
# three shapes take turns.
fixture_dockerfile() {
  local number=$1
  case $((number % 3)) in
  0)
    cat <<'EOF'
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot
FROM ${RUNTIME_IMAGE} AS runtime
ARG TARGETARCH
COPY dist/libs/candle-binding/linux-${TARGETARCH}/libcandle_binding.so /app/lib/
COPY dist/libs/ml-binding/linux-${TARGETARCH}/libml_binding.so /app/lib/
COPY dist/apps/semantic-router/linux-${TARGETARCH}/semantic-router /app/bin/
COPY apps/semantic-router/config/ /app/config/
USER 65532:65532
ENTRYPOINT ["/app/bin/semantic-router"]
EOF
    ;;
  1)
    cat <<'EOF'
ARG TOOLS_IMAGE=debian:bookworm-slim
FROM --platform=$BUILDPLATFORM ${TOOLS_IMAGE} AS headers
COPY libs/ml-binding/include/*.h /out/include/
COPY libs/candle-binding/include/ /out/include/
FROM ${TOOLS_IMAGE} AS runtime
COPY --from=headers /out/ /usr/local/
COPY apps/semantic-router/config/config.yaml /etc/router/
EOF
    ;;
  2)
    cat <<'EOF'
ARG TOOLS_IMAGE=debian:bookworm-slim
FROM ${TOOLS_IMAGE} AS check
ARG TARGETARCH
ENV LIB_DIR=dist/libs/ml-binding/linux-${TARGETARCH}
COPY tools/docker/check-elf-arch.sh /usr/local/bin/check-elf-arch
RUN --mount=type=bind,source=${LIB_DIR},target=/lib-in \
    check-elf-arch "${TARGETARCH}" /lib-in/libml_binding.so
EOF
    ;;
  esac
}

# write_fixture_images replaces a clone's images.json with $2 images.
write_fixture_images() {
  local clone=$1 count=$2 number name entries=()
  for ((number = 0; number < count; number++)); do
    name=$(printf 'bench-image-%03d' "$number")
    fixture_dockerfile "$number" >"$clone/tools/docker/Dockerfile.$name"
    entries+=("$(jq -cn --arg name "$name" '{($name): {
      dockerfile: ("Dockerfile." + $name), context: ".",
      platforms: ["linux/amd64", "linux/arm64"], buildArgs: {},
      airgapBuildArgs: {}, budgetMinutes: 10,
      registryName: ("ghcr.io/semrouter/" + $name)}}')")
  done
  printf '%s\n' "${entries[@]}" |
    jq -s '{images: add}' >"$clone/tools/docker/images.json"
}

declare -A clones
for size in "${sizes[@]}"; do
  clones[$size]=$(fresh_clone)
  write_fixture_images "${clones[$size]}" "$size"
  progress "plugin-scale: workspace with $size images in ${clones[$size]}"
done

for ((round = 1; round <= rounds; round++)); do
  for size in "${sizes[@]}"; do
    clone=${clones[$size]}
    data_dir=$(mktemp -d)
    progress "plugin-scale: round $round/$rounds, $size images: nx show projects"
    # The redirect runs inside the timed process so the list can be
    # counted afterwards without a second graph computation.
    # shellcheck disable=SC2016
    times=$(cd "$clone" && NX_WORKSPACE_DATA_DIRECTORY=$data_dir \
      NX_CACHE_DIRECTORY=$data_dir/cache \
      timed sh -c 'exec node_modules/.bin/nx show projects --json >"$0"' \
      "$data_dir/projects.json")
    projects=$(jq length "$data_dir/projects.json")
    record_sample "$size" "$round" "$times" "{\"projects\": $projects}"
    rm -rf "$data_dir"
  done
done

rows=$(mktemp)
notes=$(mktemp)
base_wall=$(median_of 6 .wall)
base_cpu=$(median_of 6 .cpu)
for size in "${sizes[@]}"; do
  wall=$(median_of "$size" .wall)
  cpu=$(median_of "$size" .cpu)
  projects=$(jq -s --arg case "$size" \
    'map(select(.case == $case)) | .[0].projects' "$samples_file")
  table_row "$size" "$projects" "$(seconds "$wall")" "$(ratio "$wall" "$base_wall")" \
    "$(seconds "$cpu")" "$(ratio "$cpu" "$base_cpu")" >>"$rows"
done
cat >"$notes" <<EOF
Median of $rounds runs per size; each run is \`nx show projects --json\` with NX_DAEMON=false and a new, empty NX_WORKSPACE_DATA_DIRECTORY, so the whole project graph (every plugin, every project.json) is computed from nothing.
The workspace is a clone of this one (its own projects stay) whose tools/docker/images.json holds only generated images; a third of them copy dist/ artifacts (dependsOn on build targets), a third copy globs and project folders, a third bind-mount an artifact folder in a RUN.
The projects each run printed are counted, so the plugin's output is checked, not only its speed.
EOF
write_part plugin-scale "Plugin cost at scale" \
  "Project-graph computation time with 6, 100 and 500 image definitions, as a ratio of the 6-image workspace." \
  '["images", "projects in graph", "wall s (median)", "wall ratio to 6", "CPU s (median)", "CPU ratio to 6"]' \
  "$rows" "$notes"
rm -f "$rows" "$notes"
for size in "${sizes[@]}"; do
  rm -rf "$(dirname "${clones[$size]}")"
done
