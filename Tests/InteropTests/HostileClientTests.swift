import Foundation
import Testing

extension Interop {
    /// scripts/hostile-clients.py attacks the server while a legitimate spice-gtk client
    /// (Resources/frame-watch.py) keeps watching the animated demo.
    @Suite("Hostile clients")
    struct HostileClients {
        /// Every scenario the script runs (its `--list`).
        static let scenarios = [
            "garbage-instead-of-redq", "wrong-versions", "huge-sizes", "cut-short", "thousands-of-caps",
            "data-before-link", "every-message-type", "silent-connections", "never-reads",
        ]
        /// The legitimate client's display updates never pause longer than this.
        static let maxUpdateGapSeconds = 2.0
        /// The server's peak resident memory (VmHWM) over the whole run stays below this.
        static let peakRSSBoundKiB = 256 * 1024
        static let linkTimeout = 3
        static let stallTimeout = 5

        @Test("Hostile clients: the server logs each attack, keeps serving the legitimate client, stays bounded",
              .timeLimit(.minutes(6)))
        func hostileClients() async throws {
            let dir = try TempDir("hostile")
            defer { dir.remove() }
            let server = try await SaffronServer([
                "--demo", "animated", "--disable-ticketing",
                "--link-timeout", String(Self.linkTimeout), "--stalled-client-timeout", String(Self.stallTimeout),
            ], in: dir)
            defer { server.killNow() }

            // The legitimate client, from 127.0.0.1; the attacks come from 127.0.0.2.
            let watcher = try ChildProcess(Peers.python, [
                Paths.packageRoot.appendingPathComponent("Tests/InteropTests/Resources/frame-watch.py").path,
                "127.0.0.1", String(server.port), "--seconds", "600", "--json", dir.path("frame-watch.json"),
            ], in: dir, name: "frame-watch", ownGroup: true)
            defer { watcher.killNow() }
            let watching = ContinuousClock.now + .seconds(30)
            while !(watcher.stdout.contains("primary surface") && watcher.stdout.contains(" updates in the last second")) {
                try #require(watcher.isRunning, "frame-watch ended before it saw frames\n\(watcher.tail())\n\(server.process.tail())")
                try #require(ContinuousClock.now < watching, "frame-watch saw no frames within 30 s\n\(watcher.tail())")
                try await Task.sleep(for: .milliseconds(100))
            }

            let script = Paths.packageRoot.appendingPathComponent("scripts/hostile-clients.py").path
            let hostile = try await runTool(Peers.python, [
                script, "127.0.0.1", String(server.port), "--source", "127.0.0.2", "--seed", "1",
                "--link-timeout", String(Self.linkTimeout), "--stall-seconds", String(Self.stallTimeout),
            ], in: dir, name: "hostile-clients", timeout: 240)
            let peakKiB = try Self.peakResidentKiB(pid: server.pid)
            let watcherStatus = await watcher.stop(grace: 5)

            // The script ran every scenario and the server kept linking clients.
            #expect(hostile.status == .exited(0), "hostile-clients.py: \(hostile.tail(60))\n\(server.process.tail())")
            for name in Self.scenarios {
                #expect(hostile.stdout.contains("hostile: scenario \(name) done"), "scenario \(name) did not run\n\(hostile.tail(60))")
            }
            #expect(!hostile.stdout.contains("DOES NOT LINK"), "\(hostile.tail(60))")

            // The legitimate client stayed connected and its updates kept coming.
            let data = try #require(FileManager.default.contents(atPath: dir.path("frame-watch.json")),
                                    "frame-watch wrote no report\n\(watcher.tail())")
            let watch = try JSONDecoder().decode(FrameWatch.self, from: data)
            #expect(watcherStatus == .exited(0) && watch.exit == 0, "frame-watch: \(watcherStatus), \(watch.end)\n\(watcher.tail())")
            #expect(watch.maxGap < Self.maxUpdateGapSeconds,
                    "the legitimate client waited \(watch.maxGap) s for an update (at \(watch.maxGapAt ?? -1) s)\n\(watcher.tail())")
            #expect(watch.updates > Int(hostile.seconds), "only \(watch.updates) updates in \(hostile.seconds) s")

            // The server is alive, bounded, and still serves a fresh spice-gtk client.
            #expect(server.process.isRunning, "the server exited: \(server.process.status?.description ?? "")\n\(server.process.tail())")
            #expect(peakKiB < Self.peakRSSBoundKiB, "server peak RSS \(peakKiB) KiB ≥ \(Self.peakRSSBoundKiB) KiB")
            let fresh = try await Peers.giClient(port: server.port, ["--out", dir.path("after.png"), "--min-nonblack", "1000", "-q"],
                                                 in: dir, name: "gi-after")
            #expect(fresh.succeeded, "a fresh client after the attacks: \(fresh.tail())\n\(server.process.tail())")

            // The server logged every kind of attack (peer + reason).
            let log = server.process.stderr
            let expected: [(String, String)] = [
                ("bad magic (not a SPICE link)", "garbage instead of REDQ"),
                ("need 2.x", "wrong major version"),
                ("link message size 4294967295 outside", "link header size of 4 GB"),
                ("malformed link message", "inconsistent caps"),
                ("link not completed within \(Self.linkTimeout) s", "link timeout"),
                ("connection closed by the client during link", "client closed mid-link"),
                ("unknown auth mechanism", "data instead of the auth mechanism"),
                ("connection refused before link", "admission limit"),
                ("exceeds the limit 65536", "4 GB data message"),
                ("unknown inputs message type", "unknown message type"),
                ("client stopped reading: disconnecting it", "stalled client"),
            ]
            for (needle, what) in expected {
                // Lines name the attacker's address (127.0.0.2; the harness's own probes come from 127.0.0.1).
                let line = log.split(separator: "\n").first { $0.contains(needle) && $0.contains("127.0.0.2") }
                #expect(line != nil, "no log line naming the peer 127.0.0.2 for \(what) ('\(needle)')")
            }
            let lines = hostile.stdout.split(separator: "\n").filter { $0.hasPrefix("hostile: ") }
            report("hostile clients: \(lines.count) result lines in \(String(format: "%.0f", hostile.seconds)) s; legitimate client "
                   + "\(watch.updates) updates, longest gap \(String(format: "%.3f", watch.maxGap)) s (bound \(Self.maxUpdateGapSeconds) s); "
                   + "server peak RSS \(peakKiB / 1024) MiB (bound \(Self.peakRSSBoundKiB / 1024) MiB)")
            for line in lines { print("interop:   \(line)") }
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }

        /// VmHWM (peak resident set) of a process, from /proc/PID/status.
        static func peakResidentKiB(pid: pid_t) throws -> Int {
            let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
                if let kib = Int(line.split(separator: " ").dropFirst().first ?? "") { return kib }
            }
            throw HarnessError("no VmHWM in /proc/\(pid)/status")
        }
    }
}

/// The JSON report of Resources/frame-watch.py.
struct FrameWatch: Decodable {
    var updates: Int
    var maxGap: Double
    var maxGapAt: Double?
    var exit: Int
    var end: String
    enum CodingKeys: String, CodingKey {
        case updates, exit, end
        case maxGap = "max_gap"
        case maxGapAt = "max_gap_at"
    }
}
