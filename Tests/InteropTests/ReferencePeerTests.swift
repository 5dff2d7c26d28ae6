import Foundation
import Testing

extension Interop {
    /// The harness against the reference SPICE server (QEMU's spice-server): if this fails, the
    /// environment or the harness is broken, not Saffron.
    @Suite("Reference peers (QEMU)")
    struct ReferencePeers {
        @Test("spicy-screenshot and gi-client work against QEMU's spice-server", .timeLimit(.minutes(2)))
        func referenceServer() async throws {
            let dir = try TempDir("qemu")
            defer { dir.remove() }
            let qemuBinary = try Paths.tool("qemu-system-x86_64", package: "qemu-system-x86")
            let port = try Ports.free()
            let qemu = try ChildProcess(qemuBinary, [
                "-machine", "pc,accel=tcg", "-m", "64", "-nodefaults", "-vga", "qxl", "-nic", "none",
                "-display", "none", "-spice", "port=\(port),addr=127.0.0.1,disable-ticketing=on",
                "-name", "saffron-interop-ref-\(port)",
            ], in: dir, name: "qemu")
            defer { qemu.killNow() }
            let deadline = ContinuousClock.now + .seconds(20)
            while !Ports.accepts(port) && qemu.isRunning && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            try #require(Ports.accepts(port), "QEMU did not listen\n\(qemu.tail())")

            let shot = dir.path("qemu.ppm")
            let run = try await Peers.spicyScreenshot(port: port, out: shot, in: dir)
            let image = try PPMImage(path: shot)
            #expect(image.width >= 640 && image.height >= 400, "\(run.tail())")

            let gi = try await Peers.giClient(port: port, ["--channels-only", "--json", dir.path("gi.json")], in: dir)
            #expect(gi.succeeded, "\(gi.tail())")
            report("reference QEMU: spicy-screenshot \(image.size) in \(String(format: "%.2f", run.seconds)) s, gi-client --channels-only \(gi.status) in \(String(format: "%.2f", gi.seconds)) s")
            #expect(await qemu.stop(grace: 5).code >= 0)
        }
    }
}
