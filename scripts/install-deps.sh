#!/usr/bin/env bash
# install-deps.sh - make this machine able to build Saffron (Debian 12).
#
# Idempotent: checks for Swift, installs only missing Debian packages (one `apt-get update`
# at most). Run as root or with sudo available.
set -euo pipefail

# Debian packages the build needs (C -dev packages for system libraries go here).
BUILD_PKGS=(
  pkg-config          # SwiftPM finds the C libraries through it
  liblz4-dev          # SPICE LZ4 images
  libturbojpeg0-dev   # JPEG / JPEG_ALPHA images
  zlib1g-dev          # ZLIB_GLZ_RGB images
  libx11-dev libxext-dev libxdamage-dev libxfixes-dev libxtst-dev libxrandr-dev  # X11 sessions
  libsasl2-dev        # saffron serve --sasl (Cyrus SASL)
  libsdl2-dev         # saffron view (the viewer window)
)
# What `saffron serve --x11` (and scripts/run.sh's default) runs: a private Xvfb with an xterm.
RUNTIME_PKGS=(xvfb xserver-xorg-core xserver-xorg-video-dummy xauth xterm)

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi

# --- Swift --------------------------------------------------------------------------------
if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
  else
    cat >&2 <<'MSG'
install-deps: Swift 6 was not found (neither `swift` on PATH nor /opt/swift/usr/bin/swift).
  Install the Swift toolchain for Debian 12 from https://www.swift.org/install/linux/
  (e.g. unpack it to /opt/swift so that /opt/swift/usr/bin/swift exists) and run this again.
MSG
    exit 1
  fi
fi
echo "install-deps: $(swift --version 2>/dev/null | head -1)"

# --- Debian packages --------------------------------------------------------------------------
# apt_install PKG...: installs the missing ones; `apt-get update` at most once per run.
APT_UPDATED="${APT_UPDATED:-0}"
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] && [ -z "$SUDO" ]; then
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
    return 1
  fi
  echo "install-deps: installing ${missing[*]}"
  if [ "$APT_UPDATED" != 1 ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
    APT_UPDATED=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
}

if [ ${#BUILD_PKGS[@]} -gt 0 ]; then apt_install "${BUILD_PKGS[@]}"; fi
# What `saffron serve --sasl` loads: the SASL mechanisms (DIGEST-MD5, SCRAM, ...) and the sasldb back-end.
SASL_RUNTIME_PKGS=(libsasl2-modules libsasl2-modules-db)
apt_install "${SASL_RUNTIME_PKGS[@]}"
if [ "${SAFFRON_NO_X11_RUNTIME:-0}" != 1 ]; then apt_install "${RUNTIME_PKGS[@]}"; fi
echo "install-deps: build dependencies present"
