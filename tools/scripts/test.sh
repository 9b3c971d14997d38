#!/usr/bin/env bash
# test.sh: set the machine up, then run every test of the workspace and
# close with one line "N passed, N failed" that sums all suites.
#
# Usage: tools/scripts/test.sh [--no-setup] [suite...]
#   --no-setup  skip tools/scripts/setup.sh
#   suite       run only these suites (default: all; see the list below)
#
# Builds come from the Nx cache when they can; tests always run
# (--skip-nx-cache, or cache: false for the e2e targets, which must not
# pass --skip-nx-cache on: Nx hands it to the nx commands they start as
# NX_SKIP_NX_CACHE=true), so the counts are of tests that ran now.
set -uo pipefail

workspace_root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/scripts/platform.sh
source "$workspace_root/tools/scripts/platform.sh"
cd "$workspace_root" || exit 1

all_suites=(lint-shell build rust go typescript bad-input e2e affected cache-e2e)
run_setup=1
suites=()
for arg in "$@"; do
  case "$arg" in
  --no-setup) run_setup=0 ;;
  -h | --help)
    sed -n '2,13s/^# \{0,1\}//p' "$0"
    echo "  suites: ${all_suites[*]}"
    exit 0
    ;;
  -*) die "test: unknown option \"$arg\" (see --help)" ;;
  *) suites+=("$arg") ;;
  esac
done
[[ ${#suites[@]} -gt 0 ]] || suites=("${all_suites[@]}")

if [[ $run_setup -eq 1 ]]; then
  tools/scripts/setup.sh || die "setup failed; see the lines above"
fi

log_dir=${TEST_LOG_DIR:-$workspace_root/tmp/test-logs}
mkdir -p "$log_dir"
export NX_DAEMON=false NX_TUI=false NX_NO_CLOUD=true NO_COLOR=1 FORCE_COLOR=0 CARGO_TERM_COLOR=never
nx=(npx nx)
passed=0
failed=0
failed_suites=()

# count_results adds the runners' own counts in a log to the totals:
# cargo's "test result:" lines, go test -v's "--- PASS/FAIL" lines and
# vitest's "Tests  N passed | M failed" line. Nx runs with
# --outputStyle=static so each task's output arrives whole and unprefixed.
count_results() {
  local log_file=$1 p f tests_lines
  p=$(grep -hoE 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log_file" |
    awk '{s += $4} END {print s + 0}')
  f=$(grep -hoE 'test result: [a-zA-Z]+\. [0-9]+ passed; [0-9]+ failed' "$log_file" |
    awk '{s += $6} END {print s + 0}')
  passed=$((passed + p))
  failed=$((failed + f))
  p=$(grep -cE '^\s*--- PASS' "$log_file" || true)
  f=$(grep -cE '^\s*--- FAIL' "$log_file" || true)
  passed=$((passed + p))
  failed=$((failed + f))
  # vitest puts the failed count first ("Tests  1 failed | 61 passed"),
  # so each count is taken from anywhere on the line.
  tests_lines=$(grep -hE '^ *Tests +[0-9]' "$log_file")
  p=$(grep -oE '[0-9]+ passed' <<<"$tests_lines" | awk '{s += $1} END {print s + 0}')
  f=$(grep -oE '[0-9]+ failed' <<<"$tests_lines" | awk '{s += $1} END {print s + 0}')
  passed=$((passed + p))
  failed=$((failed + f))
}

# run_suite runs one suite's command with its output teed to a log.
# A suite whose command fails without a test runner's count counts as one
# failed test, so a broken build can never look green.
run_suite() {
  local name=$1 before_failed=$failed status
  shift
  log "== $name: $*"
  "$@" 2>&1 | tee "$log_dir/$name.log"
  status=${PIPESTATUS[0]}
  count_results "$log_dir/$name.log"
  if [[ $status -ne 0 ]]; then
    failed_suites+=("$name")
    [[ $failed -eq $before_failed ]] && failed=$((failed + 1))
  fi
}

suite_go() {
  "${nx[@]}" run-many -t test-go --projects='tag:abi:c' --skip-nx-cache \
    --outputStyle=static --args=-v &&
    "${nx[@]}" run semantic-router:test --skip-nx-cache --outputStyle=static \
      --args=-v
}

suite_affected() {
  tools/scripts/engine.sh start >/dev/null &&
    tools/docker/airgap/build-bases.sh &&
    npx vitest run --config tests/affected/vitest.config.mts
}

suite_lint_shell() {
  local files
  mapfile -t files < <(git ls-files '*.sh' .ci/run)
  shellcheck -x "${files[@]}" && shfmt -i 2 -d "${files[@]}" &&
    echo "--- PASS: shellcheck+shfmt (${#files[@]} files)"
}

for suite in "${suites[@]}"; do
  case "$suite" in
  lint-shell) run_suite lint-shell suite_lint_shell ;;
  build) run_suite build "${nx[@]}" run-many -t build build-host --outputStyle=stream ;;
  rust) run_suite rust "${nx[@]}" run-many -t test check-header --projects='tag:lang:rust' --skip-nx-cache --outputStyle=static ;;
  go) run_suite go suite_go ;;
  typescript) run_suite typescript "${nx[@]}" run-many -t typecheck test --projects='tag:lang:ts' --skip-nx-cache --outputStyle=static ;;
  bad-input) run_suite bad-input npx vitest run --config tests/bad-input/vitest.config.mts ;;
  e2e) run_suite e2e "${nx[@]}" run e2e:test --outputStyle=static ;;
  affected) run_suite affected suite_affected ;;
  cache-e2e) run_suite cache-e2e "${nx[@]}" run cache-e2e:test --outputStyle=static ;;
  *) die "test: unknown suite \"$suite\" (suites: ${all_suites[*]})" ;;
  esac
done

if [[ ${#failed_suites[@]} -gt 0 ]]; then
  log "failed suites: ${failed_suites[*]} (logs in $log_dir)"
fi
echo "$passed passed, $failed failed"
[[ ${#failed_suites[@]} -eq 0 ]]
