#!/usr/bin/python3
"""bench_client.py - client benchmark (issue 7): `saffron view` side by side with spice-gtk's spicy.

One `saffron serve --demo full-frame` (every pixel changes every frame; the server sends the next
frame as soon as the client has acknowledged the last, so the client's pace sets the rate) per
image compression; each client in turn, alone, in a window on an Xvfb of its own (software
rendering for both: cairo for spicy, SDL's software renderer for saffron view). Measured over
`--seconds` after a warm-up: frames/s the client took (the server's drawn pixels / screen area),
MB/s on the wire, CPU seconds of the client process and of the Xvfb showing it (utime+stime from
/proc). `--demo full-frame-photo` pans a photo-like picture instead of the regular ramp (video-like
content). Usage: bench_client.py --saffron BIN [--size 1280x720] [--seconds 15]
[--demo full-frame|full-frame-photo] [--compressions off,quic,glz,lz4] [--clients spicy,saffron,LABEL=BIN] [--out DIR]. Prints a markdown table; writes DIR/results.json.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    except OSError:
        return 0.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"bench_client: nothing listens on {port} after {seconds} s")


def read_stats(path):
    for _ in range(50):
        try:
            with open(path) as f:
                return json.load(f)
        except (OSError, ValueError):
            time.sleep(0.05)
    raise SystemExit(f"bench_client: no stats in {path}")


def stop(proc, grace=5):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_xvfb(out):
    log = open(os.path.join(out, "xvfb.log"), "w")
    r, w = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1920x1200x24", "-nolisten", "tcp", "-noreset"],
                            pass_fds=(w,), stdout=log, stderr=log)
    os.close(w)
    number = b""
    deadline = time.time() + 10
    while not number.endswith(b"\n") and time.time() < deadline:
        chunk = os.read(r, 16)
        if not chunk:
            break
        number += chunk
    os.close(r)
    if not number.strip():
        raise SystemExit("bench_client: Xvfb gave no display number")
    return proc, ":" + number.decode().strip()


def measure(args, compression, spec, out):
    client = spec.split("=", 1)[0]
    port = free_port()
    stats = os.path.join(out, f"stats-{compression}-{client}.json")
    server_log = open(os.path.join(out, f"server-{compression}-{client}.log"), "w")
    server = subprocess.Popen([args.saffron, "serve", "--demo", args.demo, "--size", args.size, "--addr", "127.0.0.1",
                               "--port", str(port), "--disable-ticketing", "--image-compression", compression,
                               "--stats-file", stats, "--log-level", "warning"], stdout=server_log, stderr=server_log)
    xvfb, display = start_xvfb(out)
    env = dict(os.environ, DISPLAY=display, SDL_VIDEODRIVER="x11", SDL_RENDER_DRIVER="software")
    env.pop("XAUTHORITY", None)
    client_log = open(os.path.join(out, f"client-{compression}-{client}.log"), "w")
    try:
        wait_port(port)
        if client == "spicy":
            cmd = ["spicy", "-h", "127.0.0.1", "-p", str(port)]
        else:
            # "saffron" is the server's binary; "LABEL=PATH" another build of it (same server).
            viewer = spec.split("=", 1)[1] if "=" in spec else args.saffron
            cmd = [viewer, "view", f"spice://127.0.0.1:{port}", "--no-resize-guest"]
        proc = subprocess.Popen(cmd, env=env, stdout=client_log, stderr=client_log)
        try:
            time.sleep(args.warmup)
            if proc.poll() is not None:
                raise SystemExit(f"bench_client: {client} ended early, see {client_log.name}")
            a = read_stats(stats)
            c0, x0, s0, t0 = cpu_seconds(proc.pid), cpu_seconds(xvfb.pid), cpu_seconds(server.pid), time.time()
            time.sleep(args.seconds)
            b = read_stats(stats)
            c1, x1, s1, t1 = cpu_seconds(proc.pid), cpu_seconds(xvfb.pid), cpu_seconds(server.pid), time.time()
        finally:
            stop(proc)
    finally:
        stop(server)
        stop(xvfb)
    w, h = (int(v) for v in args.size.split("x"))
    secs = t1 - t0
    frames = (b["drawPixels"] - a["drawPixels"]) / (w * h)
    return {
        "demo": args.demo, "compression": compression, "client": client, "seconds": round(secs, 2),
        "fps": round(frames / secs, 2),
        "mb_per_s": round((b["bytesSent"] - a["bytesSent"]) / secs / 1e6, 2),
        "client_cpu": round(c1 - c0, 2), "xvfb_cpu": round(x1 - x0, 2), "server_cpu": round(s1 - s0, 2),
        "client_cpu_per_frame_ms": round(1000 * (c1 - c0) / frames, 2) if frames else None,
        "codecs": b.get("imagesByCodec", {}),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--saffron", required=True)
    p.add_argument("--size", default="1280x720")
    p.add_argument("--demo", default="full-frame", choices=["full-frame", "full-frame-photo"])
    p.add_argument("--seconds", type=float, default=15)
    p.add_argument("--warmup", type=float, default=4)
    p.add_argument("--compressions", default="off,quic,glz,lz4")
    # spicy, saffron (`saffron view` of --saffron), or LABEL=PATH: `PATH view` against the same server.
    p.add_argument("--clients", default="spicy,saffron")
    p.add_argument("--out", default="/tmp/saffron-bench-client")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    results = []
    for compression in args.compressions.split(","):
        for client in args.clients.split(","):
            r = measure(args, compression, client, args.out)
            results.append(r)
            print(f"  {compression:5} {r['client']:8} {r['fps']:7.2f} frames/s  client {r['client_cpu']:5.2f} s CPU "
                  f"({r['client_cpu_per_frame_ms']} ms/frame)  Xvfb {r['xvfb_cpu']:5.2f} s  {r['mb_per_s']:7.2f} MB/s", file=sys.stderr)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(f"Full-frame animation ({args.demo}) {args.size}, {args.seconds:.0f} s per run, loopback, one client at a time, Xvfb, software rendering.\n")
    print("| compression | client | frames/s | client CPU s | client ms/frame | Xvfb CPU s | server CPU s | MB/s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['compression']} | {r['client']} | {r['fps']} | {r['client_cpu']} | {r['client_cpu_per_frame_ms']} | "
              f"{r['xvfb_cpu']} | {r['server_cpu']} | {r['mb_per_s']} |")


if __name__ == "__main__":
    main()
