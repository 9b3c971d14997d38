#!/usr/bin/env bash
# install-buildkit.sh: build docker buildx (the CLI plugin nx-container calls)
# and buildkitd (the multi-platform builder behind buildx's remote driver)
# from the Go module proxy, since Debian 12 packages neither.
#
# Usage: tools/scripts/install-buildkit.sh
#
# Installs /usr/local/lib/docker/cli-plugins/docker-buildx and
# /usr/local/bin/buildkitd, skipping each one whose version already matches.
set -euo pipefail

workspace_root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"

[[ ${1:-} == -h || ${1:-} == --help ]] && {
  sed -n '2,10s/^# \{0,1\}//p' "$0"
  exit 0
}

buildx_version=v0.36.1
buildkit_version=v0.34.2
plugin_dir=/usr/local/lib/docker/cli-plugins

install_buildx() {
  if docker buildx version 2>/dev/null | grep -qF " $buildx_version"; then
    log "buildx: $buildx_version present"
    return
  fi
  log "buildx: building $buildx_version from the Go module proxy (a few minutes, once)"
  local gobin
  gobin=$(mktemp -d)
  # buildx reports its version from these variables; nx-container parses
  # it to pick flags, and an empty one reads as v0.0.0.
  GOBIN=$gobin go install \
    -ldflags "-X github.com/docker/buildx/version.Version=$buildx_version -X github.com/docker/buildx/version.Revision=go-install" \
    "github.com/docker/buildx/cmd/buildx@$buildx_version"
  mkdir -p "$plugin_dir"
  install -m 0755 "$gobin/buildx" "$plugin_dir/docker-buildx"
  rm -rf "$gobin"
}

install_buildkitd() {
  if buildkitd --version 2>/dev/null | grep -qF " $buildkit_version"; then
    log "buildkitd: $buildkit_version present"
    return
  fi
  log "buildkitd: building $buildkit_version from the Go module proxy (a few minutes, once)"
  # `go install pkg@version` refuses modules whose go.mod has replace or
  # exclude directives (buildkit's does), so build inside the downloaded
  # module instead, where those directives apply.
  local module_dir
  module_dir=$(go mod download -json "github.com/moby/buildkit@$buildkit_version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -d $module_dir ]] ||
    die "go mod download github.com/moby/buildkit@$buildkit_version gave no module folder"
  (
    cd "$module_dir"
    GOFLAGS=-mod=mod go build \
      -ldflags "-X github.com/moby/buildkit/version.Version=$buildkit_version" \
      -o /usr/local/bin/buildkitd ./cmd/buildkitd
  )
}

command -v go >/dev/null || die "go is not installed (this machine kind has it in /usr/local/go/bin)"
install_buildx
install_buildkitd
