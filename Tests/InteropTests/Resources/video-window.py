#!/usr/bin/python3
"""video-window.py - a Tk window that plays "video": a picture replaced 25 times a second.

Usage: video-window.py OUTDIR [--geometry WxH+X+Y] [--fps 25] [--burst 2.0] [--pause 0.6]
                              [--seconds 60]

Shows two smooth pictures (A and B, colour gradients a JPEG keeps well) in turn in a borderless
Tk label at the given place, at --fps, in bursts of --burst seconds separated by --pause seconds
of stillness (shorter than spice-server's 1 s stream timeout, so a stream survives the pause
while a client waiting for a still screen gets its chance). Writes OUTDIR/frame-0.ppm and
OUTDIR/frame-1.ppm (the pictures, binary P6) and, once the window is mapped, OUTDIR/video.json
with its position and size on the screen. Exits after --seconds.
"""
import argparse
import json
import math
import os
import re
import sys
import time
import tkinter

ap = argparse.ArgumentParser()
ap.add_argument("outdir")
ap.add_argument("--geometry", default="320x240+300+300")
ap.add_argument("--fps", type=float, default=25)
ap.add_argument("--burst", type=float, default=2.0)
ap.add_argument("--pause", type=float, default=0.6)
ap.add_argument("--seconds", type=float, default=60)
args = ap.parse_args()
m = re.fullmatch(r"(\d+)x(\d+)\+(\d+)\+(\d+)", args.geometry)
if not m:
    sys.exit("bad --geometry")
W, H, X, Y = map(int, m.groups())


def picture(phase):
    """P6 bytes of a W x H gradient picture: two cosine waves per channel, shifted by phase."""
    rows = []
    for y in range(H):
        row = bytearray()
        for x in range(W):
            r = 128 + 100 * math.cos(2 * math.pi * (x / W + phase))
            g = 128 + 100 * math.cos(2 * math.pi * (y / H - phase))
            b = 128 + 100 * math.cos(2 * math.pi * ((x + y) / (W + H) + 2 * phase))
            row += bytes((int(r), int(g), int(b)))
        rows.append(bytes(row))
    return b"P6\n%d %d\n255\n" % (W, H) + b"".join(rows)


os.makedirs(args.outdir, exist_ok=True)
paths = []
for i, phase in enumerate((0.0, 0.5)):
    path = os.path.join(args.outdir, "frame-%d.ppm" % i)
    with open(path, "wb") as f:
        f.write(picture(phase))
    paths.append(path)

root = tkinter.Tk()
root.overrideredirect(True)
root.geometry(args.geometry)
photos = [tkinter.PhotoImage(file=p) for p in paths]
label = tkinter.Label(root, image=photos[0], borderwidth=0, highlightthickness=0, padx=0, pady=0)
label.place(x=0, y=0, width=W, height=H)

start = time.monotonic()
state = {"frame": 0, "written": False, "shown": 0}


def tick():
    now = time.monotonic() - start
    if now >= args.seconds:
        root.destroy()
        return
    if not state["written"] and root.winfo_ismapped():
        info = {"x": root.winfo_rootx(), "y": root.winfo_rooty(), "width": W, "height": H, "frames": paths}
        tmp = os.path.join(args.outdir, "video.json.tmp")
        with open(tmp, "w") as f:
            json.dump(info, f)
        os.replace(tmp, os.path.join(args.outdir, "video.json"))
        state["written"] = True
    period = args.burst + args.pause
    if (now % period) < args.burst:
        state["frame"] ^= 1
        label.configure(image=photos[state["frame"]])
        state["shown"] += 1
    root.after(int(1000 / args.fps), tick)


root.after(100, tick)
root.mainloop()
print("video-window: %d frames shown" % state["shown"])
