#!/usr/bin/env bash
# s3-server.sh: a real S3-compatible server on loopback for the cache
# server's S3 specs: gofakes3 (MIT), built once from the Go module proxy.
#
# Usage: apps/cache-server/scripts/s3-server.sh install
#        apps/cache-server/scripts/s3-server.sh start STATE_DIR [BUCKET]
#        apps/cache-server/scripts/s3-server.sh stop STATE_DIR
#
# start prints "endpoint=http://127.0.0.1:PORT" and "bucket=NAME" once the
# server answers; it keeps its objects in memory and its pid and log in
# STATE_DIR. It checks no signature, so any access key works.
set -euo pipefail

workspace_root=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"

gofakes3_version=v1.2.0
tools_dir=${CACHE_SERVER_TOOLS_DIR:-$workspace_root/tmp/tools}
binary=$tools_dir/gofakes3-$gofakes3_version

install_gofakes3() {
  [[ -x $binary ]] && return
  command -v go >/dev/null || die "s3-server: go is not installed (run tools/scripts/setup.sh)"
  log "gofakes3: building $gofakes3_version from the Go module proxy (once)"
  local gobin
  gobin=$(mktemp -d)
  GOBIN=$gobin GOFLAGS=-mod=mod go install \
    "github.com/johannesboyne/gofakes3/cmd/gofakes3@$gofakes3_version"
  mkdir -p "$tools_dir"
  install -m 0755 "$gobin/gofakes3" "$binary"
  rm -rf "$gobin"
}

start_server() {
  local state_dir=${1:?start needs STATE_DIR} bucket=${2:-nx-cache} port
  install_gofakes3
  mkdir -p "$state_dir"
  : >"$state_dir/gofakes3.log"
  # Port 0: the kernel picks a free port and gofakes3 logs which one.
  "$binary" -backend memory -host 127.0.0.1:0 -initialbucket "$bucket" \
    >"$state_dir/gofakes3.log" 2>&1 &
  echo $! >"$state_dir/gofakes3.pid"
  for _ in $(seq 100); do
    port=$(sed -n 's/.*using port: \([0-9]*\).*/\1/p' "$state_dir/gofakes3.log")
    if [[ -n $port ]] && curl -fsS -o /dev/null "http://127.0.0.1:$port/$bucket"; then
      echo "endpoint=http://127.0.0.1:$port"
      echo "bucket=$bucket"
      return
    fi
    kill -0 "$(cat "$state_dir/gofakes3.pid")" 2>/dev/null ||
      die "s3-server: gofakes3 exited: $(tail -5 "$state_dir/gofakes3.log")"
    sleep 0.1
  done
  die "s3-server: gofakes3 did not answer within 10 s: $(tail -5 "$state_dir/gofakes3.log")"
}

stop_server() {
  local pid_file=${1:?stop needs STATE_DIR}/gofakes3.pid
  [[ -f $pid_file ]] || return 0
  kill "$(cat "$pid_file")" 2>/dev/null || true
  rm -f "$pid_file"
}

case "${1:-}" in
install) install_gofakes3 ;;
start) start_server "${@:2}" ;;
stop) stop_server "${@:2}" ;;
-h | --help) sed -n '2,12s/^# \{0,1\}//p' "$0" ;;
*) die "s3-server: unknown command \"${1:-}\" (use install, start or stop)" ;;
esac
