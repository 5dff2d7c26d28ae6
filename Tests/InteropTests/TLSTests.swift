import Foundation
import Testing

extension Interop {
    /// TLS (`--tls-port`, `--x509-dir`), per-channel policy, password reload/expiry and link-stage
    /// limits, with spice-gtk (gi-client through Resources/gi-tls-client.py).
    @Suite("TLS and link security")
    struct TLS {
        /// A test CA and a server certificate for 127.0.0.1 (CN and subjectAltName) in `dir/x509`
        /// (QEMU layout), plus an unrelated CA in `dir/other-ca-cert.pem`.
        static func makeCertificates(in dir: TempDir) async throws -> String {
            let x509 = dir.path("x509")
            try FileManager.default.createDirectory(atPath: x509, withIntermediateDirectories: true)
            let openssl = try Paths.tool("openssl", package: "openssl")
            try "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n".write(toFile: dir.path("san.ext"), atomically: true, encoding: .utf8)
            let steps: [[String]] = [
                ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.path("ca-key.pem"), "-out", "\(x509)/ca-cert.pem",
                 "-days", "2", "-subj", "/CN=Saffron Test CA"],
                ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(x509)/server-key.pem", "-out", dir.path("server.csr"),
                 "-subj", "/CN=127.0.0.1"],
                ["x509", "-req", "-in", dir.path("server.csr"), "-CA", "\(x509)/ca-cert.pem", "-CAkey", dir.path("ca-key.pem"),
                 "-CAcreateserial", "-out", "\(x509)/server-cert.pem", "-days", "2", "-extfile", dir.path("san.ext")],
                ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.path("other-ca-key.pem"),
                 "-out", dir.path("other-ca-cert.pem"), "-days", "2", "-subj", "/CN=Another CA"],
            ]
            for (i, step) in steps.enumerated() {
                let run = try await runTool(openssl, step, in: dir, name: "openssl-\(i)", timeout: 30)
                guard run.succeeded else { throw HarnessError("openssl \(step.prefix(2).joined(separator: " ")) failed\n\(run.tail())") }
            }
            return x509
        }

        @Test("(a) TLS-only server (--port 0): spice-gtk with the CA links every channel and gets a frame", .timeLimit(.minutes(2)))
        func tlsOnly() async throws {
            let dir = try TempDir("tls-only")
            defer { dir.remove() }
            let x509 = try await Self.makeCertificates(in: dir)
            let server = try await SaffronServer(["--demo", "static", "--disable-ticketing"],
                                                 x509Dir: x509, plaintext: false, in: dir)
            defer { server.killNow() }
            let out = dir.path("tls-frame.png")
            let gi = try await Peers.giTLSClient(plainPort: nil, tlsPort: server.tlsPort, caFile: "\(x509)/ca-cert.pem",
                                                 ["--out", out, "--min-nonblack", "1000", "--expect-channels", "main,display,inputs,cursor", "-q"],
                                                 in: dir, name: "gi-tls")
            #expect(gi.succeeded, "\(gi.tail())\n\(server.process.tail())")
            #expect(FileManager.default.fileExists(atPath: out))
            let log = server.process.stderr
            let tlsLinks = log.split(separator: "\n").filter { $0.contains("linked") && $0.contains("tls=true") }.count
            #expect(tlsLinks >= 4, "every channel linked over TLS (\(tlsLinks))\n\(server.process.tail())")
            report("tls-only: gi-client \(gi.status) in \(String(format: "%.2f", gi.seconds)) s, frame \(out)")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }

        @Test("(b) a client that does not trust the server's CA is refused", .timeLimit(.minutes(2)))
        func wrongCA() async throws {
            let dir = try TempDir("tls-wrong-ca")
            defer { dir.remove() }
            let x509 = try await Self.makeCertificates(in: dir)
            let server = try await SaffronServer(["--demo", "static", "--disable-ticketing"],
                                                 x509Dir: x509, plaintext: false, in: dir)
            defer { server.killNow() }
            let gi = try await Peers.giTLSClient(plainPort: nil, tlsPort: server.tlsPort, caFile: dir.path("other-ca-cert.pem"),
                                                 ["--channels-only", "-q", "--timeout", "15"], in: dir, name: "gi-wrong-ca")
            #expect(gi.status == .exited(4), "TLS error = link failed (4)\n\(gi.tail())")
            report("tls wrong CA: gi-client \(gi.status) in \(String(format: "%.2f", gi.seconds)) s")
            // the server is unharmed: the right CA still works
            let ok = try await Peers.giTLSClient(plainPort: nil, tlsPort: server.tlsPort, caFile: "\(x509)/ca-cert.pem",
                                                 ["--channels-only", "-q"], in: dir, name: "gi-right-ca")
            #expect(ok.succeeded, "\(ok.tail())\n\(server.process.tail())")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }

        @Test("(c) --tls-channel main: NEED_SECURED on the plaintext port, spice-gtk moves main to TLS", .timeLimit(.minutes(2)))
        func tlsChannelMain() async throws {
            let dir = try TempDir("tls-channel")
            defer { dir.remove() }
            let x509 = try await Self.makeCertificates(in: dir)
            let server = try await SaffronServer(["--demo", "static", "--disable-ticketing", "--tls-channel", "main"],
                                                 x509Dir: x509, in: dir)
            defer { server.killNow() }
            let out = dir.path("mixed.png")
            let gi = try await Peers.giTLSClient(plainPort: server.port, tlsPort: server.tlsPort, caFile: "\(x509)/ca-cert.pem",
                                                 ["--out", out, "--min-nonblack", "1000", "--expect-channels", "main,display,inputs,cursor", "-q"],
                                                 in: dir, name: "gi-mixed")
            #expect(gi.succeeded, "\(gi.tail())\n\(server.process.tail())")
            let log = server.process.stderr
            #expect(log.contains("NEED_SECURED"), "main refused in plaintext first\n\(server.process.tail())")
            let mainOverTLS = log.split(separator: "\n").contains { $0.contains("linked") && $0.contains("channel=main") && $0.contains("tls=true") }
            #expect(mainOverTLS, "main linked over TLS\n\(server.process.tail())")
            let displayPlain = log.split(separator: "\n").contains { $0.contains("linked") && $0.contains("channel=display") && !$0.contains("tls=true") }
            #expect(displayPlain, "display stays on plaintext\n\(server.process.tail())")
            // without a TLS port spice-gtk cannot follow NEED_SECURED: its TLS retry has no port to
            // connect to, reported as a connect error (gi-client exit 2)
            let plainOnly = try await Peers.giClient(port: server.port, ["--channels-only", "-q", "--timeout", "15"], in: dir, name: "gi-plain-only")
            #expect(plainOnly.status == .exited(2), "\(plainOnly.tail())")
            report("tls-channel main: gi-client \(gi.status) in \(String(format: "%.2f", gi.seconds)) s; plaintext-only client \(plainOnly.status)")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }

        @Test("(d) SIGHUP re-reads --password-file: old refused, new accepted, same process", .timeLimit(.minutes(2)))
        func sighupReload() async throws {
            let dir = try TempDir("sighup")
            defer { dir.remove() }
            let file = dir.path("password")
            try "old-secret\n".write(toFile: file, atomically: true, encoding: .utf8)
            let server = try await SaffronServer(["--demo", "static", "--password-file", file], in: dir)
            defer { server.killNow() }
            let pid = server.pid
            let before = try await Peers.giClient(port: server.port, ["--channels-only", "-q", "--password", "old-secret"], in: dir, name: "gi-old-1")
            #expect(before.succeeded, "\(before.tail())")
            try "new-secret\n".write(toFile: file, atomically: true, encoding: .utf8)
            server.process.signal(SIGHUP)
            let deadline = ContinuousClock.now + .seconds(5)
            while !server.process.stderr.contains("password re-read"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(server.process.stderr.contains("password re-read"), "\(server.process.tail())")
            let old = try await Peers.giClient(port: server.port, ["--channels-only", "-q", "--password", "old-secret"], in: dir, name: "gi-old-2")
            #expect(old.status == .exited(3), "\(old.tail())")
            let new = try await Peers.giClient(port: server.port, ["--channels-only", "-q", "--password", "new-secret"], in: dir, name: "gi-new")
            #expect(new.succeeded, "\(new.tail())")
            #expect(server.process.isRunning && server.pid == pid, "no restart")
            #expect(!server.process.output.contains("old-secret") && !server.process.output.contains("new-secret"), "password never logged")
            report("sighup: old password \(old.status), new \(new.status), pid \(pid) unchanged")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }

        @Test("(e) --ticket-lifetime 2: links at first, refused (expired) after 3 s", .timeLimit(.minutes(2)))
        func ticketLifetime() async throws {
            let dir = try TempDir("lifetime")
            defer { dir.remove() }
            let file = dir.path("password")
            try "pw\n".write(toFile: file, atomically: true, encoding: .utf8)
            let started = ContinuousClock.now
            let server = try await SaffronServer(["--demo", "static", "--password-file", file, "--ticket-lifetime", "2"], in: dir)
            defer { server.killNow() }
            // only the main channel: the whole client must link inside the 2 s
            let first = try await Peers.giClient(port: server.port, ["--channels-only", "-q", "--password", "pw", "--skip", "display,inputs,cursor"],
                                                 in: dir, name: "gi-fresh")
            let firstAt = (ContinuousClock.now - started).seconds
            #expect(first.succeeded, "linked \(String(format: "%.2f", firstAt)) s after start\n\(first.tail())")
            let wait = 3.0 - (ContinuousClock.now - started).seconds
            if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
            let late = try await Peers.giClient(port: server.port, ["--channels-only", "-q", "--password", "pw"], in: dir, name: "gi-expired")
            #expect(late.status == .exited(3), "\(late.tail())")
            #expect(server.process.stderr.contains("expired"), "\(server.process.tail())")
            report("ticket lifetime 2 s: fresh \(first.status) (done at \(String(format: "%.2f", firstAt)) s), after 3 s \(late.status)")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }

        @Test("Link-stage limits: extra idle connections from one address are closed at once; slots come back", .timeLimit(.minutes(2)))
        func linkLimits() async throws {
            let dir = try TempDir("link-limits")
            defer { dir.remove() }
            let server = try await SaffronServer(["--demo", "static", "--disable-ticketing", "--max-linking-per-peer", "3"], in: dir)
            defer { server.killNow() }
            // give the readiness probe's connection time to go
            try await Task.sleep(for: .milliseconds(200))
            var held: [Ports.IdleConnection] = []
            for _ in 0..<3 { held.append(try Ports.IdleConnection(port: server.port)) }
            try await Task.sleep(for: .milliseconds(200))
            let extra = try Ports.IdleConnection(port: server.port)
            #expect(extra.closedByServer(within: 2), "4th linking connection closed at once")
            #expect(!held[0].closedByServer(within: 0.3), "the first three stay (until the 10 s link timeout)")
            held.removeAll()
            try await Task.sleep(for: .milliseconds(300))
            let gi = try await Peers.giClient(port: server.port, ["--channels-only", "-q"], in: dir, name: "gi-after")
            #expect(gi.succeeded, "\(gi.tail())\n\(server.process.tail())")
            #expect(server.process.stderr.contains("connection refused before link"), "\(server.process.tail())")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }

        @Test("certificate/key problems at start: one line naming the file, exit 1; encrypted key with its password works", .timeLimit(.minutes(2)))
        func setupErrors() async throws {
            let dir = try TempDir("tls-setup")
            defer { dir.remove() }
            let x509 = try await Self.makeCertificates(in: dir)
            let openssl = try Paths.tool("openssl", package: "openssl")
            func serve(_ name: String, _ extra: [String]) async throws -> ToolRun {
                try await runTool(try Paths.saffron(), ["serve", "--disable-ticketing", "--port", "0", "--tls-port", String(try Ports.free())] + extra,
                                  in: dir, name: name, timeout: 20)
            }
            // broken copies of the folder
            func variant(_ name: String, _ change: (String) throws -> Void) throws -> String {
                let path = dir.path(name)
                try FileManager.default.copyItem(atPath: x509, toPath: path)
                try change(path)
                return path
            }
            let noKey = try variant("no-key") { try FileManager.default.removeItem(atPath: "\($0)/server-key.pem") }
            let badCert = try variant("bad-cert") { try "not a certificate\n".write(toFile: "\($0)/server-cert.pem", atomically: true, encoding: .utf8) }
            let otherKey = try variant("other-key") { try FileManager.default.removeItem(atPath: "\($0)/server-key.pem")
                try FileManager.default.copyItem(atPath: dir.path("ca-key.pem"), toPath: "\($0)/server-key.pem") }
            let encrypted = try variant("encrypted") { _ in }
            let enc = try await runTool(openssl, ["pkey", "-in", "\(x509)/server-key.pem", "-aes256", "-passout", "pass:keypass",
                                                  "-out", "\(encrypted)/server-key.pem"], in: dir, name: "openssl-enc", timeout: 30)
            #expect(enc.succeeded, "\(enc.tail())")
            try "keypass\n".write(toFile: dir.path("keypass"), atomically: true, encoding: .utf8)
            try "wrong\n".write(toFile: dir.path("wrongpass"), atomically: true, encoding: .utf8)

            let cases: [(String, [String], String)] = [
                ("no-dir", ["--x509-dir", dir.path("nowhere")], "no such directory"),
                ("no-key", ["--x509-dir", noKey], "server-key.pem: missing"),
                ("bad-cert", ["--x509-dir", badCert], "server-cert.pem: not a PEM"),
                ("other-key", ["--x509-dir", otherKey], "does not fit"),
                ("enc-no-pass", ["--x509-dir", encrypted], "encrypted"),
                ("enc-wrong-pass", ["--x509-dir", encrypted, "--x509-key-password-file", dir.path("wrongpass")], "cannot decrypt"),
                ("bad-ciphers", ["--x509-dir", x509, "--tls-ciphers", "NOPE-CIPHER"], "--tls-ciphers"),
            ]
            for (name, args, want) in cases {
                let run = try await serve(name, args)
                let lines = run.stderr.split(separator: "\n").filter { !$0.isEmpty }
                #expect(run.status == .exited(1), "\(name): \(run.tail())")
                #expect(lines.count == 1 && run.stderr.contains(want), "\(name): want one line with '\(want)'\n\(run.tail())")
                report("tls setup \(name): \(lines.first ?? "")")
            }
            // the encrypted key with its password serves
            let server = try await SaffronServer(["--demo", "static", "--disable-ticketing", "--x509-key-password-file", dir.path("keypass"),
                                                  "--tls-ciphers", "ECDHE+AESGCM:!aNULL"],
                                                 x509Dir: encrypted, plaintext: false, in: dir)
            defer { server.killNow() }
            let gi = try await Peers.giTLSClient(plainPort: nil, tlsPort: server.tlsPort, caFile: "\(x509)/ca-cert.pem",
                                                 ["--channels-only", "-q"], in: dir, name: "gi-encrypted-key")
            #expect(gi.succeeded, "\(gi.tail())\n\(server.process.tail())")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }
    }
}
