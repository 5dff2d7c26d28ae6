#!/usr/bin/env bash
# test.sh - install the build and interop test dependencies, build, and run every test target:
# first the unit tests, then the interop tests (saffron serve against spice-gtk, tshark, QEMU),
# then a short libFuzzer run of every decoder and parser (scripts/fuzz.sh),
# each `swift test` run in its own process with a time bound, so a hung unit test cannot starve
# the interop tests or eat CI's 90 minutes. Exit status 0 only if everything passed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
start=$(date +%s)
# shellcheck source=install-test-deps.sh
source scripts/install-test-deps.sh
deps_done=$(date +%s)

# Extra SwiftPM options for every step, e.g. SAFFRON_SWIFTPM_FLAGS="--scratch-path .build-x".
read -r -a spm_flags <<<"${SAFFRON_SWIFTPM_FLAGS:-}"
spm() { "$@" ${spm_flags[@]+"${spm_flags[@]}"}; }
UNIT_MINUTES="${SAFFRON_UNIT_TEST_MINUTES:-15}"
INTEROP_MINUTES="${SAFFRON_INTEROP_TEST_MINUTES:-20}"
# Seconds per fuzz target (13 targets; 0 skips fuzzing), and the bound on the whole fuzz part.
FUZZ_SECONDS="${SAFFRON_FUZZ_SECONDS:-10}"
FUZZ_MINUTES="${SAFFRON_FUZZ_MINUTES:-30}"

echo "== swift build (sources and tests)"
spm swift build
spm swift build --build-tests
build_done=$(date +%s)

LOGDIR="$(mktemp -d -t saffron-test.XXXXXX)"
# run_tests NAME MINUTES SWIFT-TEST-ARGS...: one `swift test` process, output teed to a log.
run_tests() {
  local name=$1 minutes=$2 status t0
  shift 2
  echo "== swift test ($name, at most $minutes min)"
  t0=$(date +%s)
  set +e
  spm timeout --kill-after=30 "${minutes}m" swift test --skip-build "$@" 2>&1 | tee "$LOGDIR/$name.log"
  status=${PIPESTATUS[0]}
  set -e
  [ "$status" -eq 124 ] && echo "== $name tests TIMED OUT after $minutes min (still running: see the last 'started' lines above)"
  echo "$status $(( $(date +%s) - t0 ))" >"$LOGDIR/$name.status"
}
run_tests unit "$UNIT_MINUTES" --skip InteropTests
run_tests interop "$INTEROP_MINUTES" --filter InteropTests
# run_fuzz: scripts/fuzz.sh (builds the fuzzers into .build-fuzz/, then FUZZ_SECONDS per target).
run_fuzz() {
  local status t0
  echo "== fuzzing ($FUZZ_SECONDS s per target, at most $FUZZ_MINUTES min)"
  t0=$(date +%s)
  set +e
  timeout --kill-after=30 "${FUZZ_MINUTES}m" scripts/fuzz.sh "$FUZZ_SECONDS" 2>&1 | tee "$LOGDIR/fuzz.log"
  status=${PIPESTATUS[0]}
  set -e
  [ "$status" -eq 124 ] && echo "== fuzzing TIMED OUT after $FUZZ_MINUTES min"
  echo "$status $(( $(date +%s) - t0 ))" >"$LOGDIR/fuzz.status"
}
parts="unit interop"
if [ "$FUZZ_SECONDS" -gt 0 ]; then run_fuzz; parts="$parts fuzz"; fi
end=$(date +%s)

echo
echo "================ Saffron test summary ================"
echo "dependencies $((deps_done - start)) s, build $((build_done - deps_done)) s, tests $((end - build_done)) s (logs: $LOGDIR)"
overall=0
for name in $parts; do
  read -r status secs <"$LOGDIR/$name.status"
  log="$LOGDIR/$name.log"
  if [ "$name" = fuzz ]; then
    echo "-- fuzz: scripts/fuzz.sh exit $status in ${secs} s: $(grep -E "^FUZZ RESULT" "$log" | tail -1 || true)"
    grep -E "^fuzz: " "$log" || true
    if [ "$status" -ne 0 ]; then
      overall=1
      echo "   failures:"
      grep -E "FAILED|ERROR: |SUMMARY: |TIMED OUT|error: " "$log" | sed 's/^/   /' | head -40 || true
    fi
    continue
  fi
  # Swift Testing's final line, and XCTest's totals
  result=$(grep -E "Test run with [0-9]+ test" "$log" | tail -1 || true)
  echo "-- $name: swift test exit $status in ${secs} s: ${result:-no Swift Testing result line}"
  grep -E "Suite .* (passed|failed) after|^interop: " "$log" | grep -vE "Suite \"Interop\"" || true
  if [ "$status" -ne 0 ]; then
    overall=1
    echo "   failures:"
    grep -E "(Test|Suite) .* failed after|recorded an issue|error: |Fatal error|TIMED OUT" "$log" | sed 's/^/   /' | head -40 || true
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
      echo "   probably still running at the time limit (started, no result line; output may be cut):"
      grep -oE "Test [^ ].* started" "$log" | sed -E 's/ started$//' | sort -u >"$LOGDIR/$name.started"
      grep -oE "Test [^ ].* (passed|failed) after" "$log" | sed -E 's/ (with [0-9]+ test cases )?(passed|failed) after$//' | sort -u >"$LOGDIR/$name.done"
      comm -23 "$LOGDIR/$name.started" "$LOGDIR/$name.done" | sed 's/^/   /' | head -20
    fi
  fi
done
if [ "$overall" -eq 0 ]; then echo "RESULT: all tests passed"; else echo "RESULT: FAILED"; fi
exit "$overall"
