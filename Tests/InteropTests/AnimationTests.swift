import Foundation
import Testing

extension Interop {
    /// The animated demo reaches spice-gtk as incremental draws of the damaged area only.
    @Suite("Animated demo")
    struct Animation {
        @Test("frames change and only damaged areas are sent", .timeLimit(.minutes(2)))
        func incrementalDraws() async throws {
            let dir = try TempDir("anim")
            defer { dir.remove() }
            let server = try await SaffronServer(["--demo", "animated", "--disable-ticketing"], in: dir)
            defer { server.killNow() }

            // Two frames from one client about 1 s (or more) apart: --out-before, a move, --out.
            let first = dir.path("first.ppm"), second = dir.path("second.ppm")
            let gi = try await Peers.giClient(port: server.port, [
                "--out-before", first, "--move", "5,5", "--after-input", "1", "--out", second,
            ], in: dir)
            #expect(gi.succeeded, "\(gi.tail())")
            let a = try PPMImage(path: first), b = try PPMImage(path: second)
            #expect(a.size == "1280x800" && b.size == "1280x800")
            #expect(a != b, "the animated desktop did not change between two frames")

            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
            let stats = try #require(try server.stats(), "no stats file written")
            let full = server.width * server.height
            let incrementalMessages = stats.drawMessages - stats.fullFrameDraws
            let incrementalPixels = stats.drawPixels - stats.fullFrameDraws * full
            #expect(stats.fullFrameDraws >= 1, "the connect draws the full surface")
            #expect(incrementalMessages > 0, "no incremental draws")
            if incrementalMessages > 0 {
                let perMessage = Double(incrementalPixels) / Double(incrementalMessages)
                #expect(perMessage < 0.25 * Double(full), "incremental draws average \(Int(perMessage)) px, a full frame is \(full)")
                report("animation: \(stats.drawMessages) draws (\(stats.fullFrameDraws) full), \(incrementalPixels) incremental px = \(Int(perMessage)) px/draw (\(String(format: "%.1f", 100 * perMessage / Double(full)))% of a frame), \(stats.drawBytes) draw bytes, damage \(stats.damageEvents) events / \(stats.damagePixels) px")
            }
            #expect(stats.drawBytes <= 4 * stats.drawPixels + 200 * stats.drawMessages,
                    "draw bytes \(stats.drawBytes) exceed 4 B/px + 200 B/message (\(stats.drawPixels) px, \(stats.drawMessages) messages)")
        }
    }
}
