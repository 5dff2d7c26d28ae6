#!/usr/bin/env bash
# install-test-deps.sh - install-deps.sh plus the reference SPICE peers the interop tests drive
# (spice-gtk's spicy-screenshot and SpiceClientGLib, tshark, Xvfb ...). Idempotent.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SHARED="${SAFFRON_SHARED:-$ROOT/../shared}"

# shellcheck source=install-deps.sh
source "$HERE/install-deps.sh"

TEST_PKGS=(
  spice-client-gtk gir1.2-spiceclientglib-2.0 python3-gi python3-pil
  tshark xvfb xserver-xorg-core xserver-xorg-video-dummy xauth xclip x11-apps x11-utils x11-xserver-utils xterm xdotool procps iproute2 qemu-system-x86
  libspice-protocol-dev
  sasl2-bin           # saslpasswd2 makes the SASL tests' sasldb
)

if [ -x "$SHARED/interop/install-peers.sh" ] || [ -f "$SHARED/interop/install-peers.sh" ]; then
  echo "install-test-deps: installing the interop peers with $SHARED/interop/install-peers.sh"
  bash "$SHARED/interop/install-peers.sh"
else
  echo "install-test-deps: $SHARED/interop not found; installing the peer packages directly"
fi
# tshark asks whether non-root users may capture: answer no, non-interactively.
if ! dpkg-query -W -f='${Status}' tshark 2>/dev/null | grep -q "install ok installed"; then
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
fi
apt_install "${TEST_PKGS[@]}"
echo "install-test-deps: test dependencies present"
