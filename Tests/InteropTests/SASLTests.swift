import Foundation
import Testing

extension Interop {
    /// `saffron serve --sasl` (Cyrus libsasl2) against spice-gtk with a sasldb made here
    /// (sasl2-bin's saslpasswd2) and a saffron.conf in a temporary --sasl-config-dir.
    @Suite("SASL")
    struct SASL {
        static let user = "alice"
        static let password = "correct horse 7"

        /// A sasldb holding `user`/`password` and a saffron.conf offering `mechanisms`, in `dir/sasl`.
        static func makeConfig(mechanisms: String, in dir: TempDir) async throws -> String {
            let config = dir.path("sasl")
            try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
            let db = "\(config)/sasldb2"
            let saslpasswd2 = try Paths.tool("saslpasswd2", package: "sasl2-bin")
            // The password goes in on stdin (-p), never on a command line.
            let secret = dir.path("password.txt")
            try password.write(toFile: secret, atomically: true, encoding: .utf8)
            let run = try await runTool("/bin/sh", ["-c", "exec \"$0\" -f \"$1\" -a saffron -c -p \"$2\" < \"$3\"",
                                                    saslpasswd2, db, user, secret],
                                        in: dir, name: "saslpasswd2", timeout: 30)
            guard run.succeeded, FileManager.default.fileExists(atPath: db) else {
                throw HarnessError("saslpasswd2 failed\n\(run.tail())")
            }
            try "mech_list: \(mechanisms)\nsasldb_path: \(db)\n".write(toFile: "\(config)/saffron.conf", atomically: true, encoding: .utf8)
            return config
        }

        static func lines(_ log: String, containing parts: String...) -> [Substring] {
            log.split(separator: "\n").filter { line in parts.allSatisfy { line.contains($0) } }
        }

        @Test("(a) plaintext: DIGEST-MD5 with a security layer logs in; a wrong password and an unknown user are refused",
              .timeLimit(.minutes(2)))
        func digestMD5() async throws {
            let dir = try TempDir("sasl-digest")
            defer { dir.remove() }
            let config = try await Self.makeConfig(mechanisms: "digest-md5 scram-sha-1", in: dir)
            let server = try await SaffronServer(["--demo", "static", "--sasl", "--sasl-config-dir", config, "--log-level", "debug"], in: dir)
            defer { server.killNow() }

            let wrong = try await Peers.giSASLClient(port: server.port, username: Self.user, password: "not the password",
                                                     ["--channels-only", "-q", "--timeout", "15"], in: dir, name: "gi-wrong-password")
            #expect(wrong.status == .exited(3), "wrong password = auth failed (3)\n\(wrong.tail())")
            let stranger = try await Peers.giSASLClient(port: server.port, username: "mallory", password: Self.password,
                                                        ["--channels-only", "-q", "--timeout", "15"], in: dir, name: "gi-unknown-user")
            #expect(stranger.status == .exited(3), "unknown user = auth failed (3)\n\(stranger.tail())")

            let out = dir.path("sasl-frame.png")
            let gi = try await Peers.giSASLClient(port: server.port, username: Self.user, password: Self.password,
                                                  ["--out", out, "--min-nonblack", "1000", "--expect-channels", "main,display,inputs,cursor", "-q"],
                                                  in: dir, name: "gi-sasl")
            #expect(gi.succeeded, "\(gi.tail())\n\(server.process.tail())")
            #expect(FileManager.default.fileExists(atPath: out))

            let log = server.process.stderr
            // Over plain TCP only a mechanism with a security layer may be offered.
            let offered = Self.lines(log, containing: "SASL mechanisms offered")
            #expect(!offered.isEmpty && offered.allSatisfy { $0.contains("mechanisms=,DIGEST-MD5,") },
                    "SCRAM has no security layer: not offered over plaintext\n\(server.process.tail())")
            let authenticated = Self.lines(log, containing: "SASL authenticated", "sasl-user=\(Self.user)", "sasl-mechanism=DIGEST-MD5")
            #expect(authenticated.count >= 4, "every channel authenticated\n\(server.process.tail())")
            #expect(authenticated.allSatisfy { !$0.contains("ssf=0") }, "a security layer wraps the channels\n\(server.process.tail())")
            #expect(Self.lines(log, containing: "link failed", "SASL authentication failed").count >= 2, "\(server.process.tail())")
            #expect(!log.contains(Self.password) && !log.contains("not the password"), "no password in the log")
            report("sasl digest-md5: wrong \(wrong.status), unknown \(stranger.status), right \(gi.status) in \(String(format: "%.2f", gi.seconds)) s")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }

        @Test("(c) --sasl excludes --password-file; a missing --sasl-config-dir is named", .timeLimit(.minutes(1)))
        func commandLine() async throws {
            let dir = try TempDir("sasl-cli")
            defer { dir.remove() }
            let saffron = try Paths.saffron()
            try "pw\n".write(toFile: dir.path("pw"), atomically: true, encoding: .utf8)
            let both = try await runTool(saffron, ["serve", "--port", String(try Ports.free()), "--sasl", "--password-file", dir.path("pw")],
                                         in: dir, name: "serve-sasl-pw", timeout: 20)
            #expect(!both.succeeded && !both.status.timedOut, "\(both.tail())")
            #expect(both.output.contains("--sasl"), "\(both.tail())")
            let missing = dir.path("no-such-dir")
            let run = try await runTool(saffron, ["serve", "--port", String(try Ports.free()), "--sasl", "--sasl-config-dir", missing],
                                        in: dir, name: "serve-sasl-dir", timeout: 20)
            #expect(!run.succeeded && !run.status.timedOut, "\(run.tail())")
            #expect(run.output.contains(missing), "\(run.tail())")
        }

        @Test("(b) TLS: SCRAM-SHA-1 (no security layer needed) logs in; a wrong password is refused", .timeLimit(.minutes(2)))
        func scramOverTLS() async throws {
            let dir = try TempDir("sasl-scram-tls")
            defer { dir.remove() }
            let x509 = try await TLS.makeCertificates(in: dir)
            let config = try await Self.makeConfig(mechanisms: "scram-sha-1", in: dir)
            let server = try await SaffronServer(["--demo", "static", "--sasl", "--sasl-config-dir", config],
                                                 x509Dir: x509, plaintext: false, in: dir)
            defer { server.killNow() }
            let ca = "\(x509)/ca-cert.pem"

            let wrong = try await Peers.giSASLClient(port: server.tlsPort, tls: ca, username: Self.user, password: "nope",
                                                     ["--channels-only", "-q", "--timeout", "15"], in: dir, name: "gi-tls-wrong")
            #expect(wrong.status == .exited(3), "wrong password = auth failed (3)\n\(wrong.tail())")
            let out = dir.path("sasl-tls-frame.png")
            let gi = try await Peers.giSASLClient(port: server.tlsPort, tls: ca, username: Self.user, password: Self.password,
                                                  ["--out", out, "--min-nonblack", "1000", "--expect-channels", "main,display,inputs,cursor", "-q"],
                                                  in: dir, name: "gi-tls-sasl")
            #expect(gi.succeeded, "\(gi.tail())\n\(server.process.tail())")
            #expect(FileManager.default.fileExists(atPath: out))
            let log = server.process.stderr
            let authenticated = Self.lines(log, containing: "SASL authenticated", "sasl-user=\(Self.user)", "sasl-mechanism=SCRAM-SHA-1", "ssf=0", "tls=true")
            #expect(authenticated.count >= 4, "every channel authenticated over TLS without a SASL layer\n\(server.process.tail())")
            #expect(!log.contains(Self.password), "no password in the log")
            report("sasl scram over tls: wrong \(wrong.status), right \(gi.status) in \(String(format: "%.2f", gi.seconds)) s")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }
    }
}
