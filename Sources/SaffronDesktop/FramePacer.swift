import Synchronization

/// How often a desktop that polls for changes (the X11 capture) should look, as its viewers
/// allow: at the full rate while any viewer keeps up; slower while every viewer is behind (still
/// sending or waiting for acks: their damage merges anyway, so capturing more only costs CPU);
/// slowest with no viewer (keeping the framebuffer fresh for the next one).
public final class FramePacer: Sendable {
    public struct Rates: Sendable, Equatable {
        public var keepingUp: Duration
        public var allBehind: Duration
        public var unwatched: Duration
        public init(keepingUp: Duration = .milliseconds(33), allBehind: Duration = .milliseconds(100),
                    unwatched: Duration = .milliseconds(250)) {
            self.keepingUp = keepingUp
            self.allBehind = allBehind
            self.unwatched = unwatched
        }
    }

    private struct State {
        var rates: Rates
        var behind: [Int: Bool] = [:]
        var nextID = 0
    }
    private let state: Mutex<State>

    public init(rates: Rates = Rates()) {
        state = Mutex(State(rates: rates))
    }

    /// A new viewer (keeping up until it says otherwise); give the id to `update`/`unregister`.
    public func register() -> Int {
        state.withLock { s in
            defer { s.nextID += 1 }
            s.behind[s.nextID] = false
            return s.nextID
        }
    }

    /// Whether the viewer has changes it cannot send yet (acks or socket).
    public func update(_ id: Int, behind: Bool) {
        state.withLock { s in
            if s.behind[id] != nil { s.behind[id] = behind }
        }
    }

    public func unregister(_ id: Int) {
        _ = state.withLock { $0.behind.removeValue(forKey: id) }
    }

    public var rates: Rates {
        get { state.withLock { $0.rates } }
        set { state.withLock { $0.rates = newValue } }
    }

    /// The time between two looks for changes now.
    public var interval: Duration {
        state.withLock { s in
            if s.behind.isEmpty { return s.rates.unwatched }
            return s.behind.values.contains(false) ? s.rates.keepingUp : s.rates.allBehind
        }
    }

    public var viewers: Int { state.withLock { $0.behind.count } }
}
