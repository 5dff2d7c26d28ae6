#!/usr/bin/env bash
# test.sh - install the build and interop test dependencies, build, and run every test target
# (unit tests and the interop tests against spice-gtk, tshark ...). Exit status 0 only if all pass.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
start=$(date +%s)
# shellcheck source=install-test-deps.sh
source scripts/install-test-deps.sh
deps_done=$(date +%s)

echo "== swift build"
swift build
build_done=$(date +%s)

echo "== swift test"
LOG="$(mktemp -t saffron-test.XXXXXX.log)"
set +e
swift test 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
set -e
end=$(date +%s)

echo
echo "================ Saffron test summary ================"
echo "dependencies: $((deps_done - start)) s, build: $((build_done - deps_done)) s, tests: $((end - build_done)) s"
# Swift Testing: per-suite and per-test results and the final line; XCTest: "Executed ..." lines.
grep -E "(Suite|Test) .* (passed|failed) after|Test run with|Executed [0-9]+ test" "$LOG" | grep -vE "^\s*$" | tail -60 || true
failed=$(grep -cE "Test .* failed after" "$LOG" || true)
if [ "$status" -eq 0 ]; then
  echo "RESULT: all tests passed"
else
  echo "RESULT: FAILED (swift test exit $status, $failed failing test(s)):"
  grep -E "Test .* failed after|error: |Expectation failed|recorded an issue" "$LOG" | head -60 || true
fi
exit "$status"
