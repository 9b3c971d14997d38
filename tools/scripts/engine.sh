#!/usr/bin/env bash
# engine.sh: start or stop the local container engine (Debian's docker.io),
# a container registry on loopback (Debian's docker-registry) and a
# buildkitd for multi-platform builds behind buildx's remote driver.
#
# Usage: tools/scripts/engine.sh start|stop|status
#
# The daemon runs without a bridge network and without iptables rules, so
# containers run only with --network=none or --network=host. The registry
# listens on 127.0.0.1:${LOCAL_REGISTRY_PORT:-5000}. buildkitd is reachable
# as the buildx builder "semrouter-multiarch" (select it for nx-container
# with INPUT_BUILDER=semrouter-multiarch). State lives under
# ${ENGINE_STATE_DIR:-/var/lib/semrouter-engine}.
set -euo pipefail

workspace_root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"

state_dir=${ENGINE_STATE_DIR:-/var/lib/semrouter-engine}
registry_port=${LOCAL_REGISTRY_PORT:-5000}
builder_name=semrouter-multiarch
buildkit_socket=$state_dir/buildkitd.sock

engine_running() {
  docker info >/dev/null 2>&1
}

registry_running() {
  curl -fsS "http://127.0.0.1:$registry_port/v2/" >/dev/null 2>&1
}

wait_for() {
  local what=$1 check=$2 log_file=$3 i
  for ((i = 0; i < 60; i++)); do
    "$check" && return 0
    sleep 0.5
  done
  die "$what did not start within 30 s; last lines of $log_file:
$(tail -n 20 "$log_file" 2>/dev/null)"
}

start_engine() {
  if engine_running; then
    log "Container engine: already running ($(docker version --format '{{.Server.Version}}'))"
    return
  fi
  command -v dockerd >/dev/null ||
    die "no container engine: dockerd is not installed (run tools/scripts/setup.sh, which installs docker.io)"
  mkdir -p "$state_dir"
  log "Container engine: starting dockerd (log: $state_dir/dockerd.log)"
  # --bridge=none/--iptables=false: this sandbox has no bridge networking;
  # containers use --network=none or host. --experimental lets docker
  # import honour --platform (the air-gapped arm64 base).
  nohup dockerd --experimental --bridge=none --iptables=false --ip6tables=false \
    >"$state_dir/dockerd.log" 2>&1 &
  echo $! >"$state_dir/dockerd.pid"
  wait_for dockerd engine_running "$state_dir/dockerd.log"
  log "Container engine: running ($(docker version --format '{{.Server.Version}}'))"
}

start_registry() {
  if registry_running; then
    log "Registry: already answering on 127.0.0.1:$registry_port"
    return
  fi
  command -v docker-registry >/dev/null ||
    die "no registry: docker-registry is not installed (run tools/scripts/setup.sh)"
  mkdir -p "$state_dir/registry"
  cat >"$state_dir/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $state_dir/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$registry_port
YAML
  log "Registry: starting on 127.0.0.1:$registry_port (log: $state_dir/registry.log)"
  nohup docker-registry serve "$state_dir/registry.yml" \
    >"$state_dir/registry.log" 2>&1 &
  echo $! >"$state_dir/registry.pid"
  wait_for registry registry_running "$state_dir/registry.log"
}

buildkitd_running() {
  [[ -S $buildkit_socket ]] &&
    docker buildx inspect "$builder_name" 2>/dev/null | grep -q 'Status: *running'
}

start_buildkitd() {
  if ! command -v buildkitd >/dev/null; then
    log "warning: buildkitd is not installed, so multi-platform builds are unavailable (run tools/scripts/install-buildkit.sh)"
    return
  fi
  if ! [[ -S $buildkit_socket ]] || ! pgrep -x buildkitd >/dev/null; then
    mkdir -p "$state_dir/buildkit"
    # The loopback registry speaks plain HTTP. Both platforms are declared
    # so builds for arm64 are accepted even with binfmt_misc off: the
    # Dockerfiles never run a command in a target-platform stage.
    cat >"$state_dir/buildkitd.toml" <<TOML
[registry."127.0.0.1:$registry_port"]
  http = true
  insecure = true
[worker.oci]
  enabled = true
  platforms = ["linux/amd64", "linux/arm64"]
  gc = true
  gckeepstorage = 20000
[worker.containerd]
  enabled = false
TOML
    rm -f "$buildkit_socket"
    log "buildkitd: starting (log: $state_dir/buildkitd.log)"
    # --oci-worker-net=host: no CNI here; build steps reach nothing but
    # loopback anyway, since this machine has no other network.
    nohup buildkitd --config "$state_dir/buildkitd.toml" \
      --root "$state_dir/buildkit" --addr "unix://$buildkit_socket" \
      --oci-worker-net=host >"$state_dir/buildkitd.log" 2>&1 &
    echo $! >"$state_dir/buildkitd.pid"
  fi
  if ! docker buildx inspect "$builder_name" >/dev/null 2>&1; then
    docker buildx create --name "$builder_name" --driver remote \
      "unix://$buildkit_socket" >/dev/null
  fi
  wait_for buildkitd buildkitd_running "$state_dir/buildkitd.log"
  log "buildkitd: running as buildx builder $builder_name"
}

stop_pidfile() {
  local pid_file=$1
  [[ -f $pid_file ]] || return 0
  kill "$(cat "$pid_file")" 2>/dev/null || true
  rm -f "$pid_file"
}

case "${1:-}" in
start)
  start_engine
  start_registry
  start_buildkitd
  ;;
stop)
  stop_pidfile "$state_dir/buildkitd.pid"
  stop_pidfile "$state_dir/registry.pid"
  stop_pidfile "$state_dir/dockerd.pid"
  ;;
status)
  engine_running && echo "engine: running" || echo "engine: stopped"
  registry_running && echo "registry: 127.0.0.1:$registry_port" || echo "registry: stopped"
  buildkitd_running && echo "buildkitd: builder $builder_name" || echo "buildkitd: stopped"
  ;;
-h | --help) sed -n '2,13s/^# \{0,1\}//p' "$0" ;;
*)
  sed -n '2,13s/^# \{0,1\}//p' "$0" >&2
  exit 2
  ;;
esac
