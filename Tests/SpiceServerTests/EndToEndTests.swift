import Logging
import NIOCore
import NIOPosix
import SaffronDemo
import SaffronDesktop
import SpiceClient
import SpiceProtocol
import Testing
@testable import SpiceServer

/// Server and client in one process over loopback TCP: link, auth, display, input, flow.
@Suite struct EndToEndTests {
    static let group = TestSupport.group

    private func startServer(_ desktop: any DesktopSource, ticketing: Ticketing = .disabled,
                             compression: ImageCompression = .autoGLZ) async throws -> (SpiceServer, Int, Task<Void, Error>) {
        try await TestSupport.startServer(desktop) {
            $0.ticketing = ticketing
            $0.imageCompression.mode = compression
        }
    }

    private func waitFor(_ session: SpiceClientSession, seconds: Double = 10, _ predicate: @escaping @Sendable (SpiceClientEvent) -> Bool) async throws -> SpiceClientEvent? {
        try await TestSupport.next(session, seconds: seconds, predicate)
    }

    @Test func staticDemoArrivesPixelExact() async throws {
        let size = Size(width: 640, height: 400)
        let desktop = DemoDesktop(size: size, mode: .static)
        let (server, port, run) = try await startServer(desktop)
        defer { run.cancel() }
        let client = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port), group: Self.group)
        defer { client.close() }
        let mark = try await waitFor(client) { $0 == .mark }
        #expect(mark == .mark)
        let shot = client.surface.snapshot()
        #expect(shot.width == 640 && shot.height == 400)
        #expect(shot.pixels == DemoDesktop.stillFramePixels(size: size))
        #expect(server.stats.snapshot.fullFrameDraws == 1)
    }

    @Test func passwordIsChecked() async throws {
        let desktop = DemoDesktop(size: Size(width: 320, height: 200), mode: .static)
        let (_, port, run) = try await startServer(desktop, ticketing: .password("s3cret"))
        defer { run.cancel() }

        let wrong = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port, password: "nope"), group: Self.group)
        let refused = try await waitFor(wrong) { if case .linkFailed = $0 { return true } else { return false } }
        #expect(refused == .linkFailed(ChannelID(type: .main, id: 0), .permissionDenied))
        wrong.close()

        let missing = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port), group: Self.group)
        let refusedToo = try await waitFor(missing) { if case .linkFailed = $0 { return true } else { return false } }
        #expect(refusedToo == .linkFailed(ChannelID(type: .main, id: 0), .permissionDenied))
        missing.close()

        let right = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port, password: "s3cret"), group: Self.group)
        defer { right.close() }
        #expect(try await waitFor(right) { $0 == .mark } == .mark)
    }

    @Test func keysReachTheDesktop() async throws {
        let desktop = DemoDesktop(size: Size(width: 640, height: 400), mode: .static)
        let (server, port, run) = try await startServer(desktop)
        defer { run.cancel() }
        let client = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port), group: Self.group)
        defer { client.close() }
        _ = try await waitFor(client) { $0 == .linked(ChannelID(type: .inputs, id: 0)) }
        let inputs = ChannelID(type: .inputs, id: 0)
        for code: UInt32 in [0x23, 0x17] {  // h, i
            client.send(InputsChannel.KeyDown(code: code), on: inputs)
            client.send(InputsChannel.KeyUp(code: code | 0x80), on: inputs)
        }
        for _ in 0..<100 where desktop.typedText != "hi" { try await Task.sleep(for: .milliseconds(20)) }
        #expect(desktop.typedText == "hi")
        #expect(server.stats.snapshot.inputEvents >= 4)
    }

    @Test func updatesCarryOnlyTheDamage() async throws {
        let desktop = ScriptedDesktop(size: Size(width: 800, height: 600))
        let (server, port, run) = try await startServer(desktop, compression: .off)
        defer { run.cancel() }
        let client = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port), group: Self.group)
        defer { client.close() }
        _ = try await waitFor(client) { $0 == .mark }
        let before = server.stats.snapshot
        desktop.paint(Rect(x: 100, y: 50, width: 30, height: 20), color: 0x00FF_0000)
        let drawn = try await waitFor(client) { if case .drawn = $0 { return true } else { return false } }
        #expect(drawn == .drawn(x: 100, y: 50, width: 30, height: 20))
        let after = server.stats.snapshot
        #expect(after.drawPixels - before.drawPixels == 600)
        // 93 bytes of message and image headers + 6 of mini header on top of the pixels.
        #expect(after.drawBytes - before.drawBytes == 600 * 4 + 93 + 6)
        let shot = client.surface.snapshot()
        #expect(shot.pixels[60 * 800 + 110] == 0x00FF_0000)
    }

    @Test func movesBecomeCopyBits() async throws {
        let desktop = ScriptedDesktop(size: Size(width: 200, height: 100))
        let (server, port, run) = try await startServer(desktop)
        defer { run.cancel() }
        let client = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port), group: Self.group)
        defer { client.close() }
        _ = try await waitFor(client) { $0 == .mark }
        desktop.paint(Rect(x: 0, y: 50, width: 10, height: 10), color: 0x0000_FF00)
        _ = try await waitFor(client) { if case .drawn = $0 { return true } else { return false } }
        desktop.scrollUp(by: 40)
        let moved = try await waitFor(client) { if case .drawn = $0 { return true } else { return false } }
        #expect(moved == .drawn(x: 0, y: 0, width: 200, height: 60))
        #expect(server.stats.snapshot.copyBitsMessages == 1)
        for _ in 0..<50 where client.surface.snapshot().pixels[15 * 200 + 5] != 0x0000_FF00 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(client.surface.snapshot().pixels == desktop.framebuffer.snapshot().1)
    }
}
