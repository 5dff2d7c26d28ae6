#!/usr/bin/env bash
# run.sh [serve options] - install what the build needs, build Saffron (release) and serve a
# desktop: a private X11 desktop (Xvfb + a light desktop or xterm) when Xvfb is installed, the
# built-in demo otherwise (SAFFRON_DESKTOP=demo or =x11 forces one). Extra arguments go to
# `saffron serve` (e.g. --port 5901 --size 1920x1080 --session 'xterm -geometry 120x40').
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
explicit_desktop=0
for a in "$@"; do case "$a" in --demo|--demo=*|--x11|--display|--display=*) explicit_desktop=1 ;; esac; done
case "${SAFFRON_DESKTOP:-auto}" in
  demo) echo "run.sh: serving the built-in demo desktop (SAFFRON_DESKTOP=demo)" ;;
  x11) args+=(--x11); echo "run.sh: serving a private X11 desktop (SAFFRON_DESKTOP=x11)" ;;
  *)
    if [ "$explicit_desktop" = 1 ]; then
      echo "run.sh: serving what the options ask for"
    elif command -v Xvfb >/dev/null 2>&1 && command -v xauth >/dev/null 2>&1; then
      args+=(--x11)
      echo "run.sh: an X server is installed: serving a private X11 desktop (SAFFRON_DESKTOP=demo for the demo)"
    else
      echo "run.sh: Xvfb not installed: serving the built-in demo desktop (apt-get install xvfb xauth xterm for X11)"
    fi ;;
esac
has_password_file=0
for a in "$@"; do case "$a" in --password-file|--password-file=*) has_password_file=1 ;; esac; done
if [ -z "${SAFFRON_PASSWORD:-}" ] && [ "$has_password_file" = 0 ]; then
  args+=(--disable-ticketing)
fi
exec "$BIN" "${args[@]}" "$@"
