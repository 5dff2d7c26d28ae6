import Logging
import NIOCore
import NIOPosix
import SaffronDemo
import SaffronDesktop
import SpiceClient
import SpiceProtocol
import Testing
@testable import SpiceServer

/// Resize, cursor, mouse modes and ack flow control, end to end over loopback.
@Suite struct ChannelBehaviourTests {
    static let group = TestSupport.group

    private func start(_ desktop: any DesktopSource) async throws -> (SpiceServer, Int, Task<Void, Error>) {
        try await TestSupport.startServer(desktop)
    }

    private func collect(_ session: SpiceClientSession, seconds: Double = 10,
                         until predicate: @escaping @Sendable (SpiceClientEvent) -> Bool) async throws -> [SpiceClientEvent] {
        try await TestSupport.collect(session, seconds: seconds, until: predicate)
    }

    @Test func resizeRecreatesTheSurfaceWithNewPixels() async throws {
        let desktop = DemoDesktop(size: Size(width: 320, height: 200), mode: .static)
        let (_, port, run) = try await start(desktop)
        defer { run.cancel() }
        let client = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port), group: Self.group)
        defer { client.close() }
        _ = try await collect(client) { $0 == .mark }
        desktop.requestResize(to: Size(width: 400, height: 300))
        let events = try await collect(client) { $0 == .mark }
        #expect(events.contains(.surfaceDestroyed(surfaceID: 0)))
        #expect(events.contains(.surfaceCreated(surfaceID: 0, width: 400, height: 300)))
        let shot = client.surface.snapshot()
        #expect(shot.width == 400 && shot.height == 300)
        #expect(shot.pixels == desktop.framebuffer.snapshot().1)
    }

    @Test func cursorShapeAndServerModeMoves() async throws {
        let desktop = DemoDesktop(size: Size(width: 320, height: 200), mode: .static)
        let (_, port, run) = try await start(desktop)
        defer { run.cancel() }
        let client = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port), group: Self.group)
        defer { client.close() }
        var shape = try await collect(client) { if case .cursorShape = $0 { return true } else { return false } }
        if !shape.contains(.linked(ChannelID(type: .inputs, id: 0))) {
            shape += try await collect(client) { $0 == .linked(ChannelID(type: .inputs, id: 0)) }
        }
        let image = try #require(desktop.cursor.image)
        #expect(shape.contains(.cursorShape(width: image.size.width, height: image.size.height)))

        client.send(MainChannel.MouseModeRequest(mode: .server), on: ChannelID(type: .main, id: 0))
        let mode = try await collect(client) { if case .mouseMode = $0 { return true } else { return false } }
        #expect(mode.last == .mouseMode(MouseMode.server.rawValue))
        let start = desktop.cursor.position
        client.send(InputsChannel.MouseMotion(dx: 7, dy: 5, buttons: []), on: ChannelID(type: .inputs, id: 0))
        let moved = try await collect(client) { if case .cursorMoved = $0 { return true } else { return false } }
        #expect(moved.last == .cursorMoved(x: start.x + 7, y: start.y + 5))
    }

    @Test func clientThatStopsAckingStopsReceiving() async throws {
        let desktop = ScriptedDesktop(size: Size(width: 400, height: 400))
        let (server, port, run) = try await start(desktop)
        defer { run.cancel() }
        var configuration = SpiceClientConfiguration(host: "127.0.0.1", port: port)
        configuration.sendsAcks = false
        let client = try await SpiceClientSession.connect(configuration, group: Self.group)
        defer { client.close() }
        _ = try await collect(client) { $0 == .mark }
        // One separate small update at a time, each sent only if the server may send. Generous
        // waits while updates arrive (the machine may be busy), short ones once they stopped.
        var delivered = 0
        var stopped = false
        for i in 0..<60 {
            desktop.paint(Rect(x: (i * 5) % 400, y: (i * 5) % 400, width: 4, height: 4), color: UInt32(i))
            let got = try await collect(client, seconds: stopped ? 0.2 : 3) { if case .drawn = $0 { return true } else { return false } }
            if got.contains(where: { if case .drawn = $0 { return true } else { return false } }) {
                delivered += 1
            } else {
                stopped = true
            }
        }
        // SET_ACK window 20: at most 2 × 20 unacknowledged messages, the 4 start-up ones included.
        #expect(delivered <= 2 * 20 + 1 - 4)
        #expect(delivered >= 30)
        #expect(server.stats.snapshot.drawMessages <= 41)
        // The client is behind (updates wait for its acks): the desktop is told to capture slower.
        let pacer = try #require(desktop.pacer)
        #expect(pacer.viewers == 1)
        #expect(pacer.interval == pacer.rates.allBehind)
    }

    @Test func viewersSetTheCaptureRate() async throws {
        let desktop = ScriptedDesktop(size: Size(width: 200, height: 200))
        let pacer = try #require(desktop.pacer)
        let (_, port, run) = try await start(desktop)
        defer { run.cancel() }
        #expect(pacer.interval == pacer.rates.unwatched)
        let client = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port), group: Self.group)
        _ = try await collect(client) { $0 == .mark }
        for i in 0..<10 {
            desktop.paint(Rect(x: i * 10, y: 0, width: 8, height: 8), color: UInt32(i))
            _ = try await collect(client, seconds: 3) { if case .drawn = $0 { return true } else { return false } }
        }
        #expect(pacer.viewers == 1)
        #expect(pacer.interval == pacer.rates.keepingUp, "an acking client keeps up")
        client.close()
        let deadline = ContinuousClock.now + .seconds(5)
        while pacer.viewers > 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(pacer.interval == pacer.rates.unwatched)
    }
}

extension ChannelBehaviourTests {
    @Test func shutdownTellsClientsWhy() async throws {
        let desktop = DemoDesktop(size: Size(width: 320, height: 200), mode: .static)
        let (server, port, run) = try await start(desktop)
        defer { run.cancel() }
        let client = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port), group: Self.group)
        defer { client.close() }
        _ = try await collect(client) { $0 == .mark }
        await server.shutdown(reason: "maintenance at noon")
        let events = try await collect(client) { if case .closed(let id, _) = $0 { return id.type == .main } else { return false } }
        #expect(events.contains(.serverDisconnecting(reason: .ok, message: "maintenance at noon")))
        #expect(server.connectedClients == 0)
    }
}

extension ChannelBehaviourTests {
    /// A client that stops reading is dropped after the stall limit; another client goes on.
    @Test func clientThatStopsReadingIsDroppedOthersContinue() async throws {
        let desktop = ScriptedDesktop(size: Size(width: 800, height: 600))
        let (server, port, run) = try await TestSupport.startServer(desktop) {
            $0.imageCompression.mode = .off
            $0.stalledClientTimeout = .seconds(1)
        }
        defer { run.cancel() }
        let stalled = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port), group: Self.group)
        let healthy = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port), group: Self.group)
        defer { stalled.close(); healthy.close() }
        _ = try await collect(stalled) { $0 == .mark }
        _ = try await collect(healthy) { $0 == .mark }
        stalled.stopReading(ChannelID(type: .display, id: 0))
        // Full-screen changes as fast as they come, until the stalled client is gone.
        let painter = Task {
            var i: UInt32 = 0
            while !Task.isCancelled {
                i &+= 1
                desktop.paint(Rect(x: 0, y: 0, width: 800, height: 600), color: i & 0xFF_FFFF)
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        defer { painter.cancel() }
        let ended = try await collect(stalled, seconds: 30) { if case .closed(let id, _) = $0 { return id.type == .main } else { return false } }
        #expect(ended.contains(.serverDisconnecting(reason: .ok, message: "the client stopped reading for too long")))
        #expect(server.connectedClients == 1)
        // The healthy client still receives updates.
        let drawn = try await collect(healthy, seconds: 5) { TestSupport.isDrawn($0) }
        #expect(drawn.contains(where: TestSupport.isDrawn))
    }
}
