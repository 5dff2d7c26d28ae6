import Foundation
import Testing

extension Interop {
    /// spice-gtk decodes every image codec Saffron sends to exactly the demo's pixels (lossless),
    /// or close to them (JPEG).
    @Suite("Image codecs through spice-gtk")
    struct ImageCodecs {
        @Test("spicy-screenshot equals demo-frame with --image-compression", .timeLimit(.minutes(2)),
              arguments: ["quic", "glz", "lz", "lz4", "off", "auto_glz", "auto_lz"])
        func losslessModes(mode: String) async throws {
            let dir = try TempDir("codec-\(mode)")
            defer { dir.remove() }
            let size = "1280x800"
            let expected = try await demoFrame(size: size, in: dir)
            let server = try await SaffronServer(["--demo", "static", "--disable-ticketing", "--image-compression", mode],
                                                 size: size, in: dir)
            defer { server.killNow() }
            let shot = dir.path("spicy-\(mode).ppm")
            let run = try await Peers.spicyScreenshot(port: server.port, out: shot, in: dir)
            let image = try PPMImage(path: shot)
            #expect(image == expected, "\(mode): spicy-screenshot differs from demo-frame: \(image.describeDifference(from: expected))\n\(run.tail())")
            let stats = try await server.waitForStats(seconds: 3) { ($0.imagesByCodec ?? [:]).values.reduce(0, +) >= 1 }
            let codecs = stats?.imagesByCodec ?? [:]
            // The codec asked for is the one used (GLZ and LZ4 need the client's window / cap: spice-gtk has both).
            let want = ["quic": "quic", "glz": "glz", "lz": "lz", "lz4": "lz4", "off": "bitmap", "auto_glz": "glz", "auto_lz": "lz"][mode]!
            #expect(codecs[want] == 1, "\(mode): images by codec \(codecs)")
            report("codec \(mode): \(stats?.drawBytes ?? -1) bytes for the \(size) frame (raw \(1280 * 800 * 4)); \(codecs)")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }

        @Test("JPEG (quic + jpeg-wan-compression always) is within 30 dB PSNR of demo-frame", .timeLimit(.minutes(2)))
        func jpegWithinPSNR() async throws {
            let dir = try TempDir("codec-jpeg")
            defer { dir.remove() }
            let size = "1280x800"
            let expected = try await demoFrame(size: size, in: dir)
            let server = try await SaffronServer(["--demo", "static", "--disable-ticketing", "--image-compression", "quic",
                                                  "--jpeg-wan-compression", "always"], size: size, in: dir)
            defer { server.killNow() }
            let shot = dir.path("spicy-jpeg.ppm")
            _ = try await Peers.spicyScreenshot(port: server.port, out: shot, in: dir)
            let image = try PPMImage(path: shot)
            try #require(image.size == size)
            let psnr = image.psnr(against: expected)
            #expect(psnr >= 30, "JPEG frame PSNR \(psnr) dB")
            #expect(psnr.isFinite, "a lossless frame means JPEG was not used")
            let stats = try await server.waitForStats(seconds: 3) { ($0.imagesByCodec ?? [:])["jpeg"] ?? 0 >= 1 }
            #expect(stats?.imagesByCodec?["jpeg"] == 1)
            report(String(format: "codec jpeg: PSNR %.1f dB, %d bytes for the frame", psnr, stats?.drawBytes ?? -1))
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }
    }
}
