#!/usr/bin/python3
"""link-rate.py HOST PORT [--tls CA_FILE] [--password PW] [--seconds N]

Measures link-stage throughput: sequential main-channel links (TCP connect, optional TLS
handshake, SPICE link, RSA-OAEP ticket, link result), one at a time, for N seconds; prints
links/s and the median link time. Needs python3-cryptography (Debian 12)."""
import argparse, socket, ssl, struct, time
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

ap = argparse.ArgumentParser()
ap.add_argument("host"); ap.add_argument("port", type=int)
ap.add_argument("--tls", metavar="CA_FILE"); ap.add_argument("--password", default="")
ap.add_argument("--seconds", type=float, default=5)
a = ap.parse_args()
ctx = None
if a.tls:
    ctx = ssl.create_default_context(cafile=a.tls)

def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise IOError("closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf

def link():
    raw = socket.create_connection((a.host, a.port), timeout=10)
    # Interactive clients turn Nagle off; with it on, the link message waits behind the TLS Finished
    # until the delayed ACK (~40 ms), which would measure the kernel, not the server.
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s = ctx.wrap_socket(raw, server_hostname=a.host) if ctx else raw
    try:
        mess = struct.pack("<IBBIII", 0, 1, 0, 1, 1, 18) + struct.pack("<II", 0xD, 0xF)
        s.sendall(b"REDQ" + struct.pack("<III", 2, 2, len(mess)) + mess)
        header = recv_exact(s, 16)
        size = struct.unpack("<I", header[12:16])[0]
        reply = recv_exact(s, size)
        err = struct.unpack("<I", reply[:4])[0]
        if err:
            raise IOError("link error %d" % err)
        key = serialization.load_der_public_key(reply[4:166])
        ticket = key.encrypt(a.password.encode() + b"\0", padding.OAEP(
            mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None))
        s.sendall(struct.pack("<I", 1) + ticket)
        result = struct.unpack("<I", recv_exact(s, 4))[0]
        if result:
            raise IOError("link result %d" % result)
    finally:
        s.close()

times = []
end = time.monotonic() + a.seconds
start = time.monotonic()
while time.monotonic() < end:
    t = time.monotonic()
    link()
    times.append(time.monotonic() - t)
elapsed = time.monotonic() - start
times.sort()
print("%s%s: %d links in %.1f s = %.0f links/s, median %.2f ms, p90 %.2f ms" % (
    "TLS " if a.tls else "plaintext ", "with ticket" if a.password else "(ticketing disabled)",
    len(times), elapsed, len(times) / elapsed, times[len(times) // 2] * 1000, times[len(times) * 9 // 10] * 1000))
