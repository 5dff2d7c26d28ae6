import Logging
import NIOCore
import SpiceClient
import SpiceProtocol
import Synchronization

/// Keeps a session to the server for the window: connects, forwards what the session reports
/// into the mailbox, and reconnects with a growing pause when the connection drops.
final class ViewerConnection: Sendable {
    let configuration: SpiceClientConfiguration
    let mailbox: ViewerMailbox
    let group: any EventLoopGroup
    let logger: Logger
    private let stopped = Mutex(false)

    init(configuration: SpiceClientConfiguration, mailbox: ViewerMailbox, group: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.mailbox = mailbox
        self.group = group
        self.logger = logger
    }

    var address: String { "\(configuration.host):\(configuration.mainPort)" }

    /// Ends the session and the reconnect loop (the window closed).
    func stop() {
        stopped.withLock { $0 = true }
        mailbox.session?.close()
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    /// Runs until stopped or until reconnecting cannot help (auth or TLS refused).
    func run() async {
        var policy = ReconnectPolicy()
        while !isStopped {
            mailbox.post { $0.status = "Connecting to \(address)..."; $0.statusChanged = true }
            let ending: ReconnectPolicy.Ending
            do {
                let session = try await SpiceClientSession.connect(configuration, group: group, logger: logger)
                mailbox.post { $0.session = session }
                if isStopped { session.close() }
                let since = ContinuousClock.now
                ending = await follow(session)
                policy.held(ContinuousClock.now - since)
                session.close()
                mailbox.post { $0.session = nil; $0.mouseModeChanged = true }
            } catch let error as ClientTLSError {
                ending = .refused("TLS: \(error)")
            } catch {
                ending = .lost("cannot connect to \(address): \(error)")
            }
            if isStopped { break }
            logger.info("connection ended", metadata: ["reason": "\(ending)"])
            guard let pause = policy.next(after: ending) else {
                let why: String
                switch ending {
                case .authRefused(let m): why = "Authentication refused: \(m). Check the password and reopen the viewer."
                case .refused(let m): why = "Refused: \(m)."
                case .lost(let m): why = m
                case .userClosed: why = "Closed."
                }
                mailbox.post { $0.status = why; $0.statusChanged = true; $0.finished = true }
                return
            }
            let reason: String
            if case .lost(let m) = ending { reason = m } else { reason = "\(ending)" }
            let seconds = Double(pause.components.seconds) + Double(pause.components.attoseconds) / 1e18
            mailbox.post {
                $0.status = "\(reason) - reconnecting in \(seconds < 1 ? "\(Int(seconds * 1000)) ms" : "\(Int(seconds)) s") (attempt \(policy.attempt))"
                $0.statusChanged = true
            }
            try? await Task.sleep(for: pause)
        }
    }

    /// Forwards one session's events until it ends; says how it ended.
    private func follow(_ session: SpiceClientSession) async -> ReconnectPolicy.Ending {
        var ending: ReconnectPolicy.Ending = .lost("connection to \(address) closed")
        var disconnectReason: String?
        for await event in session.events {
            switch event {
            case .surfaceCreated:
                mailbox.post { $0.surfaceChanged = true; $0.status = nil; $0.statusChanged = true }
            case .surfaceDestroyed:
                mailbox.post { $0.surfaceChanged = true }
            case .drawn(let x, let y, let w, let h):
                mailbox.post { $0.damage.merge(.init(x0: x, y0: y, x1: x + w, y1: y + h)) }
            case .cursorChanged(let shape):
                mailbox.post { $0.cursorShape = .some(shape) }
            case .cursorMoved(let x, let y):
                mailbox.post { $0.cursorPosition = (x, y) }
            case .cursorHidden:
                mailbox.post { $0.cursorVisible = false }
            case .cursorShown:
                mailbox.post { $0.cursorVisible = true }
            case .mouseMode:
                mailbox.post { $0.mouseModeChanged = true }
            case .clipboardGrabbed(let selection, let types):
                guard types.contains(ClipboardType.utf8Text.rawValue), let sel = ClipboardSelection(rawValue: selection) else { break }
                mailbox.post { $0.clipboardGrabbed.append(selection) }
                // SDL has no clipboard-on-demand: fetch the text now and hand it to the window.
                Task {
                    guard let data = await session.requestClipboard(selection: sel, type: .utf8Text, timeout: .seconds(30)) else { return }
                    mailbox.post { $0.guestClipboard.append((selection, String(decoding: data, as: UTF8.self))) }
                }
            case .linkFailed(_, let error):
                ending = error == .permissionDenied ? .authRefused("the server refused the ticket") : .refused("link refused: \(error)")
            case .tlsFailed(let id, let reason):
                ending = .refused("TLS on \(id): \(reason)")
            case .serverDisconnecting(let reason, let message):
                disconnectReason = message.map { "\($0) (\(reason))" } ?? "\(reason)"
            case .failed(let id, let reason):
                logger.warning("channel failed", metadata: ["channel": "\(id)", "reason": "\(reason)"])
            case .closed(let id, let reason) where id.type == .main:
                if case .lost = ending {
                    ending = .lost("connection lost: \(disconnectReason.map { "server said \($0)" } ?? reason)")
                }
            default:
                break
            }
        }
        return ending
    }
}
