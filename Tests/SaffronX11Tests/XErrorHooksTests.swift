import Foundation
import Logging
import SaffronDesktop
import Testing
@testable import SaffronX11

/// Xlib's error handlers are process-wide; the hooks behind them are per display, so one X
/// server dying ends only the desktop that used it.
@Suite("X error hooks", .serialized)
struct XErrorHooksTests {
    @Test("A lost connection reaches the hooks of its own display only")
    func lostConnectionReachesItsOwnDisplay() throws {
        try #require(PrivateXSession.xorgDummyUsable, "needs root, Xorg and xserver-xorg-video-dummy (scripts/install-test-deps.sh installs them)")
        var logger = Logger(label: "x-error-hooks-test")
        logger.logLevel = .warning
        let servers = try (0..<2).map { _ in
            try PrivateXSession(size: Size(width: 320, height: 240), kind: .xorg, sessionCommand: nil, logger: logger)
        }
        defer { for s in servers { s.stop() } }
        let connections = try servers.map { try XDisplayConnection(name: $0.display, authorityFile: $0.authorityFile) }
        let lost = LockedBox<[Int]>([])
        for (i, c) in connections.enumerated() {
            XErrorHooks.setHandlers(c.display, onProtocolError: { _ in }, onConnectionLost: { lost.set(lost.get() + [i]) })
        }
        let screen = connections[1].currentScreenSize  // a round trip that works
        #expect(screen.width > 0 && connections[0].currentScreenSize == screen)

        X11SessionTests.killAndWait(servers[0].serverPID)
        // A round trip on the dead display: Xlib meets the closed socket and calls the IO error handler.
        _ = connections[0].currentScreenSize
        #expect(lost.get() == [0])
        #expect(!connections[0].isUsable)
        #expect(connections[1].isUsable)
        #expect(connections[1].currentScreenSize == screen)
        connections[1].close()
        #expect(lost.get() == [0])
    }
}
