import Foundation
import Testing

extension Interop {
    /// spice-gtk shows exactly the pixels of the static demo desktop.
    @Suite("Static demo frame over SPICE")
    struct DemoFrameScreenshot {
        @Test("spicy-screenshot equals saffron demo-frame", .timeLimit(.minutes(2)),
              arguments: ["1280x800", "1920x1080"])
        func screenshotMatchesDemoFrame(size: String) async throws {
            let dir = try TempDir("frame-\(size)")
            defer { dir.remove() }
            let expected = try await demoFrame(size: size, in: dir)
            let server = try await SaffronServer(["--demo", "static", "--disable-ticketing"], size: size, in: dir)
            defer { server.killNow() }

            let shot = dir.path("spicy-\(size).ppm")
            let run = try await Peers.spicyScreenshot(port: server.port, out: shot, in: dir)
            let image = try PPMImage(path: shot)
            #expect(image.size == size, "screenshot is \(image.size)\n\(run.tail())")
            #expect(image == expected, "spicy-screenshot differs from demo-frame: \(image.describeDifference(from: expected))")
            report("frame \(size): spicy-screenshot \(String(format: "%.2f", run.seconds)) s, \(image.describeDifference(from: expected))")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }
    }
}
