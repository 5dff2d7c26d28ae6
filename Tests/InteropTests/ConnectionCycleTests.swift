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
    }
}
