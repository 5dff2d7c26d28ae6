#!/usr/bin/python3
"""hostile-clients.py HOST PORT [options] - attacks a SPICE server with misbehaving clients.

Runs named scenarios one at a time and prints one line per scenario with what the server did
(`closed`, `link error N (NAME)`, `link result N`, `still open`), then a final line. Between
scenarios it checks that the server still links a well-behaved main channel. Exit status:
0 = the server kept accepting connections (whatever it answered), 1 = it stopped accepting
or linking connections, 2 = usage error.

Scenarios (--only NAME,... runs a subset; --list shows them):
  garbage-instead-of-redq   random bytes, an HTTP request, a TLS ClientHello on the plain port
  wrong-versions            major 1, 0, 3, 0xFFFFFFFF; minor 0xFFFFFFFF (minor is ignored)
  huge-sizes                link header size 0xFFFFFFFF, 4097 (limit+1), 17 (below minimum)
  cut-short                 header/link message/auth/ticket cut short, then held or closed
  thousands-of-caps         5000+5000 caps, caps counts that overflow the message, 1024+1024
  data-before-link          data messages instead of REDQ, instead of the auth mechanism,
                            instead of the ticket
  every-message-type        for main, display, inputs, cursor: every client message type
                            (and unknown ones) with random bodies, plus bodies of 4 GB and
                            limit+1 claimed in the data header; seeded (--seed)
  silent-connections        --silent (500) connections that never speak, held past the link
                            timeout; meanwhile a well-behaved client links from the default
                            address (use --source to send the flood from another address)
  never-reads               links main + display, sends DISPLAY_INIT, then never reads for
                            --stall-seconds + 5 s; reports whether the server dropped it

Needs python3-cryptography for the RSA-OAEP ticket.
"""
import argparse
import os
import random
import socket
import struct
import sys
import threading
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

LINK_ERRORS = {0: "OK", 1: "ERROR", 2: "INVALID_MAGIC", 3: "INVALID_DATA", 4: "VERSION_MISMATCH",
               5: "NEED_SECURED", 6: "NEED_UNSECURED", 7: "PERMISSION_DENIED",
               8: "BAD_CONNECTION_ID", 9: "CHANNEL_NOT_AVAILABLE"}
MAGIC = b"REDQ"
MAIN, DISPLAY, INPUTS, CURSOR = 1, 2, 3, 4
CHANNEL_NAMES = {MAIN: "main", DISPLAY: "display", INPUTS: "inputs", CURSOR: "cursor"}
# common caps: PROTOCOL_AUTH_SELECTION | AUTH_SPICE | MINI_HEADER
COMMON_CAPS = 0x0B
CHANNEL_CAPS = {MAIN: 0x0F, DISPLAY: 0x0, INPUTS: 0x1, CURSOR: 0x0}
# Client message types (spice-protocol enums.h): base 1-6, then per channel from 101.
BASE_TYPES = {1: "ACK_SYNC", 2: "ACK", 3: "PONG", 4: "MIGRATE_FLUSH_MARK", 5: "MIGRATE_DATA",
              6: "DISCONNECTING"}
CLIENT_TYPES = {
    MAIN: {101: "CLIENT_INFO", 102: "MIGRATE_CONNECTED", 103: "MIGRATE_CONNECT_ERROR",
           104: "ATTACH_CHANNELS", 105: "MOUSE_MODE_REQUEST", 106: "AGENT_START",
           107: "AGENT_DATA", 108: "AGENT_TOKEN", 109: "MIGRATE_END",
           110: "MIGRATE_DST_DO_SEAMLESS", 111: "MIGRATE_CONNECTED_SEAMLESS",
           112: "QUALITY_INDICATOR"},
    DISPLAY: {101: "INIT", 102: "STREAM_REPORT", 103: "PREFERRED_COMPRESSION",
              104: "GL_DRAW_DONE", 105: "PREFERRED_VIDEO_CODEC_TYPE"},
    INPUTS: {101: "KEY_DOWN", 102: "KEY_UP", 103: "KEY_MODIFIERS", 104: "KEY_SCANCODE",
             111: "MOUSE_MOTION", 112: "MOUSE_POSITION", 113: "MOUSE_PRESS",
             114: "MOUSE_RELEASE"},
    CURSOR: {},
}
UNKNOWN_TYPES = [0, 7, 100, 199, 0xFFFF]
INBOUND_LIMIT = 64 * 1024  # WireLimits.serverInbound.maxMessageBody

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                             formatter_class=argparse.RawDescriptionHelpFormatter,
                             epilog=__doc__.split("\n", 1)[1])
ap.add_argument("host", nargs="?")
ap.add_argument("port", type=int, nargs="?")
ap.add_argument("--password", default="", help="the server's SPICE password (none with --disable-ticketing)")
ap.add_argument("--source", help="local address for the attacks (e.g. 127.0.0.2), so the server's "
                "per-address limits hit the attacker, not the well-behaved checks")
ap.add_argument("--seed", type=int, default=1, help="seed for the random bodies (default 1)")
ap.add_argument("--silent", type=int, default=500, help="connections in silent-connections (default 500)")
ap.add_argument("--link-timeout", type=float, default=10, help="the server's link timeout, s (default 10)")
ap.add_argument("--stall-seconds", type=float, default=30,
                help="the server's stalled-client timeout, s (default 30)")
ap.add_argument("--only", default="", help="comma list of scenarios to run")
ap.add_argument("--list", action="store_true", help="list the scenarios and exit")
a = ap.parse_args()


def log(msg):
    print(msg, flush=True)


# ---- wire helpers ---------------------------------------------------------------------------
def connect(source=None, timeout=10):
    src = (source, 0) if source else None
    return socket.create_connection((a.host, a.port), timeout=timeout, source_address=src)


def attack_socket(timeout=10):
    return connect(a.source, timeout)


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise IOError("closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def link_header(size, major=2, minor=2, magic=MAGIC):
    return magic + struct.pack("<III", major, minor, size)


def link_mess(channel_type, channel_id=0, connection_id=0, common=(COMMON_CAPS,), caps=None,
              num_common=None, num_channel=None, caps_offset=18):
    caps = [CHANNEL_CAPS.get(channel_type, 0)] if caps is None else caps
    nc = len(common) if num_common is None else num_common
    nch = len(caps) if num_channel is None else num_channel
    body = struct.pack("<IBBIII", connection_id, channel_type, channel_id, nc, nch, caps_offset)
    return body + b"".join(struct.pack("<I", c) for c in list(common) + list(caps))


def link_request(channel_type, **kw):
    mess = link_mess(channel_type, **kw)
    return link_header(len(mess)) + mess


def ticket_for(reply):
    key = serialization.load_der_public_key(reply[4:166])
    return key.encrypt(a.password.encode() + b"\0", padding.OAEP(
        mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None))


def observe(s, seconds):
    """Reads what the server sends for up to `seconds`; returns (closed, bytes)."""
    data = b""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False, data
        s.settimeout(left)
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            return False, data
        except (ConnectionResetError, BrokenPipeError):
            return True, data
        if not chunk:
            return True, data
        data += chunk


def describe(closed, data, after_reply=False):
    """What the server did, from the bytes it sent before closing (or not)."""
    what = []
    if not after_reply and len(data) >= 20 and data[:4] == MAGIC:
        err = struct.unpack("<I", data[16:20])[0]
        what.append("link error %d (%s)" % (err, LINK_ERRORS.get(err, "?")) if err else "link reply OK")
    elif after_reply and len(data) >= 4:
        err = struct.unpack("<I", data[:4])[0]
        what.append("link result %d (%s)" % (err, LINK_ERRORS.get(err, "?")))
    elif data:
        what.append("%d bytes" % len(data))
    what.append("closed" if closed else "still open")
    return ", ".join(what)


def send_and_observe(payload, seconds=3, hold=None):
    s = attack_socket()
    try:
        s.sendall(payload)
        return describe(*observe(s, seconds))
    except OSError as e:
        return "error %s" % e
    finally:
        s.close()


class Linked:
    """A channel linked properly: `sock`, and for main the session id from MAIN_INIT."""

    def __init__(self, channel_type, connection_id=0, source="attack", caps=None):
        self.type = channel_type
        src = a.source if source == "attack" else source
        self.sock = connect(src)
        self.sock.sendall(link_request(channel_type, connection_id=connection_id, caps=caps))
        header = recv_exact(self.sock, 16)
        size = struct.unpack("<I", header[12:16])[0]
        reply = recv_exact(self.sock, size)
        err = struct.unpack("<I", reply[:4])[0]
        if err:
            self.sock.close()
            raise IOError("link error %d (%s)" % (err, LINK_ERRORS.get(err, "?")))
        self.sock.sendall(struct.pack("<I", 1) + ticket_for(reply))
        result = struct.unpack("<I", recv_exact(self.sock, 4))[0]
        if result:
            self.sock.close()
            raise IOError("link result %d (%s)" % (result, LINK_ERRORS.get(result, "?")))
        self.session_id = None
        if channel_type == MAIN:
            # MINI_HEADER was negotiated: u16 type, u32 size. MAIN_INIT (103) comes first.
            mtype, msize = struct.unpack("<HI", recv_exact(self.sock, 6))
            body = recv_exact(self.sock, msize)
            if mtype != 103:
                raise IOError("first main message is %d, not MAIN_INIT" % mtype)
            self.session_id = struct.unpack("<I", body[:4])[0]

    def drain_in_background(self):
        def run(sock):
            try:
                sock.settimeout(None)
                while sock.recv(65536):
                    pass
            except OSError:
                pass
        threading.Thread(target=run, args=(self.sock,), daemon=True).start()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def message(mtype, body, size=None):
    return struct.pack("<HI", mtype, len(body) if size is None else size) + body


def server_links(source=None):
    """Whether a well-behaved main channel links (from `source`, default: the default address)."""
    try:
        ch = Linked(MAIN, source=source)
        ch.close()
        return True, "links"
    except (OSError, IOError) as e:
        return False, str(e)


# ---- scenarios ------------------------------------------------------------------------------
def garbage_instead_of_redq(rng):
    yield "random 64 bytes", send_and_observe(rng.randbytes(64))
    yield "HTTP request", send_and_observe(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    # A TLS 1.2 ClientHello record header on the plaintext port.
    yield "TLS ClientHello", send_and_observe(b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + rng.randbytes(154))
    yield "REDQ lower-case", send_and_observe(b"redq" + struct.pack("<III", 2, 2, 26) + link_mess(MAIN))


def wrong_versions(rng):
    for major in (1, 0, 3, 0xFFFFFFFF):
        mess = link_mess(MAIN)
        yield "major %d" % major, send_and_observe(link_header(len(mess), major=major) + mess)
    mess = link_mess(MAIN)
    yield "minor 0xFFFFFFFF (ignored, as spice-server)", send_and_observe(link_header(len(mess), minor=0xFFFFFFFF) + mess)


def huge_sizes(rng):
    yield "header size 0xFFFFFFFF", send_and_observe(link_header(0xFFFFFFFF) + link_mess(MAIN))
    yield "header size 4097 (limit+1)", send_and_observe(link_header(4097) + link_mess(MAIN) + bytes(4097 - 26))
    yield "header size 17 (below minimum)", send_and_observe(link_header(17) + link_mess(MAIN)[:17])
    yield "header size 0", send_and_observe(link_header(0))
    yield "caps offset 0xFFFFFFFF", send_and_observe(link_request(MAIN, caps_offset=0xFFFFFFFF))


def cut_short(rng):
    hold = a.link_timeout + 3
    req = link_request(MAIN)
    # held open: the server must end them at the link timeout
    for what, payload in (("8 of 16 header bytes", req[:8]), ("header + 10 of 26 link bytes", req[:26]),
                          ("nothing after the link reply (no auth)", req),
                          ("auth + 64 of 128 ticket bytes", None)):
        s = attack_socket()
        try:
            t = time.monotonic()
            if payload is None:
                s.sendall(req)
                header = recv_exact(s, 16)
                recv_exact(s, struct.unpack("<I", header[12:16])[0])
                s.sendall(struct.pack("<I", 1) + rng.randbytes(64))
            else:
                s.sendall(payload)
            closed, data = observe(s, hold)
            yield "%s, held" % what, "%s after %.1f s" % (describe(closed, data), time.monotonic() - t)
        finally:
            s.close()
    # closed by the client mid-link: the server must log it and free the slot
    for what, cut in (("8 header bytes", 8), ("header + 10 link bytes", 26)):
        s = attack_socket()
        s.sendall(req[:cut])
        s.close()
        yield "%s, then closed by the client" % what, "sent and closed"
    s = attack_socket()
    s.sendall(req)
    recv_exact(s, 16)
    s.close()
    yield "link request, closed before the ticket", "sent and closed"


def thousands_of_caps(rng):
    caps = [rng.getrandbits(32) for _ in range(5000)]
    for what, kw in (("5000 common + 5000 channel caps", dict(common=caps, caps=caps)),
                     ("1024 common + 1024 channel caps (> 4096 bytes)", dict(common=caps[:1024], caps=caps[:1024])),
                     ("500 common + 500 channel caps (fits 4096 bytes)", dict(common=caps[:500], caps=caps[:500]))):
        mess = link_mess(MAIN, **kw)
        yield what, send_and_observe(link_header(len(mess)) + mess)
    mess = link_mess(MAIN, num_common=0xFFFFFFFF, num_channel=0xFFFFFFFF)
    yield "caps counts 0xFFFFFFFF in a 26-byte message", send_and_observe(link_header(len(mess)) + mess)
    mess = link_mess(MAIN, num_common=5000, num_channel=5000)
    yield "caps counts 5000 + 5000 in a 26-byte message", send_and_observe(link_header(len(mess)) + mess)


def data_before_link(rng):
    yield "ATTACH_CHANNELS instead of REDQ", send_and_observe(message(104, b""))
    yield "MOUSE_MOTION x 100 instead of REDQ", send_and_observe(message(111, rng.randbytes(10)) * 100)
    s = attack_socket()
    try:
        s.sendall(link_request(MAIN))
        header = recv_exact(s, 16)
        recv_exact(s, struct.unpack("<I", header[12:16])[0])
        s.sendall(message(104, b"") * 30)
        yield "data messages instead of the auth mechanism", describe(*observe(s, 3), after_reply=True)
    finally:
        s.close()
    s = attack_socket()
    try:
        s.sendall(link_request(MAIN))
        header = recv_exact(s, 16)
        recv_exact(s, struct.unpack("<I", header[12:16])[0])
        s.sendall(struct.pack("<I", 1) + message(104, b"") * 30)
        yield "data messages instead of the ticket", describe(*observe(s, 3), after_reply=True)
    finally:
        s.close()


def every_message_type(rng):
    """Each (channel, type) on its own freshly linked connection: a few random bodies, then see
    whether the server closed it within 0.5 s."""
    sessions = {}

    def session():
        if "main" not in sessions:
            m = Linked(MAIN)
            m.drain_in_background()
            sessions["main"] = m
        return sessions["main"]

    def link(ctype):
        if ctype == MAIN:
            ch = Linked(MAIN)
            return ch
        for attempt in range(20):
            try:
                return Linked(ctype, connection_id=session().session_id)
            except IOError as e:
                # the previous connection of this channel may still be attached for a moment;
                # a closed session (the server dropped its main) needs a new one
                if "BAD_CONNECTION_ID" in str(e):
                    sessions.pop("main").close()
                time.sleep(0.1)
        raise IOError("cannot link %s" % CHANNEL_NAMES[ctype])

    for ctype in (MAIN, DISPLAY, INPUTS, CURSOR):
        types = dict(BASE_TYPES)
        types.update(CLIENT_TYPES[ctype])
        cases = [(t, n, None) for t, n in sorted(types.items())]
        cases += [(t, "unknown %d" % t, None) for t in UNKNOWN_TYPES]
        cases += [(104 if ctype != CURSOR else 3, "size 0xFFFFFFFF", 0xFFFFFFFF),
                  (104 if ctype != CURSOR else 3, "size %d (limit+1)" % (INBOUND_LIMIT + 1), INBOUND_LIMIT + 1)]
        closed_n = open_n = 0
        details = []
        for mtype, name, size in cases:
            ch = link(ctype)
            try:
                if size is None:
                    payload = b"".join(message(mtype, rng.randbytes(rng.choice((0, 1, 2, 4, 7, 8, 13, 16, 64, 300))))
                                       for _ in range(4))
                else:
                    payload = message(mtype, rng.randbytes(1024), size=size)
                ch.sock.sendall(payload)
                closed, _ = observe(ch.sock, 0.5)
            except OSError:
                closed = True
            finally:
                ch.close()
            if closed:
                closed_n += 1
            else:
                open_n += 1
            details.append("%d%s" % (mtype, "x" if closed else ""))
        yield "%s: %d cases" % (CHANNEL_NAMES[ctype], len(cases)), \
            "closed %d, still open %d (type, x = server closed: %s)" % (closed_n, open_n, " ".join(details))
    for s in sessions.values():
        s.close()


def silent_connections(rng):
    socks = []
    refused = 0
    t = time.monotonic()
    for _ in range(a.silent):
        try:
            socks.append(attack_socket(timeout=5))
        except OSError:
            refused += 1
    opened = time.monotonic() - t
    ok, why = server_links()
    during = "a well-behaved link meanwhile %s" % ("succeeded" if ok else "FAILED: " + why)
    # Which did the server close at once (admission limits), which at the link timeout?
    closed_at_once = 0
    time.sleep(1)
    for s in socks:
        closed, _ = observe(s, 0.001)
        closed_at_once += closed
    remaining = [s for s in socks]
    deadline = time.monotonic() + a.link_timeout + 3
    still_open = 0
    for s in remaining:
        closed, _ = observe(s, max(0.001, deadline - time.monotonic()))
        still_open += not closed
    for s in socks:
        s.close()
    yield "%d connections, never speaking" % a.silent, \
        "%d connect failures, %d closed by the server within 1 s (admission limits), %d still open %.0f s " \
        "after opening (link timeout %.0f s); %s" % (refused, closed_at_once, still_open,
                                                     time.monotonic() - t, a.link_timeout, during)
    del opened


def flood(sock, chunk, limit_bytes, block_seconds=5):
    """Sends `chunk` until `limit_bytes` went out, a send blocks for `block_seconds` (the server
    stopped reading) or the connection breaks; returns (bytes sent, how it ended)."""
    sent = 0
    sock.settimeout(block_seconds)
    try:
        while sent < limit_bytes:
            sock.sendall(chunk)
            sent += len(chunk)
    except socket.timeout:
        return sent, "the server stopped reading (a send blocked %.0f s)" % block_seconds
    except OSError as e:
        return sent, "connection broken (%s)" % e.__class__.__name__
    return sent, "all sent"


def never_reads(rng):
    # An inputs flood that never reads: each 4 motions make the server queue a MOTION_ACK.
    m = Linked(MAIN)
    i = Linked(INPUTS, connection_id=m.session_id)
    for ch in (m, i):
        ch.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    chunk = b"".join(message(112, struct.pack("<IIHB", rng.randrange(1280), rng.randrange(800), 0, 0))
                     for _ in range(4096))
    t = time.monotonic()
    sent, how = flood(i.sock, chunk, 256 << 20)
    yield "inputs: MOUSE_POSITION flood, never reading", "%.1f MB sent in %.1f s: %s" % (
        sent / 1e6, time.monotonic() - t, how)
    m.close()
    i.close()

    m = Linked(MAIN)
    d = Linked(DISPLAY, connection_id=m.session_id)
    for ch in (m, d):
        ch.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    # DISPLAY_INIT: pixmap_cache_id u8, pixmap_cache_size i64, glz_dictionary_id u8, window i32
    d.sock.sendall(message(101, struct.pack("<BqBi", 1, 20 << 20, 1, 8 << 20)))
    hold = a.stall_seconds + 5
    t = time.monotonic()
    time.sleep(hold)
    # Now read everything: the server closed the connection if EOF comes after the backlog.
    closed_d, data_d = observe(d.sock, 10)
    closed_m, _ = observe(m.sock, 10)
    m.close()
    d.close()
    yield "linked main + display, DISPLAY_INIT, no reads for %.0f s" % hold, \
        "display %s (%d bytes were waiting), main %s, after %.0f s" % (
            "closed" if closed_d else "still open", len(data_d), "closed" if closed_m else "still open",
            time.monotonic() - t)


SCENARIOS = [
    ("garbage-instead-of-redq", garbage_instead_of_redq),
    ("wrong-versions", wrong_versions),
    ("huge-sizes", huge_sizes),
    ("cut-short", cut_short),
    ("thousands-of-caps", thousands_of_caps),
    ("data-before-link", data_before_link),
    ("every-message-type", every_message_type),
    ("silent-connections", silent_connections),
    ("never-reads", never_reads),
]


def main():
    if a.list:
        for name, _ in SCENARIOS:
            print(name)
        return 0
    if a.host is None or a.port is None:
        ap.error("HOST and PORT are needed")
    only = [n for n in a.only.split(",") if n]
    unknown = [n for n in only if n not in dict(SCENARIOS)]
    if unknown:
        ap.error("unknown scenario(s) %s; --list shows them" % ", ".join(unknown))
    ok, why = server_links()
    if not ok:
        log("hostile: the server does not link a well-behaved client before any attack: %s" % why)
        return 1
    ran = 0
    for name, run in SCENARIOS:
        if only and name not in only:
            continue
        rng = random.Random("%d-%s" % (a.seed, name))
        t = time.monotonic()
        try:
            for case, outcome in run(rng):
                log("hostile: %s: %s: %s" % (name, case, outcome))
        except (OSError, IOError) as e:
            log("hostile: %s: aborted: %s" % (name, e))
        ok, why = server_links()
        log("hostile: scenario %s done in %.1f s; server %s" % (
            name, time.monotonic() - t, "still links clients" if ok else "DOES NOT LINK: " + why))
        if not ok:
            # one retry after a moment: admission slots of the attack may still be draining
            time.sleep(a.link_timeout + 1)
            ok, why = server_links()
            if not ok:
                log("hostile: RESULT: the server stopped accepting connections after %s: %s" % (name, why))
                return 1
        ran += 1
    log("hostile: RESULT: %d scenarios ran, the server kept accepting connections" % ran)
    return 0


if __name__ == "__main__":
    sys.exit(main())
