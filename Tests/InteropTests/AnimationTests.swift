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

        /// Compressed images cut the animated demo's bytes at least 5x against raw bitmaps
        /// (bytes per pixel drawn, from the server's own counters, same client and duration).
        @Test("compression sends at least 5x fewer bytes than raw bitmaps", .timeLimit(.minutes(2)))
        func compressionSavesFiveTimes() async throws {
            var bytesPerPixel: [String: Double] = [:]
            for mode in ["off", "auto_glz"] {
                let dir = try TempDir("anim-\(mode)")
                defer { dir.remove() }
                let server = try await SaffronServer(["--demo", "animated", "--disable-ticketing", "--image-compression", mode], in: dir)
                defer { server.killNow() }
                let gi = try await Peers.giClient(port: server.port, ["--move", "5,5", "--after-input", "2", "--out", dir.path("f.ppm")], in: dir)
                #expect(gi.succeeded, "\(gi.tail())")
                #expect(await server.stop() == .exited(0))
                let stats = try #require(try server.stats())
                try #require(stats.drawPixels > 0)
                bytesPerPixel[mode] = Double(stats.drawBytes) / Double(stats.drawPixels)
                report(String(format: "animation %@: %d draw bytes for %d px (%.3f B/px), codecs %@", mode, stats.drawBytes, stats.drawPixels,
                              bytesPerPixel[mode]!, "\(stats.imagesByCodec ?? [:])"))
            }
            let raw = try #require(bytesPerPixel["off"]), compressed = try #require(bytesPerPixel["auto_glz"])
            #expect(raw / compressed >= 5, "only \(raw / compressed)x fewer bytes per pixel with auto_glz")
        }
    }
}
