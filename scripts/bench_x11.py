#!/usr/bin/python3
"""bench_x11.py - helpers for scripts/bench-x11.sh (Debian's /usr/bin/python3; stdlib + python3-pil,
python3-tk, python3-gi for the SPICE client only).

Subcommands:
  gen-data DIR             deterministic workload files: big.txt, small.txt, typed.txt
  proxy                    byte-counting TCP proxy (any number of connections, e.g. SPICE channels)
  spice-client             spice-gtk client (the shared gi-client.py) that stays connected until a
                           trigger file appears, then dumps its frame once the display is quiet
  page                     a web-page-like Tk window (headings, text, photo-like images) that
                           scrolls itself in steps, then touches a marker file
  snap                     one JSON line: time, proxy byte counters, CPU seconds of PID groups,
                           the Saffron stats file
  compare A B              pixel-exact comparison of two screenshots (.xwd or .ppm); writes PNGs
  report DIR...            markdown table + JSON from the per-server result files
"""
import argparse
import asyncio
import json
import os
import random
import signal
import socket
import struct
import sys
import time

# ---------------------------------------------------------------------------------------------
# workload data

WORDS = ("the quick brown fox jumps over lazy dog render frame buffer damage region copy "
         "scroll window pixel glyph cache stream encode decode spice channel cursor display "
         "inputs surface bitmap palette zlib lz4 quic glz jpeg tight zrle hextile client server "
         "latency bandwidth session xorg dummy driver protocol message header payload").split()


def gen_data(a):
    os.makedirs(a.dir, exist_ok=True)
    rng = random.Random(20261121)

    def line(i):
        kind = i % 7
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
        if kind == 0:
            return "%06d  [%s] %s" % (i, rng.choice(["INFO", "WARN", "DEBUG", "ERROR"]), words)
        if kind == 3:
            return "%06d      %s = 0x%08x; // %s" % (i, rng.choice(WORDS), rng.getrandbits(32), words)
        return "%06d  %s" % (i, words)
    with open(os.path.join(a.dir, "big.txt"), "w") as f:
        for i in range(a.big_lines):
            f.write(line(i) + "\n")
    with open(os.path.join(a.dir, "small.txt"), "w") as f:
        for i in range(a.small_lines):
            f.write(line(i) + "\n")
    text = []
    for i in range(a.typed_lines):
        text.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 8))))
    with open(os.path.join(a.dir, "typed.txt"), "w") as f:
        f.write("\n".join(text) + "\n")
    # an invisible 1x1 cursor for the root window (xsetroot -cursor blank.xbm blank.xbm): a VNC
    # viewer draws the remote cursor into its window, a SPICE client does not
    with open(os.path.join(a.dir, "blank.xbm"), "w") as f:
        f.write("#define blank_width 8\n#define blank_height 8\n#define blank_x_hot 0\n#define blank_y_hot 0\n"
                "static unsigned char blank_bits[] = {\n   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};\n")


# ---------------------------------------------------------------------------------------------
# byte-counting proxy

def proxy(a):
    totals = {"s2c": 0, "c2s": 0, "connections": 0, "open": 0}

    def write_stats():
        tmp = a.stats + ".tmp"
        with open(tmp, "w") as f:
            json.dump(dict(totals, t=time.time()), f)
        os.replace(tmp, a.stats)

    async def pipe(reader, writer, key):
        try:
            while True:
                data = await reader.read(1 << 18)
                if not data:
                    break
                totals[key] += len(data)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass

    async def handle(cr, cw):
        totals["connections"] += 1
        try:
            sr, sw = await asyncio.open_connection(a.target_host, a.target_port)
        except OSError:
            cw.close()
            return
        for w in (cw, sw):
            s = w.get_extra_info("socket")
            if s is not None:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        totals["open"] += 1
        await asyncio.gather(pipe(cr, sw, "c2s"), pipe(sr, cw, "s2c"))
        totals["open"] -= 1

    async def main():
        server = await asyncio.start_server(handle, a.listen_host, a.listen)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        write_stats()
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), 0.1)
            except asyncio.TimeoutError:
                pass
            write_stats()
        server.close()
        write_stats()
    asyncio.run(main())


# ---------------------------------------------------------------------------------------------
# SPICE client: gi-client.py kept connected until a trigger file appears

def spice_client(a):
    import importlib.util
    spec = importlib.util.spec_from_file_location("gi_client", a.gi_client)
    mod = importlib.util.module_from_spec(spec)
    sys.argv = [a.gi_client, a.host, str(a.port), "--out", a.out, "--json", a.json, "-q",
                "--timeout", str(a.timeout), "--settle", str(a.settle),
                "--max-settle", str(a.max_settle), "--no-usbredir", "--skip", "playback,record"]
    spec.loader.exec_module(mod)
    orig = mod.Client.settled
    state = {"trigger": None}

    def settled(self, since=None):
        if state["trigger"] is None:
            if orig(self, since) and not os.path.exists(a.ready):
                open(a.ready, "w").close()
            if os.path.exists(a.trigger):
                state["trigger"] = mod.now()
            return False
        return orig(self, max(since or 0, state["trigger"]))
    mod.Client.settled = settled
    mod.main()


# ---------------------------------------------------------------------------------------------
# web-page-like Tk window

def page(a):
    import tkinter as tk
    rng = random.Random(4)
    root = tk.Tk()
    root.title("bench-page")
    root.geometry("%dx%d+%d+%d" % (a.width, a.height, a.x, a.y))
    c = tk.Canvas(root, width=a.width, height=a.height, bg="white", highlightthickness=0,
                  yscrollincrement=1)
    c.pack(fill="both", expand=True)
    images = []

    def photo(w, h, seed):
        r = random.Random(seed)
        c0 = [r.randint(0, 255) for _ in range(3)]
        c1 = [r.randint(0, 255) for _ in range(3)]
        cx, cy, rad = r.randint(0, w), r.randint(0, h), r.randint(h // 4, h)
        buf = bytearray(w * h * 3)
        o = 0
        for y in range(h):
            for x in range(w):
                t = (x + y) / (w + h)
                d = ((x - cx) ** 2 + (y - cy) ** 2) < rad * rad
                n = r.randint(-12, 12)  # sensor-like noise: photographic, not flat
                for k in range(3):
                    v = int(c0[k] * (1 - t) + c1[k] * t) + n + (40 if d else 0)
                    buf[o] = 0 if v < 0 else 255 if v > 255 else v
                    o += 1
        return tk.PhotoImage(data=b"P6\n%d %d\n255\n" % (w, h) + bytes(buf), format="ppm")

    margin = 40
    width = a.width - 2 * margin
    y = 20
    # a "site header" bar
    c.create_rectangle(0, 0, a.width, 60, fill="#24292f", outline="")
    c.create_text(margin, 30, anchor="w", text="Saffron Gazette - benchmark page",
                  font=("DejaVu Sans", 16, "bold"), fill="white")
    y = 90
    for s in range(a.sections):
        c.create_text(margin, y, anchor="nw", text="%d. %s %s" % (s + 1, rng.choice(WORDS).title(),
                      " ".join(rng.choice(WORDS) for _ in range(3))),
                      font=("DejaVu Sans", 18, "bold"), fill="#0b3d91")
        y += 40
        for p in range(2):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(50, 90))).capitalize() + "."
            item = c.create_text(margin, y, anchor="nw", text=text, width=width,
                                 font=("DejaVu Serif", 11), fill="#222222")
            bb = c.bbox(item)
            y = bb[3] + 14
        if s % 2 == 0:
            iw, ih = min(360, width // 2), 180
            img = photo(iw, ih, s)
            images.append(img)
            c.create_image(margin, y, anchor="nw", image=img)
            c.create_rectangle(margin + iw + 20, y, margin + width, y + ih, fill="#eef3f8",
                               outline="#9db3cc")
            c.create_text(margin + iw + 34, y + 14, anchor="nw", width=width - iw - 48,
                          text="Figure %d. %s" % (s + 1, " ".join(rng.choice(WORDS) for _ in range(25))),
                          font=("DejaVu Sans", 10, "italic"), fill="#334455")
            y += ih + 24
        else:
            # a coloured "button row" and a table-like block
            for b in range(4):
                x0 = margin + b * 130
                c.create_rectangle(x0, y, x0 + 116, y + 30, fill=["#2da44e", "#0969da", "#bf3989", "#fb8500"][b],
                                   outline="")
                c.create_text(x0 + 58, y + 15, text=rng.choice(WORDS).upper(), fill="white",
                              font=("DejaVu Sans", 10, "bold"))
            y += 44
            for row in range(4):
                c.create_rectangle(margin, y, margin + width, y + 22,
                                   fill="#f6f8fa" if row % 2 else "white", outline="#d0d7de")
                for col in range(4):
                    c.create_text(margin + 8 + col * width // 4, y + 11, anchor="w",
                                  text=rng.choice(WORDS), font=("DejaVu Sans Mono", 10))
                y += 22
            y += 20
    c.configure(scrollregion=(0, 0, a.width, y + 40))
    state = {"step": 0}

    def step():
        if state["step"] >= a.steps:
            open(a.done, "w").close()
            return
        c.yview_scroll(a.pixels, "units")
        state["step"] += 1
        root.after(a.interval, step)

    def start():
        open(a.ready, "w").close() if a.ready else None
        root.after(a.start_delay, step)
    root.after(200, start)
    root.mainloop()


# ---------------------------------------------------------------------------------------------
# snapshots

def proc_cpu(pid):
    """utime+stime of a process (all its threads), seconds; None if gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    fields = s[s.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def snap(a):
    rec = {"name": a.name, "t": time.time()}
    try:
        with open(a.proxy_stats) as f:
            p = json.load(f)
        rec["s2c"], rec["c2s"], rec["connections"] = p["s2c"], p["c2s"], p["connections"]
    except (OSError, ValueError):
        rec["s2c"] = rec["c2s"] = rec["connections"] = None
    for key, pids in (("server_cpu", a.server_pids), ("client_cpu", a.client_pids)):
        per = {}
        for pid in [int(x) for x in pids.split()]:
            per[str(pid)] = proc_cpu(pid)
        rec[key] = per
    if a.saffron_stats:
        try:
            with open(a.saffron_stats) as f:
                rec["saffron"] = json.load(f)
        except (OSError, ValueError):
            rec["saffron"] = None
    print(json.dumps(rec), flush=True)


# ---------------------------------------------------------------------------------------------
# screenshots

def read_image(path):
    """(width, height, packed RGB bytes) from an X window dump (xwd, 24/32 bpp TrueColor) or a
    binary PPM (P6, maxval 255)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"P6":
        parts = []
        i = 2
        while len(parts) < 3:
            while data[i:i + 1].isspace():
                i += 1
            if data[i:i + 1] == b"#":
                while data[i:i + 1] != b"\n":
                    i += 1
                continue
            j = i
            while not data[j:j + 1].isspace():
                j += 1
            parts.append(int(data[i:j]))
            i = j
        i += 1
        w, h, mx = parts
        if mx != 255:
            raise ValueError("PPM maxval %d" % mx)
        return w, h, data[i:i + w * h * 3]
    hdr = struct.unpack(">25I", data[:100])
    (header_size, version, fmt, depth, w, h, _xoff, byte_order, _unit, _bit_order, _pad, bpp,
     bpl, _vclass, rmask, gmask, bmask, _bits_rgb, _cmap_entries, ncolors) = hdr[:20]
    if version != 7 or fmt != 2 or bpp not in (24, 32):
        raise ValueError("%s: unsupported xwd (version %d, format %d, %d bpp)" % (path, version, fmt, bpp))
    off = header_size + ncolors * 12
    px = bpp // 8
    rgb = bytearray(w * h * 3)
    order = "little" if byte_order == 0 else "big"
    shifts = [(m, (m & -m).bit_length() - 1) for m in (rmask, gmask, bmask)]
    if px == 4 and order == "little" and (rmask, gmask, bmask) == (0xFF0000, 0xFF00, 0xFF):
        for y in range(h):
            row = data[off + y * bpl:off + y * bpl + w * 4]
            o = y * w * 3
            rgb[o:o + w * 3:3] = row[2::4]
            rgb[o + 1:o + w * 3:3] = row[1::4]
            rgb[o + 2:o + w * 3:3] = row[0::4]
        return w, h, bytes(rgb)
    for y in range(h):
        row = data[off + y * bpl:off + y * bpl + w * px]
        for x in range(w):
            v = int.from_bytes(row[x * px:x * px + px], order)
            for k, (m, s) in enumerate(shifts):
                rgb[(y * w + x) * 3 + k] = (v & m) >> s
    return w, h, bytes(rgb)


def save_png(path, w, h, rgb):
    from PIL import Image
    Image.frombytes("RGB", (w, h), rgb).save(path)


def compare(a):
    res = {"a": a.a, "b": a.b}
    try:
        wa, ha, ra = read_image(a.a)
        wb, hb, rb = read_image(a.b)
    except (OSError, ValueError, struct.error) as e:
        res.update(error=str(e), diff_pixels=None, pixel_exact=False)
        print(json.dumps(res))
        return
    res.update(size_a=[wa, ha], size_b=[wb, hb])
    if (wa, ha) != (wb, hb):
        res.update(diff_pixels=None, pixel_exact=False, error="sizes differ")
    else:
        diff = 0
        rows = []
        stride = wa * 3
        for y in range(ha):
            la, lb = ra[y * stride:(y + 1) * stride], rb[y * stride:(y + 1) * stride]
            if la != lb:
                n = sum(1 for x in range(0, stride, 3) if la[x:x + 3] != lb[x:x + 3])
                diff += n
                rows.append(y)
        res.update(diff_pixels=diff, pixel_exact=diff == 0,
                   diff_rows=[rows[0], rows[-1]] if rows else None)
        if diff and a.diff_png:
            out = bytearray(ra)
            for y in rows:
                for x in range(0, stride, 3):
                    o = y * stride + x
                    if ra[o:o + 3] != rb[o:o + 3]:
                        out[o:o + 3] = b"\xff\x00\xff"
            save_png(a.diff_png, wa, ha, bytes(out))
    if a.png_a:
        save_png(a.png_a, wa, ha, ra)
    if a.png_b:
        save_png(a.png_b, wb, hb, rb)
    print(json.dumps(res))


# ---------------------------------------------------------------------------------------------
# report

def fmt_bytes(n):
    if n is None:
        return "-"
    return "%.2f MB" % (n / 1e6) if n >= 1e6 else "%.1f kB" % (n / 1e3)


def cpu_sum(rec, key):
    vals = [v for v in rec[key].values() if v is not None]
    return sum(vals) if vals else None


def phase_deltas(snaps):
    """per-phase deltas between consecutive snapshots; CPU of a PID missing later counts 0."""
    out = []
    for prev, cur in zip(snaps, snaps[1:]):
        d = {"phase": cur["name"], "seconds": round(cur["t"] - prev["t"], 2)}
        for k in ("s2c", "c2s"):
            d[k] = (cur[k] - prev[k]) if cur[k] is not None and prev[k] is not None else None
        for key in ("server_cpu", "client_cpu"):
            tot = 0.0
            for pid, v in cur[key].items():
                p = prev[key].get(pid, 0.0)  # a process started in between counts from 0
                if v is not None and p is not None:
                    tot += v - p
            d[key] = round(tot, 2)
        if cur.get("saffron") and prev.get("saffron"):
            d["saffron"] = {k: cur["saffron"][k] - prev["saffron"].get(k, 0)
                            for k in cur["saffron"] if isinstance(cur["saffron"][k], (int, float))
                            and isinstance(prev["saffron"].get(k, 0), (int, float))}
        out.append(d)
    return out


def report(a):
    results = []
    for d in a.dirs:
        try:
            with open(os.path.join(d, "result.json")) as f:
                results.append(json.load(f))
        except (OSError, ValueError) as e:
            results.append({"server": os.path.basename(d.rstrip("/")), "error": str(e)})
    lines = []
    lines.append("| server | bytes server→client | bytes client→server | server CPU s | client CPU s | elapsed s | final screen |")
    lines.append("|---|---:|---:|---:|---:|---:|---|")
    for r in results:
        if "total" not in r:
            lines.append("| %s | failed: %s | | | | | |" % (r.get("label", r["server"]), r.get("error", "?")))
            continue
        t = r["total"]
        cmp_ = r.get("compare") or {}
        if cmp_.get("pixel_exact"):
            exact = "pixel-exact"
        elif cmp_.get("diff_pixels") is not None:
            exact = "%d pixels differ" % cmp_["diff_pixels"]
        else:
            exact = "not compared (%s)" % cmp_.get("error", "no capture")
        lines.append("| %s | %s | %s | %.2f | %.2f | %.1f | %s |" % (
            r.get("label", r["server"]), fmt_bytes(t["s2c"]), fmt_bytes(t["c2s"]), t["server_cpu"],
            t["client_cpu"], t["seconds"], exact))
    phases = [p["phase"] for r in results if "phases" in r for p in r["phases"]]
    order = []
    for p in phases:
        if p not in order:
            order.append(p)
    lines.append("")
    lines.append("Per phase, bytes server→client / server CPU seconds:")
    lines.append("")
    lines.append("| phase | " + " | ".join(r.get("label", r["server"]) for r in results if "phases" in r) + " |")
    lines.append("|---|" + "---:|" * len([r for r in results if "phases" in r]))
    for ph in order:
        cells = []
        for r in results:
            if "phases" not in r:
                continue
            p = next((x for x in r["phases"] if x["phase"] == ph), None)
            cells.append("%s / %.2f" % (fmt_bytes(p["s2c"]), p["server_cpu"]) if p else "-")
        lines.append("| %s | %s |" % (ph, " | ".join(cells)))
    md = "\n".join(lines) + "\n"
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(md)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"results": results, "meta": json.loads(a.meta) if a.meta else None}, f, indent=2)
    sys.stdout.write(md)


def result(a):
    """assemble DIR/result.json from DIR/snaps.jsonl and DIR/compare.json"""
    snaps = []
    with open(os.path.join(a.dir, "snaps.jsonl")) as f:
        for line in f:
            line = line.strip()
            if line:
                snaps.append(json.loads(line))
    phases = phase_deltas(snaps)
    first = next(i for i, s in enumerate(snaps) if s["name"] == a.total_from)
    last = next(i for i, s in enumerate(snaps) if s["name"] == a.total_to)
    total = phase_deltas([snaps[first], snaps[last]])[0]
    total["phase"] = "%s..%s" % (a.total_from, a.total_to)
    cmp_ = None
    try:
        with open(os.path.join(a.dir, "compare.json")) as f:
            cmp_ = json.load(f)
    except (OSError, ValueError):
        pass
    res = {"server": a.server, "label": a.label, "total": total, "phases": phases,
           "compare": cmp_, "notes": a.note}
    with open(os.path.join(a.dir, "result.json"), "w") as f:
        json.dump(res, f, indent=2)
    print(json.dumps({k: res[k] for k in ("server", "total", "compare")}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("gen-data")
    p.add_argument("dir")
    p.add_argument("--big-lines", type=int, default=5000)
    p.add_argument("--small-lines", type=int, default=600)
    p.add_argument("--typed-lines", type=int, default=8)
    p.set_defaults(fn=gen_data)
    p = sub.add_parser("proxy")
    p.add_argument("--listen", type=int, required=True)
    p.add_argument("--listen-host", default="127.0.0.1")
    p.add_argument("--target-host", default="127.0.0.1")
    p.add_argument("--target-port", type=int, required=True)
    p.add_argument("--stats", required=True)
    p.set_defaults(fn=proxy)
    p = sub.add_parser("spice-client")
    p.add_argument("--gi-client", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--trigger", required=True)
    p.add_argument("--ready", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--settle", type=float, default=1.5)
    p.add_argument("--max-settle", type=float, default=20)
    p.set_defaults(fn=spice_client)
    p = sub.add_parser("page")
    p.add_argument("--width", type=int, default=900)
    p.add_argument("--height", type=int, default=640)
    p.add_argument("--x", type=int, default=190)
    p.add_argument("--y", type=int, default=60)
    p.add_argument("--sections", type=int, default=24)
    p.add_argument("--steps", type=int, default=80)
    p.add_argument("--pixels", type=int, default=40)
    p.add_argument("--interval", type=int, default=60, help="ms between scroll steps")
    p.add_argument("--start-delay", type=int, default=1000)
    p.add_argument("--ready")
    p.add_argument("--done", required=True)
    p.set_defaults(fn=page)
    p = sub.add_parser("snap")
    p.add_argument("--name", required=True)
    p.add_argument("--proxy-stats", required=True)
    p.add_argument("--server-pids", default="")
    p.add_argument("--client-pids", default="")
    p.add_argument("--saffron-stats")
    p.set_defaults(fn=snap)
    p = sub.add_parser("compare")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--png-a")
    p.add_argument("--png-b")
    p.add_argument("--diff-png")
    p.set_defaults(fn=compare)
    p = sub.add_parser("result")
    p.add_argument("dir")
    p.add_argument("--server", required=True)
    p.add_argument("--label", required=True)
    p.add_argument("--total-from", default="start")
    p.add_argument("--total-to", default="end")
    p.add_argument("--note", default="")
    p.set_defaults(fn=result)
    p = sub.add_parser("report")
    p.add_argument("dirs", nargs="+")
    p.add_argument("--markdown")
    p.add_argument("--json")
    p.add_argument("--meta")
    p.set_defaults(fn=report)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
