import Foundation
import Logging
import NIOCore
import NIOPosix
import SaffronDemo
import SaffronDesktop
import SpiceClient
import SpiceServer
import Synchronization

/// `saffron-bench`: connect latency, full-frame throughput and memory per client, printed as a
/// table. Not a test: numbers, not verdicts. Build with `-c release` for meaningful figures.
@main
enum Bench {
    static func main() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        print("Saffron benchmark (\(System.coreCount) cores)")
        try await demoAnimationCost()
        try await connectLatency(group: group, logger: logger)
        try await fullFrameRate(group: group, logger: logger, compression: .off)
        try await fullFrameRate(group: group, logger: logger, compression: .autoGLZ)
        try await memoryPerClient(group: group)
        try await group.shutdownGracefully()
    }

    static func startServer(_ desktop: any DesktopSource, group: any EventLoopGroup, logger: Logger,
                            compression: ImageCompression = .autoGLZ) async throws -> (SpiceServer, Int, Task<Void, Error>) {
        var configuration = SpiceServerConfiguration()
        configuration.port = 0
        configuration.imageCompression.mode = compression
        let server = try SpiceServer(configuration: configuration, desktop: desktop, group: group, logger: logger)
        let port = try await server.start().port!
        return (server, port, Task { try await server.run() })
    }

    static func waitForMark(_ session: SpiceClientSession) async {
        for await event in session.events where event == .mark { return }
    }

    /// TCP connect of the main channel to the first MARK on the display channel (1920x1080 demo).
    static func connectLatency(group: any EventLoopGroup, logger: Logger) async throws {
        let (_, port, run) = try await startServer(DemoDesktop(size: Size(width: 1920, height: 1080), mode: .static), group: group, logger: logger)
        defer { run.cancel() }
        var samples: [Double] = []
        for _ in 0..<30 {
            let start = ContinuousClock.now
            let session = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port), group: group)
            await waitForMark(session)
            samples.append((ContinuousClock.now - start).milliseconds)
            session.close()
        }
        samples.sort()
        print(String(format: "connect → first MARK (1920x1080, 30 runs): median %.1f ms, p90 %.1f ms, min %.1f ms",
                     samples[samples.count / 2], samples[samples.count * 9 / 10], samples[0]))
    }

    /// CPU the animated demo desktop itself uses at 1920x1080 (clock, ball, bars: ~25 frames/s),
    /// with nothing connected: the process's CPU over 3 s of animation.
    static func demoAnimationCost() async throws {
        let desktop = DemoDesktop(size: Size(width: 1920, height: 1080), mode: .animated)
        let frames = FrameCounter()
        let runner = Task { try await desktop.run { if case .damage = $0 { frames.add() } } }
        try await Task.sleep(for: .milliseconds(300))
        let cpu0 = processCPUSeconds(), f0 = frames.count, t0 = ContinuousClock.now
        try await Task.sleep(for: .seconds(3))
        let cpu = processCPUSeconds() - cpu0, n = frames.count - f0, seconds = (ContinuousClock.now - t0).milliseconds / 1000
        runner.cancel()
        _ = await runner.result
        print(String(format: "demo animation 1920x1080: %.1f frames/s, %.1f ms CPU per second of animation (%.2f ms per frame)",
                     Double(n) / seconds, cpu * 1000 / seconds, n > 0 ? cpu * 1000 / Double(n) : 0))
    }

    static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Every pixel changes continuously; the client receives as fast as it acks.
    static func fullFrameRate(group: any EventLoopGroup, logger: Logger, compression: ImageCompression) async throws {
        let size = Size(width: 1920, height: 1080)
        let (server, port, run) = try await startServer(FullFrameDesktop(size: size), group: group, logger: logger, compression: compression)
        defer { run.cancel() }
        let session = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port), group: group)
        await waitForMark(session)
        let before = server.stats.snapshot
        let start = ContinuousClock.now
        try await Task.sleep(for: .seconds(5))
        let seconds = (ContinuousClock.now - start).milliseconds / 1000
        let after = server.stats.snapshot
        session.close()
        let frames = Double(after.drawPixels - before.drawPixels) / Double(size.area)
        let megabytes = Double(after.bytesSent - before.bytesSent) / 1_000_000
        print(String(format: "full-frame updates 1920x1080, %@, loopback: %.1f frames/s, %.1f MB/s (%d draw messages, %@)",
                     compression.rawValue, frames / seconds, megabytes / seconds, after.drawMessages - before.drawMessages,
                     "\(after.imagesByCodec)"))
    }

    /// Server RSS growth per connected client, measured on a separate `saffron serve` process.
    static func memoryPerClient(group: any EventLoopGroup) async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("saffron").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("memory per client: skipped, \(binary) not built (swift build -c release first)")
            return
        }
        let port = 5990
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--port", "\(port)", "--demo", "static", "--size", "1920x1080", "--disable-ticketing", "--log-level", "error"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { process.terminate() }
        try await Task.sleep(for: .seconds(1))
        // One client first so one-time allocations are not counted per client.
        let warm = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port), group: group)
        await waitForMark(warm)
        try await Task.sleep(for: .milliseconds(300))
        let base = rssKiB(process.processIdentifier)
        var sessions: [SpiceClientSession] = []
        let count = 10
        for _ in 0..<count {
            let s = try await SpiceClientSession.connect(.init(host: "127.0.0.1", port: port), group: group)
            await waitForMark(s)
            sessions.append(s)
        }
        try await Task.sleep(for: .milliseconds(500))
        let loaded = rssKiB(process.processIdentifier)
        for s in sessions { s.close() }
        warm.close()
        print(String(format: "server memory per connected client (1920x1080): %.0f KiB (RSS %d → %d KiB with %d more clients)",
                     Double(loaded - base) / Double(count), base, loaded, count))
    }

    static func rssKiB(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}

/// Counts events delivered on any thread.
final class FrameCounter: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
