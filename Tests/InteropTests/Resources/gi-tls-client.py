#!/usr/bin/python3
"""gi-tls-client.py - the shared gi-client.py with spice-gtk's TLS and SASL session properties.

Usage: gi-tls-client.py GI_CLIENT_PY [--tls-port N] [--ca-file F] [--host-subject S]
                        [--username U] [--no-plain-port] HOST PORT [gi-client options...]

Loads gi-client.py as a module and sets `tls-port`, `ca-file`, `host-subject`, `username` (the
SASL user; gi-client's own --password is the SASL password) on its SpiceSession right before
`spice_session_connect()`. `--no-plain-port` clears `port` so every
channel goes straight to the TLS port (a TLS-only server); with both ports set spice-gtk links
in plaintext first and moves a channel to TLS when the server answers NEED_SECURED.
Exit codes are gi-client's (3 = authentication failed, 4 = link failed, which includes TLS errors).
"""
import importlib.util
import sys

extra = {"--tls-port": None, "--ca-file": None, "--host-subject": None, "--username": None}
no_plain = False
args = sys.argv[2:]
rest = []
i = 0
while i < len(args):
    if args[i] in extra and i + 1 < len(args):
        extra[args[i]] = args[i + 1]
        i += 2
    elif args[i] == "--no-plain-port":
        no_plain = True
        i += 1
    else:
        rest.append(args[i])
        i += 1

spec = importlib.util.spec_from_file_location("gi_client", sys.argv[1])
gi_client = importlib.util.module_from_spec(spec)
sys.argv = [sys.argv[1]] + rest
spec.loader.exec_module(gi_client)

Session = gi_client.Spice.Session
_connect = Session.connect


def _tls_connect(self):
    if extra["--tls-port"]:
        self.set_property("tls-port", extra["--tls-port"])
    if extra["--ca-file"]:
        self.set_property("ca-file", extra["--ca-file"])
    if extra["--host-subject"]:
        self.set_property("host-subject", extra["--host-subject"])
    if extra["--username"]:
        self.set_property("username", extra["--username"])
    if no_plain:
        self.set_property("port", None)
    return _connect(self)


Session.connect = _tls_connect
gi_client.main()
