import Foundation
import Testing

extension Interop {
    /// Wireshark's SPICE dissector decodes a whole session without malformed packets or expert errors.
    @Suite("Wire decode (tshark)")
    struct WireDecode {
        @Test("capture-decode.sh finds no malformed packets", .timeLimit(.minutes(2)))
        func captureDecodes() async throws {
            let dir = try TempDir("capture")
            defer { dir.remove() }
            let server = try await SaffronServer(["--demo", "static", "--disable-ticketing"], in: dir)
            defer { server.killNow() }
            let run = try await Peers.captureDecode(port: server.port, seconds: 8, in: dir)
            #expect(run.succeeded, "capture-decode.sh: \(run.status) (3 = malformed/expert/desync)\n\(run.tail(60))")
            report("capture-decode: \(run.status) in \(String(format: "%.1f", run.seconds)) s; \(run.stdout.split(separator: "\n").suffix(3).joined(separator: " | "))")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }
    }
}
