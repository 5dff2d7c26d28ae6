import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import SaffronDesktop
import SpiceClient
import SpiceProtocol
import Synchronization

/// `saffron shot`: connect to a SPICE server, wait for a settled frame, write it, exit.
struct Shot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shot",
        abstract: "Connect to a SPICE server and write its screen to a PPM or PNG file.",
        discussion: """
            TARGET is spice://HOST:PORT, spice+tls://HOST:PORT or a remote-viewer .vv file.
            Exit codes: 0 written, 1 usage or file error, 2 cannot connect, 3 authentication refused,
            4 link refused (version, capabilities, TLS), 5 timed out, 6 connection closed or protocol error.
            """)

    @Argument(help: "spice://HOST:PORT, spice+tls://HOST:PORT or a .vv connection file.")
    var target: String

    @Option(help: "Output file: .ppm (binary P6) or .png.")
    var out: String

    @Option(name: .customLong("wait-still"), help: "Milliseconds without drawing on the primary surface, after the first MARK, before the shot.")
    var waitStill: Int = 500

    @Option(help: "Seconds before giving up (exit 5).")
    var timeout: Double = 30

    @Option(help: "The SPICE password (ticket).")
    var password: String?

    @Option(name: .customLong("password-file"), help: "Read the password from this file (first line).")
    var passwordFile: String?

    @Option(name: .customLong("ca-file"), help: "CA certificate (PEM) for spice+tls.")
    var caFile: String?

    @Option(name: .customLong("host-subject"), help: "Expected server certificate subject for spice+tls.")
    var hostSubject: String?

    @Option(name: .customLong("preferred-compression"), help: "Ask the server for this image compression: off, auto_glz, auto_lz, quic, glz, lz, lz4.")
    var preferredCompression: String?

    @Flag(help: "Log protocol details to stderr.")
    var verbose = false

    enum Outcome: Int32 {
        case ok = 0, cannotConnect = 2, authRefused = 3, linkRefused = 4, timeout = 5, closed = 6
    }

    func validate() throws {
        guard out.hasSuffix(".ppm") || out.hasSuffix(".png") else { throw ValidationError("--out must end in .ppm or .png") }
        guard waitStill >= 0, waitStill <= 600_000 else { throw ValidationError("--wait-still must be 0...600000 ms") }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be 0...3600 s") }
        if let preferredCompression, Self.compressions[preferredCompression] == nil {
            throw ValidationError("--preferred-compression must be one of \(Self.compressions.keys.sorted().joined(separator: ", "))")
        }
        guard password == nil || passwordFile == nil else { throw ValidationError("give --password or --password-file, not both") }
    }

    func run() async throws {
        let code = await shoot()
        if code != .ok { throw ExitCode(code.rawValue) }
    }

    static let compressions: [String: DisplayChannel.ImageCompression] = [
        "off": .off, "auto_glz": .autoGLZ, "auto_lz": .autoLZ, "quic": .quic, "glz": .glz, "lz": .lz, "lz4": .lz4,
    ]

    private func fail(_ outcome: Outcome, _ message: String) -> Outcome {
        FileHandle.standardError.write(Data("saffron shot: \(message)\n".utf8))
        return outcome
    }

    private func resolveTarget() throws -> SpiceTarget {
        if target.hasPrefix("spice://") || target.hasPrefix("spice+tls://") { return try SpiceTarget(uri: target) }
        guard let data = FileManager.default.contents(atPath: target) else {
            throw ValidationError("'\(target)' is neither a spice:// URI nor a readable .vv file")
        }
        return try SpiceTarget(vvFile: String(decoding: data, as: UTF8.self))
    }

    private func shoot() async -> Outcome {
        let spice: SpiceTarget
        do { spice = try resolveTarget() } catch { return fail(.linkRefused, "\(error)") }
        var secret = password ?? spice.password
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile) else { return fail(.authRefused, "cannot read \(passwordFile)") }
            secret = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        }
        guard let port = spice.port else {
            return fail(.linkRefused, "the server offers only TLS (tls-port \(spice.tlsPort ?? 0)); TLS is not supported by saffron shot yet")
        }
        var logger = Logger(label: "saffron-shot")
        logger.logLevel = verbose ? .debug : .error
        var config = SpiceClientConfiguration(host: spice.host, port: port, password: secret)
        config.channels = [.display]
        config.glzWindowSize = 6_290_432  // what spice-gtk offers (GLZ needs a window)
        config.preferredCompression = preferredCompression.flatMap { Self.compressions[$0] }
        config.connectTimeout = .milliseconds(Int64(min(timeout, 10) * 1000))

        let group = MultiThreadedEventLoopGroup.singleton
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        let session: SpiceClientSession
        do {
            session = try await SpiceClientSession.connect(config, group: group, logger: logger)
        } catch {
            return fail(.cannotConnect, "cannot connect to \(spice.host):\(port): \(error)")
        }
        defer { session.close() }

        struct Progress {
            var marked = false
            var lastDraw = ContinuousClock.now
            var failure: (Outcome, String)?
            var mainLinked = false
        }
        let progress = Mutex(Progress())
        let watcher = Task {
            for await event in session.events {
                progress.withLock { p in
                    switch event {
                    case .linked(let id) where id.type == .main: p.mainLinked = true
                    case .linkFailed(let id, let error):
                        if p.failure == nil {
                            p.failure = error == .permissionDenied
                                ? (.authRefused, "authentication refused (\(id))")
                                : (.linkRefused, "link refused on \(id): \(error)")
                        }
                    case .failed(let id, let reason):
                        if p.failure == nil { p.failure = (.closed, "\(id): \(reason)") }
                    case .closed(let id, let reason) where id.type == .main || id.type == .display:
                        if p.failure == nil { p.failure = (.closed, "\(id) closed: \(reason)") }
                    case .serverDisconnecting(let reason, let message):
                        if p.failure == nil { p.failure = (.closed, "server disconnected us: \(reason) \(message ?? "")") }
                    case .mark:
                        p.marked = true
                        p.lastDraw = .now
                    case .drawn, .surfaceCreated:
                        p.lastDraw = .now
                    default: break
                    }
                }
            }
        }
        defer { watcher.cancel() }
        let still = Duration.milliseconds(waitStill)
        while ContinuousClock.now < deadline {
            let state = progress.withLock { ($0.marked, $0.lastDraw, $0.failure) }
            if let failure = state.2 { return fail(failure.0, failure.1) }
            if state.0, ContinuousClock.now - state.1 >= still {
                let shot = session.surface.snapshot()
                if shot.width > 0 {
                    do {
                        try write(shot)
                        if verbose {
                            let counts = session.surface.messageCounts.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }
                            FileHandle.standardError.write(Data("saffron shot: display messages by type \(counts.joined(separator: " "))\n".utf8))
                        }
                        return .ok
                    } catch {
                        FileHandle.standardError.write(Data("saffron shot: cannot write \(out): \(error)\n".utf8))
                        return .closed  // unreachable in practice; keeps the exit-code contract
                    }
                }
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        let marked = progress.withLock { $0.marked }
        return fail(.timeout, marked ? "the screen did not stay still for \(waitStill) ms within \(timeout) s"
                                     : "no complete frame (MARK) within \(timeout) s")
    }

    private func write(_ shot: (width: Int, height: Int, pixels: [UInt32])) throws {
        if out.hasSuffix(".png") {
            let bytes = try PNG.encode(width: shot.width, height: shot.height, pixels: shot.pixels)
            try Data(bytes).write(to: URL(fileURLWithPath: out), options: .atomic)
        } else {
            try writePPM(size: Size(width: shot.width, height: shot.height), pixels: shot.pixels, to: out)
        }
    }
}
