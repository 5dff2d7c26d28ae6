#!/usr/bin/env bash
# Regenerates the codec benchmark corpus (Benchmarks/CodecCorpus/*.png): 1920x1080 screens of real
# programs rendered under Xvfb or headless Chromium, from Debian packages only.
#
#   scripts/make-codec-corpus.sh [OUTDIR]        (default Benchmarks/CodecCorpus)
#
# Needs (Debian bookworm): xvfb xterm x11-apps x11-utils xdotool vim imagemagick ghostscript
# poppler-utils groff-base chromium mate-backgrounds gtk-3-examples adwaita-icon-theme
# fonts-dejavu-core. Output PNGs are 8-bit RGB (colour type 2), non-interlaced, metadata stripped
# (what saffron-codec-bench reads). The terminal and desktop screens show live ps/df/free output,
# so a rerun gives alike screens, not byte-identical files.
set -euo pipefail

out=$(realpath -m "${1:-$(dirname "$0")/../Benchmarks/CodecCorpus}")
mkdir -p "$out"
work=$(mktemp -d)
W=1920 H=1080

for tool in Xvfb xterm xwd xdotool vim convert gs pdftoppm groff chromium gtk3-widget-factory; do
    command -v "$tool" >/dev/null || { echo "missing $tool (see the package list at the top)" >&2; exit 1; }
done

xvfb_pid=
cleanup() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Writes a PNG the benchmark's reader takes: RGB, 8 bits, no alpha, no metadata, exactly WxH.
save() { # src dst
    convert "$1" -alpha off -strip -resize "${W}x${H}^" -gravity center -extent "${W}x${H}" \
        -define png:color-type=2 -depth 8 -define png:exclude-chunks=date,time "PNG24:$2"
}

start_x() {
    exec 3<> "$work/displayfd"
    Xvfb -displayfd 3 -screen 0 "${W}x${H}x24" -nolisten tcp -noreset >/dev/null 2>&1 &
    xvfb_pid=$!
    for _ in $(seq 50); do
        [ -s "$work/displayfd" ] && break
        sleep 0.1
    done
    export DISPLAY=":$(head -n1 "$work/displayfd")"
    exec 3>&-
}

stop_x() {
    kill "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
    xvfb_pid=
    rm -f "$work/displayfd"
}

grab() { # name
    sleep "${SETTLE:-1.5}"
    xwd -root -silent > "$work/$1.xwd"
    save "xwd:$work/$1.xwd" "$out/$1.png"
    echo "wrote $out/$1.png"
}

# Kills the clients started for one screen (by pid), leaving the server up.
pids=()
end_clients() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    pids=()
}

xt() { # xterm, full screen, with args
    xterm -geometry 1920x1080+0+0 -fa "DejaVu Sans Mono" -fs 11 "$@" &
    pids+=($!)
}

start_x

# 1. Terminal, light: a man page in xterm.
xt -bg white -fg black -e sh -c 'MANWIDTH=200 MANPAGER="less -R" man bash 2>/dev/null | col -b | sed -n "120,400p"; sleep 60'
grab terminal-light
end_clients

# 2. Terminal, dark: coloured ls and a process list.
xt -bg '#1e1e1e' -fg '#d0d0d0' -e sh -c 'ls -l --color=always /usr/bin | head -32; ps -eo pid,ppid,user,vsz,rss,stat,comm --sort=pid | head -25; sleep 60'
grab terminal-dark
end_clients

# 3. Code editor: vim with syntax colouring and line numbers on a C file from Debian.
src=$(find /usr/include -name zlib.h | head -n1)
xt -bg '#272822' -fg '#f8f8f2' -tn xterm-256color -e vim -n -u NONE -i NONE \
    -c 'set nocompatible t_Co=256 number cursorline laststatus=2 ruler' -c 'syntax on' -c 'colorscheme desert' \
    -c 'normal! 1400Gzt' "$src"
grab code-editor
end_clients

# 4. Desktop with icons: a wallpaper, a column of Adwaita icons with labels, an xterm and clocks.
icons=()
for n in user-home folder folder-documents folder-download folder-music folder-pictures user-trash \
         text-x-generic image-x-generic audio-x-generic video-x-generic application-x-executable; do
    f=$(find /usr/share/icons/Adwaita/48x48 -name "$n.png" | head -n1 || true)
    [ -n "$f" ] && icons+=("$f")
done
args=()
y=24
for f in "${icons[@]}"; do
    label=$(basename "$f" .png)
    convert "$f" -background none -gravity center -extent 96x64 \
        \( -size 96x18 -background none -fill white -font DejaVu-Sans -pointsize 11 -gravity center "label:$label" \) \
        -append "$work/icon-$label.png"
    args+=("$work/icon-$label.png" -geometry "+20+$y" -composite)
    y=$((y + 86))
done
convert /usr/share/backgrounds/mate/desktop/GreenTraditional.jpg -resize "${W}x${H}^" -gravity center \
    -extent "${W}x${H}" -gravity northwest "${args[@]}" "$work/desktop.png"
display -window root "$work/desktop.png" &
disp=$!
sleep 1.5
kill "$disp" 2>/dev/null || true
wait "$disp" 2>/dev/null || true
xterm -geometry 100x30+600+200 -fa "DejaVu Sans Mono" -fs 10 -bg black -fg '#33ff33' -e sh -c 'uname -a; df -h; free -m; sleep 60' &
pids+=($!)
xclock -geometry 200x200+1680+40 -update 1 &
pids+=($!)
xeyes -geometry 160x100+1700+280 &
pids+=($!)
xlogo -geometry 150x150+1720+420 &
pids+=($!)
grab desktop
end_clients
xsetroot -solid '#404040'

# 5. GTK widgets: GTK 3's widget factory at scale 2 (a HiDPI-sized window), moved to the corner.
GTK_THEME=Adwaita GDK_SCALE=2 NO_AT_BRIDGE=1 gtk3-widget-factory >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do
    wid=$(xdotool search --onlyvisible --name "Widget Factory" 2>/dev/null | head -n1 || true)
    [ -n "$wid" ] && break
    sleep 0.2
done
[ -n "${wid:-}" ] && xdotool windowmove "$wid" 0 0 windowsize "$wid" $W $H
SETTLE=3 grab gtk-widgets
end_clients

stop_x

# 6. Web page: a real HTML document from Debian, rendered by headless Chromium.
chrome() { # url png
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
        --window-size=$W,$H --user-data-dir="$work/chrome" --screenshot="$2" "$1" >/dev/null 2>&1
}
chrome "file:///usr/share/doc/python3/python-policy.html" "$work/web.png"
save "$work/web.png" "$out/web-page.png"
echo "wrote $out/web-page.png"

# 7. Office document: a spreadsheet of the installed packages (real data), as a grid in Chromium.
{
    echo '<!doctype html><meta charset="utf-8"><style>
body{margin:0;font:13px "DejaVu Sans",sans-serif;background:#fff}
.bar{background:#f3f3f3;border-bottom:1px solid #c8c8c8;padding:6px 10px;font-size:14px}
table{border-collapse:collapse}td,th{border:1px solid #d4d4d4;padding:2px 6px;white-space:nowrap}
th{background:#e8e8e8;font-weight:normal;color:#333}td.n{text-align:right}
tr:nth-child(even) td{background:#f7fbff}</style>
<div class="bar">packages.ods — Sheet1 &nbsp; | &nbsp; <b>B</b> <i>I</i> <u>U</u> &nbsp; Σ &nbsp; fx</div><table>
<tr><th></th><th>A: Package</th><th>B: Version</th><th>C: Arch</th><th>D: Size (KiB)</th><th>E: Section</th><th>F: Priority</th><th>G: Summary</th></tr>'
    dpkg-query -W -f '${Package}\t${Version}\t${Architecture}\t${Installed-Size}\t${Section}\t${Priority}\t${binary:Summary}\n' \
        | LC_ALL=C sort | sed -n '1,60p' | awk -F'\t' '{gsub(/&/,"\\&amp;");gsub(/</,"\\&lt;");
            printf "<tr><th>%d</th><td>%s</td><td>%s</td><td>%s</td><td class=n>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", NR, $1,$2,$3,$4,$5,$6,$7}'
    echo '</table>'
} > "$work/sheet.html"
chrome "file://$work/sheet.html" "$work/sheet.png"
save "$work/sheet.png" "$out/office-sheet.png"
echo "wrote $out/office-sheet.png"

# 8. PDF viewer: a typeset man page (groff → PostScript → PDF → poppler), page on a grey viewer.
zcat /usr/share/man/man1/xterm.1.gz | groff -Tps -man > "$work/doc.ps" 2>/dev/null
ps2pdf "$work/doc.ps" "$work/doc.pdf"
pdftoppm -f 2 -l 2 -scale-to-y 1040 -scale-to-x -1 -png "$work/doc.pdf" "$work/page"
convert -size "${W}x${H}" xc:'#525659' "$work"/page*.png -gravity center -geometry +0+0 -composite "$work/pdf.png"
save "$work/pdf.png" "$out/pdf-viewer.png"
echo "wrote $out/pdf-viewer.png"

# 9. Photo: a photograph from mate-backgrounds, scaled and cropped to 1080p.
save /usr/share/backgrounds/mate/nature/LadyBird.jpg "$out/photo.png"
echo "wrote $out/photo.png"

ls -l "$out"
