#!/usr/bin/env bash
# main.sh: set the machine up, build the extproc image with Nx and show it
# answering an HTTP classification and an Envoy ext_proc request.
#
# Usage: tools/scripts/main.sh [--no-setup] [--keep]
#   --no-setup  skip tools/scripts/setup.sh
#   --keep      leave the extproc container running afterwards
#
# No public registry is reachable here, so the image is built with the
# "airgap" configuration: the same Dockerfile on local base images from
# tools/docker/airgap. Set EXTPROC_CONFIGURATION= (empty) to build on the
# upstream bases instead. The container uses the host network on
# 127.0.0.1:${EXTPROC_HTTP_PORT:-8080} (HTTP) and :${EXTPROC_GRPC_PORT:-50051} (gRPC).
set -euo pipefail

workspace_root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"
cd "$workspace_root"

run_setup=1
keep=0
for arg in "$@"; do
  case "$arg" in
  --no-setup) run_setup=0 ;;
  --keep) keep=1 ;;
  -h | --help)
    sed -n '2,14s/^# \{0,1\}//p' "$0"
    exit 0
    ;;
  *) die "main: unknown option \"$arg\" (see --help)" ;;
  esac
done

configuration=${EXTPROC_CONFIGURATION-airgap}
http_port=${EXTPROC_HTTP_PORT:-8080}
grpc_port=${EXTPROC_GRPC_PORT:-50051}
container=semrouter-extproc-main

[[ $run_setup -eq 1 ]] && tools/scripts/setup.sh
if [[ $configuration == airgap* ]]; then
  tools/docker/airgap/build-bases.sh
fi

target=extproc:container${configuration:+:$configuration}
log "Building the extproc image: npx nx run $target"
start=$(date +%s)
npx nx run "$target" --outputStyle=stream
log "Built extproc:local in $(($(date +%s) - start)) s"

docker rm -f "$container" >/dev/null 2>&1 || true
log "Starting extproc:local on 127.0.0.1:$http_port (HTTP) and :$grpc_port (ext_proc)"
docker run -d --name "$container" --network=host extproc:local \
  --config=/app/config/config.yaml \
  "--http-addr=127.0.0.1:$http_port" "--grpc-addr=127.0.0.1:$grpc_port" >/dev/null
cleanup() {
  [[ $keep -eq 1 ]] || docker rm -f "$container" >/dev/null 2>&1 || true
}
trap cleanup EXIT

for ((i = 0; i < 60; i++)); do
  curl -fsS "http://127.0.0.1:$http_port/health" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$http_port/health" >/dev/null ||
  die "extproc:local did not answer /health within 30 s; container log:
$(docker logs --tail 20 "$container" 2>&1)"

echo "\$ curl -s 127.0.0.1:$http_port/api/v1/classify -d '{\"text\":\"What is the derivative of x squared?\"}'"
curl -fsS "http://127.0.0.1:$http_port/api/v1/classify" \
  -d '{"text":"What is the derivative of x squared?"}'
echo
echo "\$ docker exec $container /app/bin/semantic-router extproc-request --grpc-addr=127.0.0.1:$grpc_port"
docker exec "$container" /app/bin/semantic-router extproc-request \
  "--grpc-addr=127.0.0.1:$grpc_port" \
  --body '{"model":"auto","messages":[{"role":"user","content":"How do I reverse a linked list in Python?"}]}'
if [[ $keep -eq 1 ]]; then
  log "extproc:local keeps running as container $container (docker rm -f $container to stop it)"
fi
