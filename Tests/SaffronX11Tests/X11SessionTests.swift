import Foundation
import Logging
import NIOPosix
import SaffronDesktop
import SaffronX11
import SpiceClient
import SpiceProtocol
import SpiceServer
import Testing

/// A private Xorg (dummy driver) served by an in-process SpiceServer to our SpiceClient: the
/// resize API and the X server's death, end to end. CI runs as root, where Xorg can start.
@Suite("X11 session lifecycle", .serialized)
struct X11SessionTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    static func makeDesktop(_ size: Size) throws -> X11Desktop {
        try #require(PrivateXSession.xorgDummyUsable, "needs root, Xorg and xserver-xorg-video-dummy (scripts/install-test-deps.sh installs them)")
        var options = X11Desktop.Options(session: "exec sleep 3600", size: size)
        options.server = .xorg
        var logger = Logger(label: "x11-test")
        logger.logLevel = .warning
        return try X11Desktop(options: options, logger: logger)
    }

    static func startServer(_ desktop: X11Desktop, replacement: SpiceServer.DesktopFactory? = nil)
        async throws -> (SpiceServer, Int, Task<Void, Error>) {
        var configuration = SpiceServerConfiguration()
        configuration.port = 0
        var logger = Logger(label: "x11-test-server")
        logger.logLevel = .warning
        let server = try SpiceServer(configuration: configuration, desktop: desktop, group: group, logger: logger,
                                     replacement: replacement)
        let port = try await server.start().port!
        return (server, port, Task { try await server.run() })
    }

    /// The first event matching `predicate` within `seconds` (nil on timeout or end of stream).
    static func next(_ client: SpiceClientSession, seconds: Double = 15,
                     _ predicate: @escaping @Sendable (SpiceClientEvent) -> Bool) async throws -> SpiceClientEvent? {
        try await withThrowingTaskGroup(of: SpiceClientEvent?.self) { tasks in
            tasks.addTask {
                for await event in client.events where predicate(event) { return event }
                return nil
            }
            tasks.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = try await tasks.next() ?? nil
            tasks.cancelAll()
            return first
        }
    }

    /// Cancels the server's run and waits (bounded) until the desktops stopped their X servers
    /// and sessions; whatever is still running after that is stopped by PID.
    static func stop(_ run: Task<Void, Error>, desktops: [X11Desktop]) {
        run.cancel()
        let done = DispatchSemaphore(value: 0)
        Task { _ = await run.result; done.signal() }
        _ = done.wait(timeout: .now() + 10)
        for d in desktops { d.privateX?.stop() }
    }

    static func surface(_ e: SpiceClientEvent) -> Size? {
        if case .surfaceCreated(_, let w, let h) = e { return Size(width: w, height: h) }
        return nil
    }

    /// The X screen's size as xdpyinfo reports it.
    static func xdpyinfoSize(_ desktop: X11Desktop) throws -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/xdpyinfo")
        p.environment = ["DISPLAY": desktop.displayName, "XAUTHORITY": desktop.privateX?.authorityFile ?? ""]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        return text.firstMatch(of: /dimensions:\s+([0-9]+x[0-9]+) pixels/).map { String($0.1) }
    }

    @Test("requestResize changes the X screen (xdpyinfo) and the connected client's surface, growing and shrinking")
    func resizeThroughTheAPI() async throws {
        let desktop = try Self.makeDesktop(Size(width: 1024, height: 768))
        let (server, port, run) = try await Self.startServer(desktop)
        defer { Self.stop(run, desktops: [desktop]) }
        let client = try await SpiceClientSession.connect(SpiceClientConfiguration(host: "127.0.0.1", port: port),
                                                         group: Self.group, logger: Logger(label: "x11-test-client"))
        defer { client.close() }
        let first = try await Self.next(client) { Self.surface($0) != nil }
        #expect(first.flatMap(Self.surface) == Size(width: 1024, height: 768))
        #expect(try Self.xdpyinfoSize(desktop) == "1024x768")

        for size in [Size(width: 1920, height: 1080), Size(width: 800, height: 600), Size(width: 1366, height: 768)] {
            desktop.requestResize(to: size)
            let created = try await Self.next(client) { Self.surface($0) == size }
            #expect(created != nil, "client surface never became \(size)")
            #expect(try Self.xdpyinfoSize(desktop) == "\(size.width)x\(size.height)")
            #expect(desktop.framebuffer.size == size)
        }
        _ = server
    }

    @Test("killing the X server: the client is told why, the server stays up and serves a new desktop")
    func killTheXServer() async throws {
        let size = Size(width: 1024, height: 768)
        let desktop = try Self.makeDesktop(size)
        let restarted = LockedBox<X11Desktop?>(nil)
        let (server, port, run) = try await Self.startServer(desktop) { _ in
            let next = try Self.makeDesktop(size)
            restarted.set(next)
            return next
        }
        defer { Self.stop(run, desktops: [desktop, restarted.get()].compactMap { $0 }) }
        let client = try await SpiceClientSession.connect(SpiceClientConfiguration(host: "127.0.0.1", port: port),
                                                         group: Self.group, logger: Logger(label: "x11-test-client"))
        defer { client.close() }
        #expect(try await Self.next(client) { Self.surface($0) != nil } != nil)

        let pid = try #require(desktop.privateX?.serverPID)
        kill(pid, SIGKILL)
        let told = try await Self.next(client) {
            if case .serverDisconnecting = $0 { return true } else { return false }
        }
        guard case .serverDisconnecting(_, let message) = told else {
            Issue.record("no DISCONNECTING after the X server was killed")
            return
        }
        #expect(message?.contains("the desktop ended: the X server (Xorg \(desktop.displayName)) exited (killed by signal 9)") == true,
                "NOTIFY text: \(message ?? "none")")

        // The server keeps running and a new client gets the replacement desktop.
        let deadline = ContinuousClock.now + .seconds(20)
        while restarted.get() == nil && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        let replacement = try #require(restarted.get(), "no replacement desktop within 20 s")
        #expect(replacement.framebuffer.size == size)
        var again: SpiceClientSession?
        var surface: Size?
        while surface == nil && ContinuousClock.now < deadline {
            let c = try await SpiceClientSession.connect(SpiceClientConfiguration(host: "127.0.0.1", port: port),
                                                        group: Self.group, logger: Logger(label: "x11-test-client-2"))
            again = c
            surface = try await Self.next(c, seconds: 5) { Self.surface($0) != nil }.flatMap(Self.surface)
            if surface == nil { c.close(); try await Task.sleep(for: .milliseconds(200)) }
        }
        defer { again?.close() }
        #expect(surface == size)
        #expect(server.connectedClients >= 1)
    }

    @Test("A desktop that never ran is released within a bound, whether its X server is alive or was killed")
    func releaseNeverRun() throws {
        for killFirst in [false, true] {
            var desktop: X11Desktop? = try Self.makeDesktop(Size(width: 640, height: 480))
            let pid = try #require(desktop?.privateX?.serverPID)
            if killFirst {
                Self.killAndWait(pid)
            }
            // The release happens on another thread, so a hang inside Xlib fails the test instead of stalling it.
            let released = DispatchSemaphore(value: 0)
            let box = LockedBox(desktop)
            desktop = nil
            Thread.detachNewThread {
                box.set(nil)
                released.signal()
            }
            #expect(released.wait(timeout: .now() + 15) == .success, "releasing a never-run desktop (X server killed: \(killFirst)) hung")
            #expect(Self.isGone(pid), "the private X server \(pid) still runs")
        }
    }

    @Test("Two desktops in one process: killing one's X server ends that one only")
    func oneOfTwoXServersDies() async throws {
        let first = try Self.makeDesktop(Size(width: 640, height: 480))
        let second = try Self.makeDesktop(Size(width: 640, height: 480))
        let ended = LockedBox<[String]>([])
        func start(_ d: X11Desktop, _ name: String) -> Task<Void, Error> {
            Task { try await d.run { if case .ended = $0 { ended.set(ended.get() + [name]) } } }
        }
        // The second starts last: with one process-wide hook, it is the one a lost connection reached.
        let runs = [start(first, "first"), start(second, "second")]
        defer { for (run, d) in zip(runs, [first, second]) { Self.stop(run, desktops: [d]) } }
        try await Task.sleep(for: .milliseconds(500))
        kill(try #require(first.privateX?.serverPID), SIGKILL)
        let deadline = ContinuousClock.now + .seconds(10)
        while !ended.get().contains("first") && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(ended.get() == ["first"])
        // The second keeps serving: a resize still goes through its X server.
        second.requestResize(to: Size(width: 800, height: 600))
        while second.framebuffer.size != Size(width: 800, height: 600) && ContinuousClock.now < deadline + .seconds(10) {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(second.framebuffer.size == Size(width: 800, height: 600))
        #expect(ended.get() == ["first"])
    }

    /// SIGKILL, then wait (at most 5 s) until the process has exited: its sockets close then.
    static func killAndWait(_ pid: Int32) {
        kill(pid, SIGKILL)
        let deadline = ContinuousClock.now + .seconds(5)
        while !isGone(pid) && ContinuousClock.now < deadline { usleep(20_000) }
    }

    /// Exited: reaped, or a zombie nobody reaped yet.
    static func isGone(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return true }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }
}

/// A value shared between a test and a @Sendable closure.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ v: Value) { lock.withLock { value = v } }
}
