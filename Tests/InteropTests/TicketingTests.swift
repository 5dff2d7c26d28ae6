import Foundation
import Testing

extension Interop {
    /// SPICE ticketing (RSA-OAEP password) with spice-gtk.
    @Suite("Ticketing")
    struct Ticketing {
        @Test("--password-file: right password links, wrong or missing is refused, server keeps serving", .timeLimit(.minutes(2)))
        func passwordFile() async throws {
            let dir = try TempDir("ticket")
            defer { dir.remove() }
            let file = dir.path("password")
            try "right\n".write(toFile: file, atomically: true, encoding: .utf8)
            let server = try await SaffronServer(["--demo", "static", "--password-file", file], in: dir)
            defer { server.killNow() }

            let cases: [(String, [String], Int32)] = [
                ("right", ["--password", "right"], 0), ("wrong", ["--password", "wrong"], 3),
                ("missing", [], 3), ("right-again", ["--password", "right"], 0),
            ]
            for (label, args, want) in cases {
                let gi = try await Peers.giClient(port: server.port, ["--channels-only"] + args, in: dir, name: "gi-\(label)")
                #expect(gi.status == .exited(want), "password \(label): want exit \(want)\n\(gi.tail())")
                report("ticketing \(label): gi-client \(gi.status) in \(String(format: "%.2f", gi.seconds)) s")
            }
            #expect(server.process.isRunning, "server died\n\(server.process.tail())")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
            if let stats = try server.stats() {
                #expect(stats.linksFailed >= 2, "two refused links counted; stats say \(stats.linksFailed)")
            }
        }

        @Test("SAFFRON_PASSWORD sets the password", .timeLimit(.minutes(1)))
        func passwordEnvironment() async throws {
            let dir = try TempDir("ticket-env")
            defer { dir.remove() }
            let server = try await SaffronServer(["--demo", "static"], environment: ["SAFFRON_PASSWORD": "from-env"], in: dir)
            defer { server.killNow() }
            let right = try await Peers.giClient(port: server.port, ["--channels-only", "--password", "from-env"], in: dir, name: "gi-right")
            #expect(right.succeeded, "\(right.tail())")
            let wrong = try await Peers.giClient(port: server.port, ["--channels-only", "--password", "nope"], in: dir, name: "gi-wrong")
            #expect(wrong.status == .exited(3), "\(wrong.tail())")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }
    }
}
