import SpiceClient
import Synchronization

/// What the connection task has for the window's loop: written from any thread, taken by the
/// loop on its turn. Writers call `wake` once per batch so the loop does not poll.
final class ViewerMailbox: Sendable {
    /// A bounding box of changed pixels (right/bottom exclusive).
    struct Damage: Equatable {
        var x0: Int, y0: Int, x1: Int, y1: Int
        func union(_ o: Damage) -> Damage {
            Damage(x0: min(x0, o.x0), y0: min(y0, o.y0), x1: max(x1, o.x1), y1: max(y1, o.y1))
        }
    }

    struct Inbox {
        var session: SpiceClientSession?
        /// The primary surface changed size (or appeared): recreate the texture.
        var surfaceChanged = false
        var damage: Damage?
        var cursorShape: ClientCursorShape??
        var cursorPosition: (x: Int, y: Int)?
        var cursorVisible: Bool?
        var mouseModeChanged = false
        /// nil: connected and fine.
        var status: String?
        var statusChanged = false
        var guestClipboard: [(selection: UInt8, text: String)] = []
        var clipboardGrabbed: [UInt8] = []
        var finished = false
        fileprivate var wakePending = false
    }

    private let state = Mutex(Inbox())
    private let wakeLoop: @Sendable () -> Void

    init(wake: @escaping @Sendable () -> Void) { wakeLoop = wake }

    /// Changes the inbox and wakes the loop if it is not already due to look.
    func post(_ change: (inout Inbox) -> Void) {
        let wake = state.withLock { s -> Bool in
            change(&s)
            defer { s.wakePending = true }
            return !s.wakePending
        }
        if wake { wakeLoop() }
    }

    /// Everything posted since the last take (the session stays).
    func take() -> Inbox {
        state.withLock { s in
            var taken = s
            taken.wakePending = false
            s = Inbox(session: s.session, status: s.status, finished: s.finished)
            return taken
        }
    }

    var session: SpiceClientSession? { state.withLock { $0.session } }
}

extension Optional where Wrapped == ViewerMailbox.Damage {
    /// Grows the box to hold `d` (or starts it).
    mutating func merge(_ d: ViewerMailbox.Damage) { self = map { $0.union(d) } ?? d }
}
