#!/usr/bin/env bash
# fuzz.sh - build the libFuzzer binaries and fuzz every decoder and parser for a bounded time.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   run every target (default 20 s each); exit 1 on any crash
#   scripts/fuzz.sh --make-seeds           regenerate the encoder-made seeds in Fuzz/Corpus
#   SAFFRON_FUZZ_TARGETS="quic lz"         run only these targets
#   SAFFRON_FUZZ_RUNS=10000000             run each target for this many executions instead of a time
#
# Two binaries in .build-fuzz/: saffron-fuzz-codecs (plain swiftc: the SpiceCodecs sources plus
# Fuzz/Targets/Codecs.swift) and saffron-fuzz-protocol (SwiftPM package Fuzz/, because
# SpiceProtocol needs NIOCore). SAFFRON_FUZZ_TARGET picks the target inside a binary.
# Each run fuzzes a copy of Fuzz/Corpus/<target> (the committed corpus is never modified);
# crashing inputs are kept under the printed work folder.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
OUT=.build-fuzz
mkdir -p "$OUT"
CODEC_TARGETS="quic lz glz lz4 jpeg zlib"
SPM_FUZZ_FLAGS=(--sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address)
PROTOCOL_TARGETS="link framer main display-client inputs cursor display-server agent client-canvas client-cursor client-agent"

build_codecs() {
  local bin="$OUT/saffron-fuzz-codecs"
  local sources=(Fuzz/Entry.swift Fuzz/Targets/Codecs.swift Fuzz/Targets/CodecsMain.swift Fuzz/Seeds/CodecSeeds.swift)
  while IFS= read -r f; do sources+=("$f"); done < <(find Sources/SpiceCodecs -name '*.swift' | sort)
  if [ -x "$bin" ] && [ -z "$(find "${sources[@]}" -newer "$bin" 2>/dev/null | head -1)" ]; then return 0; fi
  echo "== building $bin"
  swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name SaffronFuzz "${sources[@]}" \
    -I Sources/CLZ4 -I Sources/CTurboJPEG -I Sources/CZlib -I Sources/CCPUFeatures -llz4 -lturbojpeg -lz -o "$bin" 2>&1 \
    | grep -v "Cannot export local symbol" || true
  [ -x "$bin" ]
}

build_protocol() {
  echo "== building saffron-fuzz-protocol (SwiftPM, Fuzz/Package.swift)"
  # --sanitize=fuzzer links libFuzzer's main but instruments only the root package: -Xswiftc gives
  # SpiceProtocol (and NIOCore) coverage counters too.
  (cd Fuzz && swift build -c release "${SPM_FUZZ_FLAGS[@]}" --scratch-path "../$OUT/spm" \
    --product saffron-fuzz-protocol 2>&1 | grep -vE "Cannot export local symbol|^\[[0-9]+/[0-9]+\]" || true)
  local bin
  bin="$(cd Fuzz && swift build -c release "${SPM_FUZZ_FLAGS[@]}" --scratch-path "../$OUT/spm" --show-bin-path)/saffron-fuzz-protocol"
  [ -x "$bin" ] && ln -sf "$(realpath "$bin")" "$OUT/saffron-fuzz-protocol"
}

binary_for() {
  case " $CODEC_TARGETS " in *" $1 "*) echo "$OUT/saffron-fuzz-codecs" ;; *) echo "$OUT/saffron-fuzz-protocol" ;; esac
}

if [ "${1:-}" = "--make-seeds" ]; then
  build_codecs
  build_protocol
  for bin in "$OUT/saffron-fuzz-codecs" "$OUT/saffron-fuzz-protocol"; do
    SAFFRON_FUZZ_WRITE_SEEDS="$ROOT/Fuzz/Corpus" "$bin"
  done
  exit 0
fi

SECONDS_PER_TARGET="${1:-20}"
TARGETS="${SAFFRON_FUZZ_TARGETS:-$CODEC_TARGETS $PROTOCOL_TARGETS}"
for target in $TARGETS; do
  case " $CODEC_TARGETS $PROTOCOL_TARGETS " in *" $target "*) ;; *) echo "unknown fuzz target $target (known: $CODEC_TARGETS $PROTOCOL_TARGETS)"; exit 2 ;; esac
done
t0=$(date +%s)
build_codecs
case " $TARGETS " in *" link "*|*" framer "*|*" main "*|*" display-client "*|*" inputs "*|*" cursor "*|*" display-server "*|*" agent "*|*" client-canvas "*|*" client-cursor "*|*" client-agent "*) build_protocol ;; esac
built=$(date +%s)

WORK="$(mktemp -d -t saffron-fuzz.XXXXXX)"
summary=()
failed=0
for target in $TARGETS; do
  bin="$(binary_for "$target")"
  corpus="$WORK/corpus/$target"
  mkdir -p "$corpus" "$WORK/crashes"
  [ -d "Fuzz/Corpus/$target" ] && cp -R "Fuzz/Corpus/$target/." "$corpus/"
  log="$WORK/$target.log"
  if [ -n "${SAFFRON_FUZZ_RUNS:-}" ]; then
    limit=(-runs="$SAFFRON_FUZZ_RUNS"); echo "== fuzzing $target for ${SAFFRON_FUZZ_RUNS} executions"
  else
    limit=(-max_total_time="$SECONDS_PER_TARGET"); echo "== fuzzing $target for ${SECONDS_PER_TARGET} s"
  fi
  set +e
  SAFFRON_FUZZ_TARGET="$target" "$bin" "${limit[@]}" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$WORK/crashes/$target-" "$corpus" >"$log" 2>&1
  status=$?
  set -e
  execs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$log" | grep -oE "[0-9]+$" || echo "?")
  rate=$(grep -oE "stat::average_exec_per_sec: *[0-9]+" "$log" | grep -oE "[0-9]+$" || echo "?")
  cov=$(grep -oE "cov: [0-9]+ ft: [0-9]+" "$log" | tail -1 || true)
  units=$(find "$corpus" -type f | wc -l)
  line="$target: ${execs} execs (${rate}/s), ${cov:-cov: ?}, corpus ${units}"
  if [ "$status" -ne 0 ]; then
    failed=1
    artifact=$(grep -oE "Test unit written to [^ ]+" "$log" | sed 's/Test unit written to //' | tail -1 || true)
    line="$line -- FAILED (exit $status): ${artifact:-no crash file} (log $log)"
    grep -E "ERROR: |Fatal error|SUMMARY: " "$log" | head -5 | sed 's/^/   /'
  fi
  echo "$line"
  summary+=("$line")
done
echo
echo "================ Saffron fuzz summary ================"
echo "build $((built - t0)) s, fuzzing $(( $(date +%s) - built )) s, ${SAFFRON_FUZZ_RUNS:+${SAFFRON_FUZZ_RUNS} executions}${SAFFRON_FUZZ_RUNS:-${SECONDS_PER_TARGET} s} per target (work folder $WORK)"
for line in "${summary[@]}"; do echo "fuzz: $line"; done
if [ "$failed" -eq 0 ]; then echo "FUZZ RESULT: no crashes"; else echo "FUZZ RESULT: CRASHES FOUND"; fi
exit "$failed"
