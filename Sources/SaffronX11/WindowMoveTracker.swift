import SaffronDesktop

/// Where the root's child windows are (CreateNotify / ConfigureNotify / DestroyNotify from
/// SubstructureNotify on the root), so a window moved since the last capture (same size, new
/// place: a drag, in any direction) can be sent as one move. Only a candidate: the worker checks
/// it against the pixels before using it, and re-reads the destination afterwards.
public struct WindowMoveTracker: Sendable {
    public struct Move: Equatable, Sendable {
        /// The window's outer rectangle (border included) at the last capture, and now.
        public var from: Rect
        public var to: Rect
        public init(from: Rect, to: Rect) {
            self.from = from
            self.to = to
        }
    }

    private var known: [UInt: Rect] = [:]
    /// Windows moved since the last `take()`, with where they were then.
    private var movedFrom: [UInt: Rect] = [:]
    /// Windows resized since the last `take()`: not a move.
    private var resized: Set<UInt> = []

    public init() {}

    public mutating func created(_ window: UInt, _ rect: Rect) {
        known[window] = rect
        movedFrom[window] = nil
        resized.insert(window)
    }

    public mutating func configured(_ window: UInt, _ rect: Rect) {
        if let old = known[window] {
            if old.width != rect.width || old.height != rect.height {
                resized.insert(window)
            } else if old != rect, movedFrom[window] == nil {
                movedFrom[window] = old
            }
        }
        known[window] = rect
    }

    public mutating func destroyed(_ window: UInt) {
        known[window] = nil
        movedFrom[window] = nil
        resized.remove(window)
    }

    /// The largest window that moved (and kept its size) since the last call; resets the record.
    public mutating func take() -> Move? {
        defer { movedFrom.removeAll(keepingCapacity: true); resized.removeAll(keepingCapacity: true) }
        var best: Move?
        for (window, from) in movedFrom where !resized.contains(window) {
            guard let to = known[window], to != from else { continue }
            if best == nil || from.area > best!.from.area { best = Move(from: from, to: to) }
        }
        return best
    }
}
