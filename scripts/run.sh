#!/usr/bin/env bash
# run.sh [serve options] - install what the build needs, build Saffron (release) and serve the
# built-in demo desktop. Extra arguments go to `saffron serve` (e.g. --port 5901 --size 1920x1080).
# Without SAFFRON_PASSWORD (or --password-file) ticketing is disabled: anyone who can reach the
# port can connect, so keep the default --addr 127.0.0.1.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=install-deps.sh
source scripts/install-deps.sh
# Extra SwiftPM options, e.g. SAFFRON_SWIFTPM_FLAGS="--scratch-path .build-x".
read -r -a spm_flags <<<"${SAFFRON_SWIFTPM_FLAGS:-}"
swift build -c release --product saffron ${spm_flags[@]+"${spm_flags[@]}"}
BIN="$(swift build -c release --show-bin-path ${spm_flags[@]+"${spm_flags[@]}"})/saffron"
args=(serve)
has_password_file=0
for a in "$@"; do case "$a" in --password-file|--password-file=*) has_password_file=1 ;; esac; done
if [ -z "${SAFFRON_PASSWORD:-}" ] && [ "$has_password_file" = 0 ]; then
  args+=(--disable-ticketing)
fi
exec "$BIN" "${args[@]}" "$@"
