import Foundation
import Logging
import SaffronDesktop
import SaffronX11
import Testing

@Suite("Window move tracking")
struct WindowMoveTrackerTests {
    @Test("a window that changed place but not size is one move from its place at the last take()")
    func moveSinceLastTake() {
        var t = WindowMoveTracker()
        t.created(1, Rect(x: 10, y: 10, width: 300, height: 200))
        #expect(t.take() == nil)
        t.configured(1, Rect(x: 20, y: 15, width: 300, height: 200))
        t.configured(1, Rect(x: 40, y: 25, width: 300, height: 200))
        #expect(t.take() == WindowMoveTracker.Move(from: Rect(x: 10, y: 10, width: 300, height: 200),
                                                   to: Rect(x: 40, y: 25, width: 300, height: 200)))
        #expect(t.take() == nil)
        t.configured(1, Rect(x: 50, y: 25, width: 300, height: 200))
        #expect(t.take()?.from == Rect(x: 40, y: 25, width: 300, height: 200))
    }

    @Test("resized, moved back, destroyed or unknown windows are not moves; the largest move wins")
    func notMoves() {
        var t = WindowMoveTracker()
        t.configured(7, Rect(x: 0, y: 0, width: 100, height: 100))      // unknown until now
        #expect(t.take() == nil)
        t.created(1, Rect(x: 0, y: 0, width: 100, height: 100))
        t.configured(1, Rect(x: 5, y: 0, width: 100, height: 100))
        t.configured(1, Rect(x: 5, y: 0, width: 120, height: 100))     // resized too
        #expect(t.take() == nil)
        t.configured(1, Rect(x: 9, y: 0, width: 120, height: 100))
        t.configured(1, Rect(x: 5, y: 0, width: 120, height: 100))     // and back
        #expect(t.take() == nil)
        t.configured(1, Rect(x: 9, y: 9, width: 120, height: 100))
        t.destroyed(1)
        #expect(t.take() == nil)
        t.created(2, Rect(x: 0, y: 0, width: 50, height: 50))
        t.created(3, Rect(x: 0, y: 0, width: 500, height: 50))
        _ = t.take()
        t.configured(2, Rect(x: 1, y: 1, width: 50, height: 50))
        t.configured(3, Rect(x: 2, y: 2, width: 500, height: 50))
        #expect(t.take()?.to == Rect(x: 2, y: 2, width: 500, height: 50))
    }
}

/// A window dragged diagonally in a private Xorg: the desktop reports it as a move in both
/// directions, and its framebuffer ends equal to the X screen (xwd -root). In the serialized X11
/// session suite: two private X servers starting at once can race for a display number.
extension X11SessionTests {
    static func runTool(_ tool: String, _ args: [String], _ desktop: X11Desktop) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.environment = ["DISPLAY": desktop.displayName, "XAUTHORITY": desktop.privateX?.authorityFile ?? ""]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return data
    }

    /// Waits (bounded, 15 s) for the window titled `title`, then moves it `steps` times from
    /// (10, 10) by `by` each, 100 ms apart, and lets the last capture settle.
    static func drag(window title: String, steps: Int, by: Point, _ desktop: X11Desktop) async throws {
        var wid = ""
        let deadline = ContinuousClock.now + .seconds(15)
        while wid.isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            wid = String(decoding: try runTool("/usr/bin/xdotool", ["search", "--name", title], desktop), as: UTF8.self)
                .split(separator: "\n").first.map(String.init) ?? ""
        }
        try #require(!wid.isEmpty, "the window '\(title)' did not appear")
        try await Task.sleep(for: .seconds(1))
        for step in 1...steps {
            _ = try runTool("/usr/bin/xdotool", ["windowmove", wid, "\(10 + step * by.x)", "\(10 + step * by.y)"], desktop)
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .seconds(1))
    }

    /// The desktop's framebuffer equals `xwd -root` of its X screen, pixel for pixel.
    static func expectFramebufferEqualsScreen(_ desktop: X11Desktop) throws {
        let (size, screen) = try #require(try Self.screen(desktop))
        #expect(size == desktop.framebuffer.size)
        let fb = desktop.framebuffer.withLockedPixels { _, p in p.map { $0 & 0xFFFFFF } }
        let differing = zip(fb, screen).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) pixels differ between the framebuffer and the X screen")
    }

    /// The X screen's pixels (xRGB) from `xwd -root` (ZPixmap, 32 bpp).
    static func screen(_ desktop: X11Desktop) throws -> (Size, [UInt32])? {
        let d = [UInt8](try runTool("/usr/bin/xwd", ["-root", "-silent"], desktop))
        guard d.count >= 100 else { return nil }
        func u32(_ i: Int) -> Int {
            var v = 0
            for k in 0..<4 { v = v << 8 | Int(d[i + k]) }
            return v
        }
        let headerSize = u32(0), width = u32(16), height = u32(20), byteOrder = u32(28), bpp = u32(44)
        let bytesPerLine = u32(48), colors = u32(76)
        guard bpp == 32, byteOrder == 0 else { return nil }
        let off = headerSize + colors * 12
        guard d.count >= off + bytesPerLine * height else { return nil }
        var px = [UInt32](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let i = off + y * bytesPerLine + x * 4
                let b = UInt32(d[i]), g = UInt32(d[i + 1]), r = UInt32(d[i + 2])
                px[y * width + x] = r << 16 | g << 8 | b
            }
        }
        return (Size(width: width, height: height), px)
    }

    @Test("xdotool windowmove of an xterm is a .moved with dx and dy; the framebuffer matches the screen")
    func dragIsAMove() async throws {
        try #require(PrivateXSession.xorgDummyUsable, "needs root, Xorg and xserver-xorg-video-dummy")
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/xterm")
                     && FileManager.default.isExecutableFile(atPath: "/usr/bin/xdotool")
                     && FileManager.default.isExecutableFile(atPath: "/usr/bin/xwd"), "needs xterm, xdotool, xwd")
        var options = X11Desktop.Options(session: "exec xterm -geometry 60x20+10+10 -title dragme -e sh -c 'seq 1 40; exec sleep 600'",
                                         size: Size(width: 800, height: 600))
        options.server = .xorg
        var logger = Logger(label: "x11-drag-test")
        logger.logLevel = .warning
        let desktop = try X11Desktop(options: options, logger: logger)
        let moves = LockedBox<[(Rect, Point)]>([])
        let run = Task { try await desktop.run { e in
            if case .moved(let s, let d, _) = e { moves.set(moves.get() + [(s, d)]) }
        } }
        defer {
            run.cancel()
            desktop.privateX?.stop()
        }
        try await Self.drag(window: "dragme", steps: 10, by: Point(x: 25, y: 15), desktop)
        let diagonal = moves.get().filter { $0.0.x != $0.1.x && $0.0.y != $0.1.y }
        #expect(diagonal.count >= 3, "moves seen: \(moves.get())")
        try Self.expectFramebufferEqualsScreen(desktop)
    }
}
