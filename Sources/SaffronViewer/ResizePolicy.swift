/// When to ask the guest for a new desktop size: after the window has kept one size for a
/// while (dragging a window edge gives dozens of sizes a second), only when it differs from the
/// desktop's and from what was asked last, and never while the guest is still answering.
public struct ResizePolicy: Sendable {
    /// How long a window size must hold before it is sent.
    public var settle: Duration
    /// A request with no new surface after this long may be repeated.
    public var answerTimeout: Duration
    public private(set) var pendingSize: (width: Int, height: Int)?
    private var pendingSince: ContinuousClock.Instant?
    private var lastRequest: (width: Int, height: Int, at: ContinuousClock.Instant)?

    public init(settle: Duration = .milliseconds(300), answerTimeout: Duration = .seconds(3)) {
        self.settle = settle
        self.answerTimeout = answerTimeout
    }

    /// The window has this size now.
    public mutating func windowResized(width: Int, height: Int, at now: ContinuousClock.Instant) {
        pendingSize = (width, height)
        pendingSince = now
    }

    /// The size to request now, if any (call on every loop turn).
    public mutating func due(remoteWidth: Int, remoteHeight: Int, at now: ContinuousClock.Instant) -> (width: Int, height: Int)? {
        guard let size = pendingSize, let since = pendingSince, now - since >= settle else { return nil }
        guard size.width >= 64, size.height >= 64 else { pendingSize = nil; return nil }  // minimised or absurd
        if size.width == remoteWidth && size.height == remoteHeight {
            pendingSize = nil
            return nil
        }
        if let last = lastRequest, last.width == size.width, last.height == size.height, now - last.at < answerTimeout {
            return nil  // asked already; wait for the guest's answer
        }
        lastRequest = (size.width, size.height, now)
        return size
    }

    /// The desktop changed size (a new primary surface): a request it answered is done.
    public mutating func remoteResized(width: Int, height: Int) {
        if let p = pendingSize, p.width == width, p.height == height { pendingSize = nil }
    }
}
