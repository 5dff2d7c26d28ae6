#!/usr/bin/python3
"""frame-watch.py - a long-running legitimate spice-gtk client that counts display updates.

Usage: frame-watch.py HOST PORT [--seconds N] [--password PW] [--json FILE]

Connects with spice-gtk's SpiceClientGLib (main, display, inputs, cursor, as remote-viewer
does), and records the time of every display update (`display-invalidate`). Runs until
--seconds pass or SIGTERM/SIGINT arrives, then prints one summary line and writes the JSON
report: updates, first/last update time, the longest gap between consecutive updates (also
from the last update to the end), and how the run ended. While it runs it prints one line
per second with that second's update count, so a watcher sees progress.

Exit codes: 0 ran until the end with the main channel open, 2 could not connect / link,
3 the main channel was closed by the server, 5 no primary surface within 20 s.
"""
import argparse
import json
import signal
import sys
import time

import gi
gi.require_version("SpiceClientGLib", "2.0")
from gi.repository import GLib, GObject, SpiceClientGLib as Spice  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("host")
ap.add_argument("port", type=int)
ap.add_argument("--seconds", type=float, default=3600)
ap.add_argument("--password")
ap.add_argument("--json")
a = ap.parse_args()

t0 = time.monotonic()
loop = GLib.MainLoop()
state = {"updates": 0, "first": None, "last": None, "max_gap": 0.0, "max_gap_at": None,
         "primary": None, "end": None, "exit": None, "errors": [], "per_second": []}
second = {"start": t0, "count": 0}
channels = []


def now():
    return time.monotonic() - t0


def finish(code, why):
    if state["exit"] is None:
        state["exit"] = code
        state["end"] = why
        loop.quit()
    return False


def on_invalidate(channel, x, y, w, h):
    t = now()
    if state["last"] is not None:
        gap = t - state["last"]
        if gap > state["max_gap"]:
            state["max_gap"] = gap
            state["max_gap_at"] = round(state["last"], 3)
    else:
        state["first"] = t
    state["last"] = t
    state["updates"] += 1
    second["count"] += 1


def on_primary(channel, fmt, width, height, stride, shmid, imgdata):
    state["primary"] = "%dx%d" % (width, height)
    print("[%7.3f] primary surface %dx%d" % (now(), width, height), flush=True)


def on_event(channel, event):
    ctype = channel.get_property("channel-type")
    ev = int(event)
    name = Spice.ChannelEvent(ev).value_nick if ev in Spice.ChannelEvent.__enum_values__ else str(ev)
    print("[%7.3f] channel %d event %s" % (now(), ctype, name), flush=True)
    if ev >= 20:
        err = channel.get_error()
        state["errors"].append("channel %d: %s %s" % (ctype, name, err.message if err else ""))
        if ctype == 1:
            finish(2, "main channel %s" % name)
    elif ev == int(Spice.ChannelEvent.CLOSED) and ctype == 1:
        finish(3, "main channel closed by the server")


def on_channel_new(session, channel):
    channels.append(channel)
    GObject.Object.connect(channel, "channel-event", on_event)
    if isinstance(channel, Spice.MainChannel):
        return  # the session connects it
    if isinstance(channel, Spice.DisplayChannel):
        GObject.Object.connect(channel, "display-invalidate", on_invalidate)
        GObject.Object.connect(channel, "display-primary-create", on_primary)
    channel.connect()


def tick():
    t = time.monotonic()
    if t - second["start"] >= 1.0:
        state["per_second"].append(second["count"])
        print("[%7.3f] %d updates in the last second, %d in all, longest gap %.3f s" % (
            now(), second["count"], state["updates"], state["max_gap"]), flush=True)
        second["start"] = t
        second["count"] = 0
    if state["primary"] is None and now() > 20:
        return finish(5, "no primary surface within 20 s")
    if now() >= a.seconds:
        return finish(0, "ran %.0f s" % a.seconds)
    return True


session = Spice.Session()
session.set_property("host", a.host)
session.set_property("port", str(a.port))
session.set_property("enable-audio", False)
session.set_property("enable-usbredir", False)
if a.password is not None:
    session.set_property("password", a.password)
GObject.Object.connect(session, "channel-new", on_channel_new)
for sig in (signal.SIGINT, signal.SIGTERM):
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, lambda *_: finish(0, "stopped by signal"))
GLib.timeout_add(100, tick)
print("[%7.3f] connecting to %s:%d" % (now(), a.host, a.port), flush=True)
if not session.connect():
    finish(2, "spice_session_connect() refused")
else:
    loop.run()

end = now()
if state["last"] is not None and end - state["last"] > state["max_gap"]:
    state["max_gap"] = end - state["last"]
    state["max_gap_at"] = round(state["last"], 3)
state["duration"] = end
for k in ("first", "last", "duration", "max_gap"):
    if state[k] is not None:
        state[k] = round(state[k], 3)
print("frame-watch: exit %d (%s): %d updates in %.1f s, longest gap %.3f s at %s" % (
    state["exit"], state["end"], state["updates"], end, state["max_gap"], state["max_gap_at"]), flush=True)
if a.json:
    with open(a.json, "w") as f:
        json.dump(state, f, indent=1)
sys.stdout.flush()
import os  # noqa: E402
os._exit(state["exit"])
