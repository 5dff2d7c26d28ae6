import Foundation

/// A `saffron serve` child process on a free port of 127.0.0.1, with its stats file.
/// Always `await stop()` it (and `killNow()` in a `defer` as the last resort).
final class SaffronServer: @unchecked Sendable {
    /// The plaintext port (0 when plaintext is disabled).
    let port: Int
    /// The TLS port (0 without TLS).
    let tlsPort: Int
    let process: ChildProcess
    let statsPath: String
    let width: Int
    let height: Int

    /// Starts `saffron serve --port P --stats-file F ARGS` and waits (bounded) until it accepts
    /// connections. Pass `--disable-ticketing` or a password in `arguments` / `environment`.
    /// `port` reuses a known port (a server restarted where its clients expect it).
    /// With `x509Dir` it also listens with TLS on a free `tlsPort`; `plaintext: false` passes `--port 0`.
    init(_ arguments: [String], size: String = "1280x800", environment: [String: String] = [:],
         x509Dir: String? = nil, plaintext: Bool = true, port fixedPort: Int? = nil,
         in dir: TempDir, name: String = "saffron", startTimeout: Double = 20) async throws {
        let saffron = try Paths.saffron()
        port = plaintext ? try fixedPort ?? Ports.free() : 0
        tlsPort = x509Dir != nil ? try Ports.free(avoiding: port) : 0
        statsPath = dir.path("\(name)-stats.json")
        let dims = size.split(separator: "x").compactMap { Int($0) }
        width = dims.first ?? 0
        height = dims.last ?? 0
        var args = ["serve", "--addr", "127.0.0.1", "--port", String(port), "--size", size, "--stats-file", statsPath]
        if let x509Dir { args += ["--tls-port", String(tlsPort), "--x509-dir", x509Dir] }
        args += arguments
        process = try ChildProcess(saffron, args, environment: environment, in: dir, name: name)
        let deadline = ContinuousClock.now + .milliseconds(Int(startTimeout * 1000))
        let ready = [port, tlsPort].filter { $0 != 0 }
        while !ready.allSatisfy({ Ports.accepts($0) }) {
            if let status = process.status {
                throw HarnessError("saffron serve ended (\(status)) before listening on \(port)\n\(process.tail())")
            }
            if ContinuousClock.now > deadline {
                process.killNow()
                throw HarnessError("saffron serve did not accept connections on \(port) within \(startTimeout) s\n\(process.tail())")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    var pid: pid_t { process.pid }

    @discardableResult
    func stop() async -> ExitStatus { await process.stop(grace: 5) }
    func killNow() { process.killNow() }

    /// The last stats the server wrote (nil before the first write).
    func stats() throws -> ServerStats? {
        guard let data = FileManager.default.contents(atPath: statsPath), !data.isEmpty else { return nil }
        do {
            return try JSONDecoder().decode(ServerStats.self, from: data)
        } catch {
            throw HarnessError("cannot decode \(statsPath): \(error)\n\(String(decoding: data, as: UTF8.self))")
        }
    }

    /// Polls the stats file (bounded) until `condition` holds; returns the last stats seen.
    func waitForStats(seconds: Double, _ condition: (ServerStats) -> Bool) async throws -> ServerStats? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        var last: ServerStats?
        repeat {
            if let s = try stats() {
                last = s
                if condition(s) { return s }
            }
            try await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        return last
    }

    /// Resident memory of the server process in KiB (VmRSS from /proc/PID/status).
    func residentKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            if let kib = Int(line.split(separator: " ").dropFirst().first ?? "") { return kib }
        }
        throw HarnessError("no VmRSS in /proc/\(pid)/status")
    }
}

/// The `--stats-file` JSON written by `saffron serve`.
struct ServerStats: Decodable, Sendable {
    var connectionsAccepted: Int
    var linksSucceeded: Int
    var linksFailed: Int
    var clientsConnected: Int
    var clientsTotal: Int
    var bytesSent: Int
    var bytesReceived: Int
    var drawMessages: Int
    var drawBytes: Int
    var drawPixels: Int
    var copyBitsMessages: Int
    var damageEvents: Int
    var damagePixels: Int
    var fullFrameDraws: Int
    var inputEvents: Int
    var lastRoundTripMicroseconds: Int?
    var cacheHits: Int?
    var imagesByCodec: [String: Int]?
}

/// Writes `saffron demo-frame --size S` into the test folder and reads it back.
func demoFrame(size: String, in dir: TempDir) async throws -> PPMImage {
    let out = dir.path("demo-frame-\(size).ppm")
    let run = try await runTool(try Paths.saffron(), ["demo-frame", "--size", size, "--out", out],
                                in: dir, name: "demo-frame-\(size)", timeout: 60)
    guard run.succeeded else { throw HarnessError("saffron demo-frame failed\n\(run.tail())") }
    return try PPMImage(path: out)
}
