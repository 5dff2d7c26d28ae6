#!/usr/bin/python3
"""gi-agent-client.py - drives spice-gtk's agent APIs (SpiceClientGLib, no GTK) against a server.

Usage: gi-agent-client.py HOST PORT [--monitors WxH[,WxH...]]... [--timeout S] [--json F]
                          [--clipboard-set FILE --hold S] [--clipboard-get OUT] [--selection N] [--type T]
                          [--file-send PATH [--cancel-after-ms MS]]

For each --monitors step: waits for the agent (main channel `agent-connected`), configures the
monitors with update_display / update_display_enabled (side by side), sends them with
send_monitor_config(), and waits until the display channel re-creates its primary surface at
the expected size (the sum of the widths x the largest height). Prints one line per step and
writes a JSON report. Then, with --clipboard-set, the client copies FILE's bytes (type T,
default 1 = UTF8_TEXT; 2 = PNG) to selection N (0 CLIPBOARD, 1 PRIMARY), answers the server's
requests, and stays --hold seconds so the session can paste; with --clipboard-get, it waits
until the server offers selection N and pastes it (type T) into OUT. With --file-send, the
client sends PATH with file_copy_async (cancelling after MS milliseconds with --cancel-after-ms) and
reports the outcome (exit 0 when it succeeded, or was cancelled as asked).
Exit codes: 0 ok, 2 cannot connect, 5 timeout, 6 closed, 7 mismatch.
"""
import argparse
import ctypes
import json
import sys
import time

import gi
gi.require_version("SpiceClientGLib", "2.0")
from gi.repository import Gio, GLib, GObject, SpiceClientGLib as Spice  # noqa: E402


def on(obj, signal, callback):
    # Session.connect and Channel.connect are spice-gtk methods: connect signals through GObject.
    GObject.Object.connect(obj, signal, callback)

ap = argparse.ArgumentParser()
ap.add_argument("host")
ap.add_argument("port")
ap.add_argument("--monitors", action="append", default=[])
ap.add_argument("--clipboard-set")
ap.add_argument("--clipboard-get")
ap.add_argument("--hold", type=float, default=5)
ap.add_argument("--selection", type=int, default=0)
ap.add_argument("--type", type=int, default=1)
ap.add_argument("--file-send")
ap.add_argument("--cancel-after-ms", type=int, default=0)
ap.add_argument("--timeout", type=float, default=30)
ap.add_argument("--json")
a = ap.parse_args()
steps = [[tuple(int(v) for v in m.split("x")) for m in s.split(",")] for s in a.monitors]

loop = GLib.MainLoop()
state = {"main": None, "display": None, "surface": None, "step": -1, "steps": [], "code": None,
         "t0": time.time(), "agent": False}


def finish(code, why):
    if state["code"] is None:
        state["code"] = code
        print("gi-agent-client: %s (exit %d)" % (why, code), flush=True)
        loop.quit()


def expected(step):
    return (sum(w for w, _ in step), max(h for _, h in step))


def clipboard_phase():
    main = state["main"]
    if a.clipboard_set:
        if not main.agent_test_capability(5):  # CLIPBOARD_BY_DEMAND
            finish(7, "the agent does not announce CLIPBOARD_BY_DEMAND")
            return
        with open(a.clipboard_set, "rb") as f:
            state["clip"] = f.read()
        main.clipboard_selection_grab(a.selection, [a.type])
        print("clipboard: grabbed selection %d with %d bytes of type %d" % (a.selection, len(state["clip"]), a.type), flush=True)
        GLib.timeout_add(int(a.hold * 1000), lambda: finish(0, "held the clipboard for %.1f s, %d request(s) answered"
                                                             % (a.hold, state.get("answered", 0))))
    elif a.file_send:
        cancellable = Gio.Cancellable()

        def cancel():
            print("file: cancelling after %d ms" % a.cancel_after_ms, flush=True)
            cancellable.cancel()
            return False

        if a.cancel_after_ms:
            GLib.timeout_add(a.cancel_after_ms, cancel)

        def done(main, result, *_):
            try:
                ok = main.file_copy_finish(result)
                finish(0 if ok and not a.cancel_after_ms else 7, "file sent: %s in %.2f s" % (ok, time.time() - state["t_file"]))
            except GLib.Error as e:
                cancelled = e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)
                finish(0 if cancelled and a.cancel_after_ms else 7, "file transfer failed: %s" % e.message)

        state["t_file"] = time.time()
        main.file_copy_async([Gio.File.new_for_path(a.file_send)], Gio.FileCopyFlags.NONE, cancellable, None, None, done, None)
    elif a.clipboard_get:
        state["want_clip"] = True
        if state.get("offered"):
            main.clipboard_selection_request(a.selection, a.type)
    else:
        finish(0, "all %d steps done" % len(steps))


def on_clip_request(main, selection, ctype, *rest):
    if selection != a.selection or "clip" not in state:
        return False
    main.clipboard_selection_notify(selection, ctype, list(state["clip"]) if ctype == a.type else [])
    state["answered"] = state.get("answered", 0) + 1
    print("clipboard: answered a request for type %d" % ctype, flush=True)
    return True


def on_clip_grab(main, selection, types, ntypes, *rest):
    if selection != a.selection:
        return False
    print("clipboard: server offers selection %d (%d types)" % (selection, ntypes), flush=True)
    state["offered"] = True
    if state.get("want_clip") and not state.get("requested"):
        state["requested"] = True
        main.clipboard_selection_request(a.selection, a.type)
    return True


def on_clip_data(main, selection, ctype, data, size, *rest):
    if selection != a.selection or not a.clipboard_get:
        return
    raw = ctypes.string_at(data, size) if data and size else b""
    with open(a.clipboard_get, "wb") as f:
        f.write(raw)
    print("clipboard: received %d bytes of type %d" % (size, ctype), flush=True)
    finish(0 if ctype == a.type else 7, "pasted %d bytes" % size)


def next_step():
    state["step"] += 1
    if state["step"] >= len(steps):
        clipboard_phase()
        return False
    step = steps[state["step"]]
    main = state["main"]
    x = 0
    for i, (w, h) in enumerate(step):
        main.update_display_enabled(i, True, False)
        main.update_display(i, x, 0, w, h, False)
        x += w
    for i in range(len(step), 4):
        main.update_display_enabled(i, False, False)
    state["step_t0"] = time.time()
    main.send_monitor_config()
    print("step %d: asked for %s" % (state["step"], step), flush=True)
    return False


def check_surface():
    if state["step"] < 0 or state["step"] >= len(steps):
        return
    want = expected(steps[state["step"]])
    if state["surface"] == want:
        took = time.time() - state["step_t0"]
        state["steps"].append({"monitors": steps[state["step"]], "surface": list(want), "seconds": round(took, 3)})
        print("step %d: surface %dx%d after %.2f s" % (state["step"], want[0], want[1], took), flush=True)
        GLib.timeout_add(300, next_step)


def on_primary_create(channel, fmt, width, height, stride, shmid, imgdata):
    state["surface"] = (width, height)
    check_surface()


def on_agent(main, *_):
    # The agent's capabilities arrive after `agent-connected` (its ANNOUNCE_CAPABILITIES reply):
    # start once both are there (main-agent-update fires on each change).
    if state["agent"] or not main.get_property("agent-connected"):
        return
    if not main.agent_test_capability(1):  # VD_AGENT_CAP_MONITORS_CONFIG (announced with the rest)
        return
    state["agent"] = True
    GLib.timeout_add(200, next_step)


def on_event(channel, event):
    if int(event) == int(Spice.ChannelEvent.CLOSED) and channel == state["main"]:
        finish(6, "main channel closed")
    elif int(event) >= 20:
        finish(2, "channel error %s" % event)


def on_new_channel(session, channel):
    on(channel, "channel-event", on_event)
    if isinstance(channel, Spice.MainChannel):
        state["main"] = channel
        on(channel, "notify::agent-connected", on_agent)
        on(channel, "main-agent-update", on_agent)
        on(channel, "main-clipboard-selection-request", on_clip_request)
        on(channel, "main-clipboard-selection-grab", on_clip_grab)
        on(channel, "main-clipboard-selection", on_clip_data)
    elif isinstance(channel, Spice.DisplayChannel):
        state["display"] = channel
        on(channel, "display-primary-create", on_primary_create)
    if not isinstance(channel, Spice.MainChannel):
        channel.connect()


session = Spice.Session()
session.set_property("host", a.host)
session.set_property("port", a.port)
on(session, "channel-new", on_new_channel)
if not session.connect():
    sys.exit(2)
GLib.timeout_add(int(a.timeout * 1000), lambda: finish(5, "timeout in step %d (surface %s, agent %s)" % (state["step"], state["surface"], state["agent"])))
loop.run()
if a.json:
    with open(a.json, "w") as f:
        json.dump({"code": state["code"], "steps": state["steps"]}, f)
session.disconnect()
sys.exit(state["code"] or 0)
