#!/usr/bin/env bash
# bench-x11.sh - side-by-side X11 remote-desktop benchmark (issue 4): the same scripted workload
# on the same screen size, served by
#   saffron    Saffron (release build) + its private X server (Xorg+dummy as root, else Xvfb),
#              read by a spice-gtk client (SpiceClientGLib via the shared gi-client.py)
#   xspice     Xspice (Debian's xserver-xspice: Xorg + spiceqxl = the real libspice-server),
#              read by the same spice-gtk client
#   vnc-tight  Xvnc (tigervnc-standalone-server), read by TigerVNC's vncviewer, Tight, lossless (-NoJPEG)
#   vnc-jpeg   Xvnc, vncviewer with Tight+JPEG (-QualityLevel 6)
# Every client connects through a byte-counting TCP proxy. Reported per server: payload bytes
# server->client and client->server (TCP payload, all connections/channels, from the client's
# connect to the end of the workload), server CPU seconds (utime+stime from /proc: saffron + its X
# server together; Xspice's Xorg; Xvnc), client CPU seconds, elapsed time, and whether the
# client's final frame equals the server's X screen (xwd -root) pixel for pixel.
#
# Workload (identical for every server, ~70 s, no window manager):
#   scroll      xterm (jump scroll, the default) cats a 5000-line file
#   scroll-nojump  a second xterm +j (no jump scroll: one scroll per line) cats 600 lines
#   type        xterm running vi; xdotool types 8 lines (~370 characters) at 40 ms per key
#   drag        the editor window is moved across the screen in 90 steps (30 ms apart)
#   page        a web-page-like Tk window (text, photo-like images, tables) scrolls 80 x 40 px
#   idle-clock  xclock -update 1 for 10 s (then it is closed so the final screen is still)
#
# Usage: scripts/bench-x11.sh [--size WxH] [--servers "saffron xspice vnc-tight vnc-jpeg"]
#                             [--out DIR] [--saffron PATH] [--x-server xorg|xvfb|auto]
#                             [--no-install] [--quick]
#   --saffron PATH   the saffron binary (default: .build-x11/release/saffron, else .build/release/saffron)
#   --quick          a shorter workload (smoke test of the script itself)
# Environment: SAFFRON_SHARED (folder holding interop/gi-client.py; default ../shared),
#              SAFFRON_EXTRA (extra `saffron serve` arguments, word-split), XSPICE_EXTRA (same for Xspice).
# Output: DIR/results.md, DIR/results.json, and per server DIR/NAME/ (snapshots, logs, PNGs of
# the server's and the client's final screens, a diff PNG if they differ).
# Needs root (Xorg for Xspice and for Saffron's Xorg+dummy). Exit 0 when every server ran.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SHARED="${SAFFRON_SHARED:-$ROOT/../shared}"
GI_CLIENT="$SHARED/interop/gi-client.py"
PY=/usr/bin/python3
HELPER="$HERE/bench_x11.py"

SIZE=1280x800
SERVERS="saffron xspice vnc-tight vnc-jpeg"
OUT=""
SAFFRON=""
XSERVER=auto
INSTALL=1
QUICK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE="$2"; shift 2 ;;
    --servers) SERVERS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --saffron) SAFFRON="$2"; shift 2 ;;
    --x-server) XSERVER="$2"; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    --quick) QUICK=1; shift ;;
    -h|--help) sed -n '2,36p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 1 ;;
  esac
done
[[ "$SIZE" =~ ^([0-9]+)x([0-9]+)$ ]] || { echo "bad --size $SIZE" >&2; exit 1; }
W=${BASH_REMATCH[1]}; H=${BASH_REMATCH[2]}
OUT="${OUT:-$ROOT/bench-out/x11-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
if [ -z "$SAFFRON" ]; then
  for c in "$ROOT/.build-x11/release/saffron" "$ROOT/.build/release/saffron"; do
    [ -x "$c" ] && { SAFFRON="$c"; break; }
  done
fi
[ "$(id -u)" = 0 ] || echo "warning: not root; Xspice (Xorg) will most likely fail" >&2

# ---- dependencies ---------------------------------------------------------------------------
PKGS=(xserver-xspice spice-client-gtk gir1.2-spiceclientglib-2.0 python3-gi python3-pil python3-tk
      tigervnc-standalone-server tigervnc-viewer xvfb xserver-xorg-core xserver-xorg-video-dummy xauth
      x11-apps x11-utils x11-xserver-utils xterm xdotool vim-tiny fonts-dejavu-core xfonts-base
      procps iproute2)
if [ "$INSTALL" = 1 ]; then
  miss=()
  for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || miss+=("$p"); done
  if [ ${#miss[@]} -gt 0 ]; then
    echo "bench-x11: installing ${miss[*]}" >&2
    S=""; [ "$(id -u)" = 0 ] || S=sudo
    $S env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${miss[@]}" >/dev/null \
      || { $S apt-get update -qq && $S env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${miss[@]}" >/dev/null; }
  fi
fi
[ -f "$GI_CLIENT" ] || { echo "gi-client.py not found at $GI_CLIENT (set SAFFRON_SHARED)" >&2; exit 1; }
VI=$(command -v vim.tiny || command -v vi || true)
[ -n "$VI" ] || { echo "no vi found" >&2; exit 1; }

# ---- process bookkeeping: everything we start is killed by PID on exit ----------------------
PIDS=()          # all background processes, in start order
bg() { "$@" & PIDS+=($!); LAST=$!; }
stop_pid() {     # SIGTERM, up to 5 s, SIGKILL
  local p=$1
  kill -0 "$p" 2>/dev/null || return 0
  kill "$p" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
}
stop_all() {     # in reverse start order (clients before servers)
  local i
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do stop_pid "${PIDS[$i]}"; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}
cleanup() { stop_all; }
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
wait_for() {     # wait_for SECONDS CMD...: poll CMD every 0.1 s; 0 when it succeeded
  local end; end=$(awk -v a="$(now)" -v t="$1" 'BEGIN{printf "%.3f", a+t}'); shift
  while awk -v e="$end" -v n="$(now)" 'BEGIN{exit !(n<e)}'; do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q ":$1"; }
free_display() { local d=$1; while [ -e "/tmp/.X$d-lock" ] || [ -e "/tmp/.X11-unix/X$d" ]; do d=$((d+1)); done; echo "$d"; }
free_port() { local p=$1; while listening "$p"; do p=$((p+1)); done; echo "$p"; }

# ---- workload --------------------------------------------------------------------------------
DATA="$OUT/data"
if [ "$QUICK" = 1 ]; then
  $PY "$HELPER" gen-data "$DATA" --big-lines 800 --small-lines 100 --typed-lines 2
  PAGE_STEPS=20; DRAG_STEPS=30; IDLE=3
else
  $PY "$HELPER" gen-data "$DATA"
  PAGE_STEPS=80; DRAG_STEPS=90; IDLE=10
fi

snap() {   # snap NAME: append a snapshot line to $RUN/snaps.jsonl
  $PY "$HELPER" snap --name "$1" --proxy-stats "$RUN/proxy.json" --server-pids "$SERVER_PIDS" \
      --client-pids "$CLIENT_PIDS" ${SAFFRON_STATS:+--saffron-stats "$SAFFRON_STATS"} >>"$RUN/snaps.jsonl"
}
xdo() { timeout 10 xdotool "$@"; }
winid() { xdotool search --sync --limit 1 --name "$1" 2>/dev/null | head -1; }   # bounded by caller

workload() {  # runs with DISPLAY/XAUTHORITY of the server under test; X clients -> PIDS
  local m="$RUN/marks" wid; mkdir -p "$m"
  local fa=(-fa "DejaVu Sans Mono" -fs 10)
  xsetroot -solid '#3b4252' -cursor "$DATA/blank.xbm" "$DATA/blank.xbm"
  xdo mousemove $((W - 5)) $((H - 5)) || true   # pointer out of the way
  sleep 1; snap setup

  # (a) terminal scrolling a large file, jump scroll (xterm default)
  bg xterm "${fa[@]}" -geometry 100x44+0+0 -title bench-scroll -bg white -fg black \
     -e /bin/sh -c "sleep 1; cat '$DATA/big.txt'; touch '$m/scroll'; exec sleep 100000" >/dev/null 2>&1
  wait_for 120 test -e "$m/scroll" || echo "  scroll phase timed out" >&2
  sleep 1; snap scroll

  # (a') the same without jump scroll (+j: the terminal scrolls once per line)
  bg xterm +j "${fa[@]}" -geometry 90x30+$((W - 660))+$((H / 3)) -title bench-nojump -bg '#fdf6e3' -fg '#073642' \
     -e /bin/sh -c "sleep 1; cat '$DATA/small.txt'; touch '$m/nojump'; exec sleep 100000" >/dev/null 2>&1
  wait_for 120 test -e "$m/nojump" || echo "  no-jump scroll phase timed out" >&2
  sleep 1; snap scroll-nojump

  # (b) typing into an editor
  rm -f "$m/edit.txt"
  bg xterm "${fa[@]}" -geometry 80x24+$((W / 4))+$((H / 4)) -title bench-edit -bg '#1e1e2e' -fg '#cdd6f4' \
     -e "$VI" -u NONE -i NONE -N "$m/edit.txt" >/dev/null 2>&1
  wid=$(timeout 10 bash -c "$(declare -f winid); winid bench-edit" || true)
  if [ -n "$wid" ]; then
    sleep 1
    xdo windowraise "$wid" || true
    xdo mousemove --window "$wid" 100 100 || true
    xdo windowfocus --sync "$wid" || true
    xdo key i || true
    local n=0
    while IFS= read -r line; do
      timeout 60 xdotool type --delay 40 -- "$line" || true
      xdo key Return || true
      n=$((n+1))
    done <"$DATA/typed.txt"
    xdo key Escape || true
  else
    echo "  editor window not found" >&2
  fi
  xdo mousemove $((W - 5)) $((H - 5)) || true
  sleep 1; snap type

  # (c) dragging a window (the editor) across the screen in steps
  if [ -n "$wid" ]; then
    local i x0=$((W / 4)) y0=$((H / 4)) x1=$((W / 20)) y1=$((H / 2)) x y
    for ((i=1; i<=DRAG_STEPS; i++)); do
      # out to the right/bottom, then back to the left
      if [ $i -le $((DRAG_STEPS / 2)) ]; then
        x=$((x0 + (W / 3) * i * 2 / DRAG_STEPS)); y=$((y0 + (H / 6) * i * 2 / DRAG_STEPS))
      else
        local j=$((i - DRAG_STEPS / 2))
        x=$((x0 + W / 3 - (x0 + W / 3 - x1) * j * 2 / DRAG_STEPS)); y=$((y0 + H / 6 + (y1 - y0 - H / 6) * j * 2 / DRAG_STEPS))
      fi
      xdo windowmove "$wid" "$x" "$y" || true
      sleep 0.03
    done
  fi
  sleep 1; snap drag

  # (d) a web-page-like scroll
  bg $PY "$HELPER" page --width $((W * 7 / 10)) --height $((H * 8 / 10)) --x $((W * 3 / 20)) --y $((H / 12)) \
     --steps "$PAGE_STEPS" --done "$m/page" >"$RUN/page.log" 2>&1
  wait_for 120 test -e "$m/page" || echo "  page phase timed out" >&2
  sleep 1; snap page

  # (e) idle with a clock
  bg xclock -geometry 200x200+$((W - 220))+20 -update 1 >/dev/null 2>&1
  local clock=$LAST
  sleep "$IDLE"
  snap idle-clock
  stop_pid "$clock"    # a still final screen: no second hand moving between the two captures
}

# ---- servers ---------------------------------------------------------------------------------
start_saffron() {
  [ -n "$SAFFRON" ] && [ -x "$SAFFRON" ] || { echo "saffron binary not found; build it: swift build -c release --product saffron" >&2; return 1; }
  SAFFRON_STATS="$RUN/saffron-stats.json"
  # shellcheck disable=SC2086
  bg "$SAFFRON" serve --x11 --x-server "$XSERVER" --session "exec sleep 100000" --size "$SIZE" --addr 127.0.0.1 \
     --port "$SPORT" --disable-ticketing --stats-file "$SAFFRON_STATS" ${SAFFRON_EXTRA:-} >"$RUN/server.log" 2>&1
  local spid=$LAST
  wait_for 60 grep -q "XAUTHORITY=" "$RUN/server.log" || { tail "$RUN/server.log" >&2; return 1; }
  wait_for 30 listening "$SPORT" || { tail "$RUN/server.log" >&2; return 1; }
  DISP=$(grep -o 'started X[a-z]* :[0-9]*' "$RUN/server.log" | head -1 | awk '{print $3}' | tr -d :)
  XAUTH=$(grep -o 'XAUTHORITY=[^ ]*' "$RUN/server.log" | head -1 | cut -d= -f2)
  local xpid; xpid=$(grep -o 'started X[a-z]* :[0-9]* ([^)]*pid [0-9]*' "$RUN/server.log" | head -1 | grep -o '[0-9]*$')
  SERVER_PIDS="$spid $xpid"
  SERVER_DESC="saffron $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) + $(grep -o 'started X[a-z]*' "$RUN/server.log" | head -1 | cut -d' ' -f2)"
}

start_xspice() {
  local conf="$RUN/xspice.conf"
  cat >"$conf" <<EOF
Section "Device"
    Identifier "XSPICE"
    Driver "spiceqxl"
EndSection
Section "InputDevice"
    Identifier "XSPICE POINTER"
    Driver     "xspice pointer"
EndSection
Section "InputDevice"
    Identifier "XSPICE KEYBOARD"
    Driver     "xspice keyboard"
EndSection
Section "Monitor"
    Identifier    "Configured Monitor"
EndSection
Section "Screen"
    Identifier     "XSPICE Screen"
    Monitor        "Configured Monitor"
    Device        "XSPICE"
    DefaultDepth    24
    SubSection "Display"
        Depth 24
        Virtual $W $H
        Modes "${W}x${H}"
    EndSubSection
EndSection
Section "ServerLayout"
    Identifier "XSPICE Example"
    Screen "XSPICE Screen"
    InputDevice "XSPICE KEYBOARD"
    InputDevice "XSPICE POINTER"
EndSection
Section "ServerFlags"
    Option "AutoAddDevices" "False"
EndSection
EOF
  # the environment the Debian 12 Xspice needs (see shared/interop/reference-xspice.sh)
  # shellcheck disable=SC2086
  XSPICE_ADDR=127.0.0.1 QXL_FRAME_BUFFER_SIZE=16 QXL_SURFACE_BUFFER_SIZE=64 QXL_COMMAND_BUFFER_SIZE=128 \
  QXL_NUM_HEADS=1 bg Xspice --port "$SPORT" --disable-ticketing --config "$conf" ${XSPICE_EXTRA:-} \
     -logfile "$RUN/Xorg.log" -nolisten tcp -sharevts -novtswitch ":$DISP" >"$RUN/server.log" 2>&1
  local wpid=$LAST xpid=""
  wait_for 30 listening "$SPORT" || { tail "$RUN/server.log" >&2; return 1; }
  wait_for 30 env DISPLAY=":$DISP" xdpyinfo || return 1
  xpid=$(ps -o pid= --ppid "$wpid" | tr -d ' ' | head -1)
  # killing the wrapper first makes it hang (see reference-xspice.sh): stop Xorg first
  PIDS+=("$xpid")
  XAUTH=""
  SERVER_PIDS="$xpid"
  SERVER_DESC="Xspice $(dpkg-query -W -f='${Version}' xserver-xspice), libspice-server $(dpkg-query -W -f='${Version}' libspice-server1 2>/dev/null)"
}

start_xvnc() {
  bg Xvnc ":$DISP" -geometry "$SIZE" -depth 24 -rfbport "$SPORT" -localhost -SecurityTypes None \
     -nolisten tcp -AlwaysShared >"$RUN/server.log" 2>&1
  SERVER_PIDS=$LAST
  wait_for 30 listening "$SPORT" || { tail "$RUN/server.log" >&2; return 1; }
  wait_for 30 env DISPLAY=":$DISP" xdpyinfo || return 1
  XAUTH=""
  SERVER_DESC="Xvnc $(dpkg-query -W -f='${Version}' tigervnc-standalone-server)"
}

# ---- clients ---------------------------------------------------------------------------------
start_spice_client() {
  bg $PY "$HELPER" spice-client --gi-client "$GI_CLIENT" --port "$PPORT" --trigger "$RUN/trigger" \
     --ready "$RUN/client-ready" --out "$RUN/client.ppm" --json "$RUN/client.json" >"$RUN/client.log" 2>&1
  CLIENT_PID=$LAST
  CLIENT_PIDS=$LAST
  wait_for 60 test -e "$RUN/client-ready" || { echo "  spice client not ready" >&2; return 1; }
}
finish_spice_client() {
  touch "$RUN/trigger"
  for _ in $(seq 600); do kill -0 "$CLIENT_PID" 2>/dev/null || break; sleep 0.1; done
  [ -s "$RUN/client.ppm" ] && CLIENT_SHOT="$RUN/client.ppm" || CLIENT_SHOT=""
}

start_vnc_client() {  # $1 = extra vncviewer parameters
  # The viewer's own Xvfb is larger than the desktop: vncviewer shrinks a window that would
  # cover the whole screen ("avoid accidental full screen request"); its WxH window at +0+0 shows
  # the remote screen 1:1 without scroll bars and is captured with xwd -id.
  VDISP=$(free_display $((DISP + 1)))
  bg Xvfb ":$VDISP" -screen 0 "$((W + 200))x$((H + 200))x24" -nolisten tcp >"$RUN/viewer-xvfb.log" 2>&1
  wait_for 30 env DISPLAY=":$VDISP" xdpyinfo || return 1
  mkdir -p "$RUN/home"
  # shellcheck disable=SC2086
  HOME="$RUN/home" DISPLAY=":$VDISP" bg vncviewer -SecurityTypes None -AutoSelect=0 -FullColor \
     -PreferredEncoding Tight $1 -RemoteResize=0 -geometry "${W}x${H}+0+0" -ReconnectOnError=0 \
     -AlertOnFatalError=0 -Shared "127.0.0.1::$PPORT" >"$RUN/client.log" 2>&1
  CLIENT_PID=$LAST
  CLIENT_PIDS=$LAST
  wait_for 30 env DISPLAY=":$VDISP" xdotool search --name "TigerVNC" || { echo "  vncviewer window missing" >&2; return 1; }
  VWIN=$(DISPLAY=":$VDISP" xdotool search --name "TigerVNC" | head -1)
  sleep 5   # the viewer's "Press F8 for the menu" overlay fades out after a few seconds
}
finish_vnc_client() {  # poll the viewer's window until it equals the server's screen (at most 20 s)
  local i
  for i in $(seq 40); do
    DISPLAY=":$VDISP" timeout 20 xwd -id "$VWIN" -silent >"$RUN/client.xwd" || true
    if $PY "$HELPER" compare "$RUN/server.xwd" "$RUN/client.xwd" | grep -q '"pixel_exact": true'; then break; fi
    sleep 0.5
  done
  CLIENT_SHOT="$RUN/client.xwd"
}

# ---- one run ---------------------------------------------------------------------------------
run_one() {
  local name=$1 label
  RUN="$OUT/$name"; rm -rf "$RUN"; mkdir -p "$RUN"
  DISP=$(free_display 40); SPORT=$(free_port 5940); PPORT=$(free_port $((SPORT + 100)))
  SERVER_PIDS=""; CLIENT_PIDS=""; SAFFRON_STATS=""; XAUTH=""; CLIENT_SHOT=""; SERVER_DESC=""
  echo "== $name: display :$DISP, server port $SPORT, proxy port $PPORT" >&2
  case "$name" in
    saffron) label="Saffron"; start_saffron ;;
    xspice) label="Xspice"; start_xspice ;;
    vnc-tight) label="TigerVNC Tight lossless"; start_xvnc ;;
    vnc-jpeg) label="TigerVNC Tight+JPEG q6"; start_xvnc ;;
    *) echo "unknown server $name" >&2; return 1 ;;
  esac
  bg $PY "$HELPER" proxy --listen "$PPORT" --target-port "$SPORT" --stats "$RUN/proxy.json" >"$RUN/proxy.log" 2>&1
  wait_for 10 listening "$PPORT" || return 1
  export DISPLAY=":$DISP"
  if [ -n "$XAUTH" ]; then export XAUTHORITY="$XAUTH"; else unset XAUTHORITY; fi
  # a common starting screen before the client connects
  xsetroot -solid '#3b4252' -cursor "$DATA/blank.xbm" "$DATA/blank.xbm"; sleep 1
  snap start
  local t0; t0=$(now)
  case "$name" in
    saffron|xspice) start_spice_client ;;
    vnc-tight) start_vnc_client "-NoJPEG" ;;
    vnc-jpeg) start_vnc_client "-QualityLevel 6" ;;
  esac
  snap connected
  workload
  sleep 2
  snap end
  timeout 20 xwd -root -silent >"$RUN/server.xwd"
  case "$name" in
    saffron|xspice) finish_spice_client ;;
    *) finish_vnc_client ;;
  esac
  if [ -n "$CLIENT_SHOT" ]; then
    $PY "$HELPER" compare "$RUN/server.xwd" "$CLIENT_SHOT" --png-a "$RUN/server.png" --png-b "$RUN/client.png" \
        --diff-png "$RUN/diff.png" >"$RUN/compare.json" || true
  else
    echo '{"error": "the client produced no frame", "pixel_exact": false, "diff_pixels": null}' >"$RUN/compare.json"
  fi
  rm -f "$RUN/server.xwd" "$RUN/client.xwd" "$RUN/client.ppm"
  $PY "$HELPER" result "$RUN" --server "$name" --label "$label" --total-from start --total-to end \
      --note "$SERVER_DESC; elapsed wall $(awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}') s" >&2
  stop_all
  unset DISPLAY XAUTHORITY
}

DIRS=()
FAILED=0
for s in $SERVERS; do
  set +e
  ( trap cleanup EXIT; set -e; run_one "$s" )
  rc=$?
  set -e
  [ "$rc" = 0 ] || { echo "== $s failed (exit $rc)" >&2; FAILED=1; }
  DIRS+=("$OUT/$s")
done
META=$($PY -c 'import json,sys,os,platform; print(json.dumps({"date": sys.argv[1], "size": sys.argv[2], "cpus": os.cpu_count(), "kernel": platform.release(), "quick": sys.argv[3] == "1"}))' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$SIZE" "$QUICK")
$PY "$HELPER" report "${DIRS[@]}" --markdown "$OUT/results.md" --json "$OUT/results.json" --meta "$META"
echo "results: $OUT/results.md, $OUT/results.json" >&2
exit "$FAILED"
