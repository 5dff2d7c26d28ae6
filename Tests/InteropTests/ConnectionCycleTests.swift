import Foundation
import Testing

extension Interop {
    /// Many short sessions leave the server serving the same frame, without growing memory.
    @Suite("Connect/disconnect cycles")
    struct ConnectionCycles {
        @Test("50 spicy-screenshot sessions: frame unchanged, RSS growth < 8 MiB", .timeLimit(.minutes(5)))
        func fiftyCycles() async throws {
            let dir = try TempDir("cycles")
            defer { dir.remove() }
            let size = "1280x800"
            let expected = try await demoFrame(size: size, in: dir)
            let server = try await SaffronServer(["--demo", "static", "--disable-ticketing"], size: size, in: dir)
            defer { server.killNow() }

            let shot = dir.path("cycle.ppm")
            var warmRSS = 0
            let started = ContinuousClock.now
            for cycle in 1...50 {
                let run = try await Peers.spicyScreenshot(port: server.port, out: shot, in: dir, name: "cycle", attempts: 2)
                #expect(run.succeeded, "cycle \(cycle): \(run.tail())")
                try? FileManager.default.removeItem(atPath: shot)
                try #require(server.process.isRunning, "server died in cycle \(cycle)\n\(server.process.tail())")
                if cycle == 5 { warmRSS = try server.residentKiB() }
            }
            let elapsed = (ContinuousClock.now - started).seconds
            try await Task.sleep(for: .milliseconds(500))   // let the last session's teardown finish
            let finalRSS = try server.residentKiB()

            _ = try await Peers.spicyScreenshot(port: server.port, out: shot, in: dir, name: "final")
            let image = try PPMImage(path: shot)
            #expect(image == expected, "after 50 cycles: \(image.describeDifference(from: expected))")
            let growth = finalRSS - warmRSS
            report("50 cycles in \(String(format: "%.1f", elapsed)) s; VmRSS after 5 = \(warmRSS) KiB, after 50 = \(finalRSS) KiB, growth \(growth) KiB")
            #expect(growth < 8 * 1024, "VmRSS grew \(growth) KiB between cycle 5 and 50")
            // The stats file is rewritten every 0.5 s: give the last session's teardown time to show.
            let stats = try await server.waitForStats(seconds: 3) { $0.clientsConnected == 0 && $0.clientsTotal >= 51 }
            #expect(stats?.clientsConnected == 0, "clients still counted as connected 3 s after the last session: \(stats?.clientsConnected ?? -1)")
            #expect((stats?.clientsTotal ?? 0) >= 51, "clientsTotal \(stats?.clientsTotal ?? -1) after 51 sessions")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }

        @Test("6 spice-gtk clients connected at once, LZ: server RSS < 4 MiB per client at 1920x1080", .timeLimit(.minutes(3)))
        func memoryPerConnectedClient() async throws {
            let dir = try TempDir("per-client")
            defer { dir.remove() }
            // LZ, not the default auto_glz: a GLZ dictionary keeps the images the client may still
            // reference (up to the window spice-gtk announces), which is what GLZ is for.
            let server = try await SaffronServer(["--demo", "static", "--disable-ticketing", "--image-compression", "lz"],
                                                 size: "1920x1080", in: dir)
            defer { server.killNow() }
            // One session first, so one-time allocations (encoders' tables, the first frame's
            // buffers) are not counted per client.
            let warm = try await Peers.giClient(port: server.port, ["--out", dir.path("warm.ppm")], in: dir, name: "gi-warm")
            try #require(warm.succeeded, "warm-up client: \(warm.tail())")
            _ = try await server.waitForStats(seconds: 5) { $0.clientsConnected == 0 }
            let base = try server.residentKiB()

            // Each client takes its frame, moves the pointer, then stays connected 40 s. One at a
            // time: first frames encoded side by side would raise the heap's high-water mark
            // (memory the allocator keeps after free) with buffers no client holds on to.
            let count = 6
            var clients: [ChildProcess] = []
            defer { for c in clients { c.killNow() } }
            for i in 0..<count {
                clients.append(try Peers.startGiClient(port: server.port, [
                    "--move", "10,10", "--after-input", "40", "--timeout", "90", "--out", dir.path("c\(i).ppm"),
                ], in: dir, name: "gi-\(i)"))
                let drawn = try await server.waitForStats(seconds: 20) { $0.fullFrameDraws >= i + 2 }
                try #require(drawn != nil, "client \(i) got no first frame\n\(clients[i].tail())")
            }
            let all = try await server.waitForStats(seconds: 10) { $0.clientsConnected >= count }
            try #require((all?.clientsConnected ?? 0) >= count, "only \(all?.clientsConnected ?? 0) of \(count) clients connected")
            try await Task.sleep(for: .seconds(1))  // the last client past its first frame
            let loaded = try server.residentKiB()
            let perClient = (loaded - base) / count
            report("memory per client (1920x1080): \(perClient) KiB (VmRSS \(base) -> \(loaded) KiB with \(count) spice-gtk clients connected)")
            // A 1920x1080 frame is 8100 KiB: no client may keep one for itself.
            #expect(perClient < 4 * 1024, "each connected client costs \(perClient) KiB")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }
    }
}
