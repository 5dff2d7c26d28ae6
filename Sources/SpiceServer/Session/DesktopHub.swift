import Logging
import SaffronDesktop
import Synchronization

/// Runs one desktop source and fans its events out to every subscribed channel.
///
/// Subscribers are per-client channel handlers; each receives events on its own event loop (the
/// callback hops), so a slow client never slows the desktop or another client. When a desktop
/// ends (its X server died) the server may `replace` it; channels keep the desktop they started
/// with, and the ones of an ended desktop are closed.
public final class DesktopHub: Sendable {
    public typealias Subscriber = @Sendable (DesktopEvent) -> Void

    private let stats: ServerStats
    /// Selection ownership between the desktop and the clients.
    let clipboard = ClipboardBroker()
    private struct State {
        var desktop: any DesktopSource
        var subscribers: [Int: Subscriber] = [:]
        var nextToken = 0
        var cursor: CursorState
        var ended: String?
    }
    private let state: Mutex<State>

    public init(desktop: any DesktopSource, stats: ServerStats) {
        self.stats = stats
        self.state = Mutex(State(desktop: desktop, cursor: desktop.cursor))
    }

    /// The desktop served now.
    public var desktop: any DesktopSource { state.withLock { $0.desktop } }
    public var cursor: CursorState { state.withLock { $0.cursor } }
    /// Why the current desktop ended; nil while it runs.
    public var endReason: String? { state.withLock { $0.ended } }

    /// Serves `desktop` from now on (after the previous one ended). Subscribers of the old one
    /// were told it ended and are dropped.
    public func replace(with desktop: any DesktopSource) {
        state.withLock {
            $0.desktop = desktop
            $0.cursor = desktop.cursor
            $0.ended = nil
            $0.subscribers = [:]
        }
    }

    /// Adds a subscriber; returns a token for `unsubscribe`.
    public func subscribe(_ subscriber: @escaping Subscriber) -> Int {
        state.withLock { s in
            let token = s.nextToken
            s.nextToken += 1
            s.subscribers[token] = subscriber
            return token
        }
    }

    public func unsubscribe(_ token: Int) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: token) }
    }

    /// Runs the desktop until cancelled or it ends by itself.
    public func run(logger: Logger) async throws {
        try await desktop.run { [self] event in
            self.publish(event)
        }
    }

    func publish(_ event: DesktopEvent) {
        switch event {
        case .damage(let rects):
            stats.update {
                $0.damageEvents += 1
                $0.damagePixels += rects.reduce(0) { $0 + $1.area }
            }
        case .clipboard(let c):
            clipboard.observe(c)
        default: break
        }
        let subscribers: [Subscriber] = state.withLock { s in
            if case .cursor(let c) = event { s.cursor = c }
            if case .ended(let reason) = event { s.ended = reason }
            return Array(s.subscribers.values)
        }
        for subscriber in subscribers { subscriber(event) }
    }
}
