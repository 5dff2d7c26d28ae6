import Foundation
import Testing

extension Interop {
    /// Two spice-gtk clients watch the animated demo at once; one leaving does not disturb the other.
    @Suite("Two clients")
    struct MultiClient {
        @Test("A stays connected while B comes and goes; then C connects", .timeLimit(.minutes(2)))
        func twoClients() async throws {
            let dir = try TempDir("multi")
            defer { dir.remove() }
            let server = try await SaffronServer(["--demo", "animated", "--disable-ticketing"], in: dir)
            defer { server.killNow() }

            // A: frame before the input (~2 s after connecting), a move, then 6 s later the final frame.
            let a0 = dir.path("a0.ppm"), a1 = dir.path("a1.ppm")
            let clientA = try Peers.startGiClient(port: server.port, [
                "--out-before", a0, "--move", "10,10", "--after-input", "6", "--out", a1, "--json", dir.path("a.json"),
            ], in: dir, name: "gi-A")
            defer { clientA.killNow() }
            let aConnected = try await server.waitForStats(seconds: 15) { $0.clientsConnected >= 1 }
            try #require((aConnected?.clientsConnected ?? 0) >= 1, "client A never counted as connected\n\(clientA.tail())")

            // B: an ordinary session while A is connected.
            let clientB = try Peers.startGiClient(port: server.port, ["--out", dir.path("b1.ppm")], in: dir, name: "gi-B")
            defer { clientB.killNow() }
            var maxConnected = 0
            let deadline = ContinuousClock.now + .seconds(40)
            while clientB.isRunning && ContinuousClock.now < deadline {
                if let s = try server.stats() { maxConnected = max(maxConnected, s.clientsConnected) }
                try await Task.sleep(for: .milliseconds(100))
            }
            let bStatus = await clientB.wait(seconds: 1)
            #expect(bStatus == .exited(0), "client B: \(bStatus?.description ?? "still running")\n\(clientB.tail())")
            #expect(clientA.isRunning, "client A ended before B finished\n\(clientA.tail())")
            #expect(maxConnected >= 2, "stats never showed 2 connected clients (max \(maxConnected))")

            let aStatus = await clientA.wait(seconds: 40)
            #expect(aStatus == .exited(0), "client A: \(aStatus?.description ?? "still running")\n\(clientA.tail())")
            let before = try PPMImage(path: a0), after = try PPMImage(path: a1)
            #expect(after.size == "1280x800", "A's frame is \(after.size)")
            #expect(before != after, "A's display stopped animating after B left")
            let b = try PPMImage(path: dir.path("b1.ppm"))
            #expect(b.size == "1280x800")

            let clientC = try await Peers.giClient(port: server.port, ["--out", dir.path("c.ppm")], in: dir, name: "gi-C")
            #expect(clientC.succeeded, "client C: \(clientC.tail())")
            report("two clients: max clientsConnected \(maxConnected), A \(aStatus?.description ?? "?") in \(String(format: "%.1f", (ContinuousClock.now - clientA.started).seconds)) s, C \(clientC.status)")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }
    }
}
