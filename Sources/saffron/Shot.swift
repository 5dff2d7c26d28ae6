import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import SaffronDesktop
import SpiceClient
import SpiceProtocol
import Synchronization

/// What `saffron shot` saw so far (written by the event watcher, read by the waiting loop).
final class ProgressBox: Sendable {
    struct Progress {
        var marked = false
        var lastDraw = ContinuousClock.now
        var failure: (Shot.Outcome, String)?
        var mainLinked = false
    }
    let state = Mutex(Progress())
}

/// `saffron shot`: connect to a SPICE server, wait for a settled frame, write it, exit.
struct Shot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shot",
        abstract: "Connect to a SPICE server and write its screen to a PPM or PNG file.",
        discussion: """
            TARGET is spice://HOST:PORT, spice+tls://HOST:PORT or a remote-viewer .vv file.
            With --keys/--scancodes/--move/--click/--monitors/--clipboard-set the actions happen after the
            first settled frame, and the picture is taken after the screen settles again.
            Exit codes: 0 written, 1 usage or file error, 2 cannot connect, 3 authentication refused,
            4 link refused (version, capabilities, TLS), 5 timed out, 6 connection closed or protocol error,
            7 an action failed (no agent, clipboard empty, file refused).
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Output file: .ppm (binary P6) or .png (optional with clipboard/file actions).")
    var out: String?

    @Option(help: "Type this text (US layout; \\n is Enter) through the inputs channel.")
    var keys: String?

    @Option(help: "Tap these set-1 make codes, comma separated hex (01 = Esc, e0:48 = extended Up).")
    var scancodes: String?

    @Option(help: "Client mouse mode position X,Y (MOUSE_POSITION), before the keys.")
    var move: String?

    @Option(help: "Click a button (left, middle, right, up, down) after --move.")
    var click: String?

    @Option(name: .customLong("clipboard-set"), help: "Offer this file's bytes as the clipboard (through the agent).")
    var clipboardSet: String?

    @Option(name: .customLong("clipboard-get"), help: "Write the guest's clipboard (through the agent) to this file.")
    var clipboardGet: String?

    @Option(name: .customLong("clipboard-type"), help: "VD_AGENT_CLIPBOARD type: 1 UTF-8 text, 2 PNG, 3 BMP, 4 TIFF, 5 JPEG.")
    var clipboardType: UInt32 = 1

    @Option(help: "Clipboard selection: 0 clipboard, 1 primary, 2 secondary.")
    var selection: UInt8 = 0

    @Option(help: "Ask the guest agent for this monitor layout: WxH[+X+Y][,WxH+X+Y...].")
    var monitors: String?

    @Option(name: .customLong("send-file"), help: "Send this file to the guest agent.")
    var sendFile: String?

    @Option(help: "Milliseconds to wait after the actions before waiting for the screen to settle again.")
    var delay: Int = 0

    @Option(help: "Stay connected this many seconds after everything else (e.g. to keep holding the clipboard).")
    var hold: Double = 0

    @Option(name: .customLong("wait-still"), help: "Milliseconds without drawing on the primary surface, after the first MARK, before the shot.")
    var waitStill: Int = 500

    @Option(help: "Seconds before giving up (exit 5).")
    var timeout: Double = 30

    @Flag(help: "Log protocol details to stderr.")
    var verbose = false

    enum Outcome: Int32 {
        case ok = 0, cannotConnect = 2, authRefused = 3, linkRefused = 4, timeout = 5, closed = 6, actionFailed = 7
    }

    var usesAgent: Bool { clipboardSet != nil || clipboardGet != nil || monitors != nil || sendFile != nil }
    var usesInputs: Bool { keys != nil || scancodes != nil || move != nil || click != nil }

    func validate() throws {
        if let out {
            guard out.hasSuffix(".ppm") || out.hasSuffix(".png") else { throw ValidationError("--out must end in .ppm or .png") }
        } else if !usesAgent {
            throw ValidationError("give --out (or a clipboard/file action)")
        }
        if let scancodes { _ = try Self.parseScancodes(scancodes) }
        if let monitors { _ = try Self.parseMonitors(monitors) }
        if let move { _ = try Self.parsePoint(move) }
        if let click, Self.buttons[click] == nil { throw ValidationError("--click must be one of \(Self.buttons.keys.sorted().joined(separator: ", "))") }
        if let keys {
            for c in Self.unescape(keys) where USKeyboard.scancode(for: c) == nil { throw ValidationError("--keys: '\(c)' has no key on a US keyboard") }
        }
        guard (0...2).contains(selection) else { throw ValidationError("--selection must be 0, 1 or 2") }
        guard ClipboardType(rawValue: clipboardType) != nil else { throw ValidationError("--clipboard-type must be 0...6") }
        guard delay >= 0, delay <= 600_000 else { throw ValidationError("--delay must be 0...600000 ms") }
        guard hold >= 0, hold <= 3600 else { throw ValidationError("--hold must be 0...3600 s") }
        guard waitStill >= 0, waitStill <= 600_000 else { throw ValidationError("--wait-still must be 0...600000 ms") }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be 0...3600 s") }
    }

    func run() async throws {
        let code = await shoot()
        if code != .ok { throw ExitCode(code.rawValue) }
    }

    static let buttons: [String: InputsChannel.MouseButton] = ["left": .left, "middle": .middle, "right": .right, "up": .up, "down": .down]

    /// `\n` (backslash n) in --keys is Enter.
    static func unescape(_ text: String) -> String {
        text.split(separator: "\\n", omittingEmptySubsequences: false).joined(separator: "\n")
    }

    /// "01,1c,e0:48" → (make code, extended).
    static func parseScancodes(_ text: String) throws -> [(UInt8, Bool)] {
        try text.split(separator: ",").map { item in
            var t = item.lowercased().filter { $0 != " " }
            var extended = false
            if t.hasPrefix("e0:") { extended = true; t.removeFirst(3) }
            if t.hasPrefix("0x") { t.removeFirst(2) }
            guard let v = UInt8(t, radix: 16), v != 0, v < 0x80 else { throw ValidationError("--scancodes: bad make code '\(item)'") }
            return (v, extended)
        }
    }

    static func parsePoint(_ text: String) throws -> (Int, Int) {
        let p = text.split(separator: ",").compactMap { Int($0) }
        guard p.count == 2, p[0] >= 0, p[1] >= 0 else { throw ValidationError("--move must be X,Y") }
        return (p[0], p[1])
    }

    static func parseMonitors(_ text: String) throws -> [AgentMonitor] {
        try text.split(separator: ",").map { item in
            let parts = item.split(separator: "+")
            let wh = parts.first.map { $0.split(separator: "x").compactMap { UInt32($0) } } ?? []
            guard wh.count == 2, parts.count == 1 || parts.count == 3 else { throw ValidationError("--monitors: bad '\(item)' (WxH[+X+Y])") }
            let x = parts.count == 3 ? Int32(parts[1]) : 0, y = parts.count == 3 ? Int32(parts[2]) : 0
            guard let x, let y else { throw ValidationError("--monitors: bad position in '\(item)'") }
            return AgentMonitor(width: wh[0], height: wh[1], x: x, y: y)
        }
    }

    private func fail(_ outcome: Outcome, _ message: String) -> Outcome {
        FileHandle.standardError.write(Data("saffron shot: \(message)\n".utf8))
        return outcome
    }

    private func shoot() async -> Outcome {
        let spice: SpiceTarget
        var config: SpiceClientConfiguration
        do {
            (spice, config) = try connection.resolve()
        } catch {
            switch error {
            case .badTarget(let m): return fail(.linkRefused, m)
            case .badPassword(let m): return fail(.authRefused, m)
            }
        }
        var logger = Logger(label: "saffron-shot")
        logger.logLevel = verbose ? .debug : .error
        let port = config.mainPort
        config.channels = usesInputs ? [.display, .inputs] : [.display]
        config.connectTimeout = .milliseconds(Int64(min(timeout, 10) * 1000))

        let group = MultiThreadedEventLoopGroup.singleton
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        let session: SpiceClientSession
        do {
            session = try await SpiceClientSession.connect(config, group: group, logger: logger)
        } catch let error as ClientTLSError {
            return fail(.linkRefused, "TLS: \(error)")
        } catch {
            return fail(.cannotConnect, "cannot connect to \(spice.host):\(port): \(error)")
        }
        defer { session.close() }

        let progress = ProgressBox()
        let watcher = Task {
            for await event in session.events {
                progress.state.withLock { p in
                    switch event {
                    case .linked(let id) where id.type == .main: p.mainLinked = true
                    case .tlsFailed(let id, let reason):
                        if p.failure == nil { p.failure = (.linkRefused, "TLS failed on \(id): \(reason)") }
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
        /// Waits for a MARK and `still` without drawing (since `since`); nil when settled.
        func settle(since: ContinuousClock.Instant) async -> Outcome? {
            while ContinuousClock.now < deadline {
                let state = progress.state.withLock { ($0.marked, $0.lastDraw, $0.failure) }
                if let failure = state.2 { return fail(failure.0, failure.1) }
                let last = max(state.1, since)
                if state.0, ContinuousClock.now - last >= still, session.surface.snapshot().width > 0 { return nil }
                try? await Task.sleep(for: .milliseconds(10))
            }
            let marked = progress.state.withLock { $0.marked }
            return fail(.timeout, marked ? "the screen did not stay still for \(waitStill) ms within \(timeout) s"
                                         : "no complete frame (MARK) within \(timeout) s")
        }
        if let outcome = await settle(since: .now - .seconds(3600)) { return outcome }
        if usesInputs || usesAgent {
            if let outcome = await act(session, deadline: deadline) { return outcome }
            if delay > 0 { try? await Task.sleep(for: .milliseconds(delay)) }
            if let outcome = await settle(since: .now) { return outcome }
        }
        if let out {
            let shot = session.surface.snapshot()
            do {
                try write(shot, to: out)
                if verbose {
                    let counts = session.surface.messageCounts.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }
                    FileHandle.standardError.write(Data("saffron shot: display messages by type \(counts.joined(separator: " "))\n".utf8))
                    FileHandle.standardError.write(Data("saffron shot: video stream frames drawn \(session.surface.streamFramesDrawn)\n".utf8))
                }
            } catch {
                FileHandle.standardError.write(Data("saffron shot: cannot write \(out): \(error)\n".utf8))
                return .closed  // unreachable in practice; keeps the exit-code contract
            }
        }
        if hold > 0 { try? await Task.sleep(for: .milliseconds(Int(hold * 1000))) }
        return .ok
    }

    /// The actions, in order: pointer, click, keys, scancodes, monitors, clipboard, file.
    private func act(_ session: SpiceClientSession, deadline: ContinuousClock.Instant) async -> Outcome? {
        if usesInputs {
            while !session.isLinked(ChannelID(type: .inputs, id: 0)) {
                if ContinuousClock.now >= deadline { return fail(.timeout, "the inputs channel did not link") }
                try? await Task.sleep(for: .milliseconds(10))
            }
            if let move, let p = try? Self.parsePoint(move) { session.moveTo(x: p.0, y: p.1) }
            if let click, let b = Self.buttons[click] { session.click(b) }
            if let keys {
                do { try session.typeText(Self.unescape(keys)) } catch { return fail(.actionFailed, "\(error)") }
            }
            if let scancodes, let codes = try? Self.parseScancodes(scancodes) {
                for (code, extended) in codes { session.tapKey(code, extended: extended) }
            }
        }
        guard usesAgent else { return nil }
        guard await session.waitForAgent(timeout: deadline - ContinuousClock.now) else {
            return fail(.actionFailed, "no agent answered within \(timeout) s")
        }
        let sel = ClipboardSelection(rawValue: selection) ?? .clipboard
        let type = ClipboardType(rawValue: clipboardType) ?? .utf8Text
        if let monitors, let list = try? Self.parseMonitors(monitors) { session.sendMonitorsConfig(list) }
        if let clipboardSet {
            guard let data = FileManager.default.contents(atPath: clipboardSet) else { return fail(.actionFailed, "cannot read \(clipboardSet)") }
            session.setClipboard(selection: sel, type: type, data: Array(data))
        }
        if let clipboardGet {
            guard let data = await session.requestClipboard(selection: sel, type: type, timeout: deadline - ContinuousClock.now) else {
                return fail(.actionFailed, "the guest's clipboard has no data of type \(clipboardType)")
            }
            do { try Data(data).write(to: URL(fileURLWithPath: clipboardGet)) } catch { return fail(.actionFailed, "cannot write \(clipboardGet): \(error)") }
        }
        if let sendFile {
            do {
                let result = try await session.sendFile(path: sendFile)
                guard result == .success else { return fail(.actionFailed, "file transfer ended with \(result)") }
            } catch {
                return fail(.actionFailed, "file transfer: \(error)")
            }
        }
        return nil
    }

    private func write(_ shot: (width: Int, height: Int, pixels: [UInt32]), to out: String) throws {
        if out.hasSuffix(".png") {
            let bytes = try PNG.encode(width: shot.width, height: shot.height, pixels: shot.pixels)
            try Data(bytes).write(to: URL(fileURLWithPath: out), options: .atomic)
        } else {
            try writePPM(size: Size(width: shot.width, height: shot.height), pixels: shot.pixels, to: out)
        }
    }
}
