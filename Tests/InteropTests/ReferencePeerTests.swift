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
            let (qemu, port) = try await Peers.startQEMU(in: dir, name: "interop-ref")
            defer { qemu.killNow() }

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
