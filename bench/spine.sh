#!/usr/bin/env bash
# spine.sh: the first benchmark of the workspace, measured side by side in
# one run on this machine:
#   1. cold build of every project for linux/amd64 and linux/arm64 in a
#      fresh clone (empty Nx cache, empty Rust target folders);
#   2. the same command again (warm no-op) as a ratio of the cold one;
#   3. router classify throughput and latency percentiles over HTTP on
#      loopback (wrk, 2 threads, 16 connections).
#
# Usage: bench/spine.sh [--quick]
#   --quick  skip the cold build (1, 2); only the router load (3), 5 s
#
# Prints one Markdown table; paste it into bench/RESULTS.md with the date.
set -euo pipefail

workspace_root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"

quick=0
case "${1:-}" in
--quick) quick=1 ;;
-h | --help)
  sed -n '2,13s/^# \{0,1\}//p' "$0"
  exit 0
  ;;
"") ;;
*) die "spine: unknown option \"$1\" (see --help)" ;;
esac

# What the README's commands need (node_modules, toolchains, wrk); setup
# skips what is present.
log "Setting up this machine (tools/scripts/setup.sh --no-engine)"
"$workspace_root/tools/scripts/setup.sh" --no-engine >&2
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
export NX_DAEMON=false NX_TUI=false NX_NO_CLOUD=true
rows=()

# seconds_of runs a command and prints its wall time in seconds.
seconds_of() {
  local start end
  start=$(date +%s.%N)
  "$@" >&2
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

if [[ $quick -eq 0 ]]; then
  clone=$(mktemp -d)
  trap 'rm -rf "$clone"' EXIT
  log "Cloning HEAD into $clone for a cold build"
  git clone --quiet --local "$workspace_root" "$clone/ws"
  ln -s "$workspace_root/node_modules" "$clone/ws/node_modules"
  cd "$clone/ws"
  build=(npx nx run-many -t build --outputStyle=stream)
  log "Cold: ${build[*]}"
  cold=$(seconds_of "${build[@]}")
  log "Warm: ${build[*]}"
  warm=$(seconds_of "${build[@]}")
  rows+=("| cold build, all projects, amd64 + arm64 | $(printf '%.1f' "$cold") s | 1 |")
  rows+=("| warm no-op build (all cache hits) | $(printf '%.1f' "$warm") s | $(printf '%.4f' "$(echo "$warm / $cold" | bc -l)") |")
  cd "$workspace_root"
fi

log "Building the host router for the load test"
npx nx run semantic-router:build-host --outputStyle=stream >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
grpc_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
LD_LIBRARY_PATH="$workspace_root/dist/libs/candle-binding/host:$workspace_root/dist/libs/ml-binding/host" \
  "$workspace_root/dist/apps/semantic-router/host/semantic-router" \
  --config="$workspace_root/apps/semantic-router/config/config.yaml" \
  --http-addr="127.0.0.1:$port" --grpc-addr="127.0.0.1:$grpc_port" \
  --log-level=warn 2>/dev/null &
router_pid=$!
trap 'kill $router_pid 2>/dev/null || true; rm -rf "${clone:-/nonexistent}"' EXIT
for ((i = 0; i < 100; i++)); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.2
done

duration=$([[ $quick -eq 1 ]] && echo 5s || echo 20s)
lua=$(mktemp --suffix=.lua)
cat >"$lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"text":"What is the derivative of x squared?"}'
LUA
log "Load: wrk -t2 -c16 -d$duration --latency POST /api/v1/classify"
report=$(wrk -t2 -c16 -d"$duration" --latency -s "$lua" "http://127.0.0.1:$port/api/v1/classify")
rm -f "$lua"
echo "$report" >&2
rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$report")
p50=$(awk '$1 == "50%" {print $2}' <<<"$report")
p99=$(awk '$1 == "99%" {print $2}' <<<"$report")
errors=$(awk '/Non-2xx/ {print $NF}' <<<"$report")
rows+=("| router classify over HTTP, 16 connections | $rps req/s | p50 $p50, p99 $p99, non-2xx ${errors:-0} |")

echo "| measurement | value | ratio / detail |"
echo "|---|---|---|"
printf '%s\n' "${rows[@]}"
