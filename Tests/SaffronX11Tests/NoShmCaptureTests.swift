import Foundation
import Glibc
import Logging
import SaffronDesktop
@testable import SaffronX11
import Testing

/// Capture without MIT-SHM (an X server started with `-extension MIT-SHM`, as some remote or
/// restricted servers are): every read goes through XGetImage into the capture's own buffer. In
/// the serialized X11 session suite, like the other tests that start X servers.
extension X11SessionTests {
    /// Starts `Xvfb -displayfd 1` without MIT-SHM; returns the process and its display name.
    static func startXvfbWithoutShm() throws -> (Process, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/Xvfb")
        p.arguments = ["-displayfd", "1", "-screen", "0", "800x600x24", "-nolisten", "tcp", "-extension", "MIT-SHM"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Xvfb writes its display number once it accepts connections; wait at most 15 s.
        var text = ""
        var fds = [pollfd(fd: out.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)]
        let deadline = ContinuousClock.now + .seconds(15)
        while !text.contains("\n"), ContinuousClock.now < deadline {
            fds[0].revents = 0
            guard poll(&fds, 1, 200) > 0 else { continue }
            var buf = [UInt8](repeating: 0, count: 64)
            let n = read(fds[0].fd, &buf, buf.count)
            if n <= 0 { break }
            text += String(decoding: buf[..<n], as: UTF8.self)
        }
        guard let number = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            p.terminate()
            throw X11Error("Xvfb -displayfd gave no display number (got \"\(text)\")")
        }
        return (p, ":\(number)")
    }

    @Test("without MIT-SHM captures go through XGetImage: a dragged xterm ends with the framebuffer equal to the screen")
    func captureWithoutShm() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/Xvfb")
                     && FileManager.default.isExecutableFile(atPath: "/usr/bin/xterm")
                     && FileManager.default.isExecutableFile(atPath: "/usr/bin/xdotool")
                     && FileManager.default.isExecutableFile(atPath: "/usr/bin/xwd"), "needs Xvfb, xterm, xdotool, xwd")
        let (xvfb, display) = try Self.startXvfbWithoutShm()
        defer {
            kill(xvfb.processIdentifier, SIGKILL)
            xvfb.waitUntilExit()
        }
        let xterm = Process()
        xterm.executableURL = URL(fileURLWithPath: "/usr/bin/xterm")
        xterm.arguments = ["-geometry", "60x20+10+10", "-title", "noshm", "-e", "sh", "-c", "seq 1 40; exec sleep 600"]
        xterm.environment = ["DISPLAY": display, "PATH": "/usr/bin:/bin"]
        try xterm.run()
        defer {
            kill(xterm.processIdentifier, SIGKILL)
            xterm.waitUntilExit()
        }
        let options = X11Desktop.Options(display: display, size: Size(width: 800, height: 600))
        var logger = Logger(label: "x11-noshm-test")
        logger.logLevel = .warning
        let desktop = try X11Desktop(options: options, logger: logger)
        #expect(!desktop.capturesThroughShm, "the X server has no MIT-SHM, yet the capture says it uses it")
        let moves = LockedBox<Int>(0)
        let run = Task { try await desktop.run { e in
            if case .moved = e { moves.set(moves.get() + 1) }
        } }
        defer { run.cancel() }
        try await Self.drag(window: "noshm", steps: 8, by: Point(x: 30, y: 20), desktop)
        #expect(moves.get() >= 3, "moves seen: \(moves.get())")
        try Self.expectFramebufferEqualsScreen(desktop)
    }
}
