/// What the viewer does when a connection ends: try again with a growing pause, or stop when
/// trying again cannot help (refused credentials or TLS, a version the server rejects).
public struct ReconnectPolicy: Sendable {
    public enum Ending: Equatable, Sendable {
        /// The user closed the viewer.
        case userClosed
        /// Credentials refused (wrong or expired ticket, SASL).
        case authRefused(String)
        /// The server or its certificate cannot be used as configured (TLS, link version).
        case refused(String)
        /// Anything else: cannot connect, connection lost, server restarting, protocol error.
        case lost(String)
    }

    public var delays: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8)]
    /// A connection that held this long counts as up (`connected`). Shorter ones do not reset
    /// the pause: servers that take one client at a time (QEMU) drop us when another connects,
    /// and two viewers must not take the desktop from each other twice a second.
    public var stableAfter: Duration = .seconds(10)
    public private(set) var attempt = 0

    public init() {}

    /// The pause before the next attempt, or nil to stop.
    public mutating func next(after ending: Ending) -> Duration? {
        switch ending {
        case .userClosed, .authRefused, .refused: return nil
        case .lost:
            defer { attempt += 1 }
            return delays[min(attempt, delays.count - 1)]
        }
    }

    /// A connection came up (the desktop showed): the next loss starts from the shortest pause.
    public mutating func connected() { attempt = 0 }

    /// A connection ended after `duration`: it resets the pause when it held `stableAfter`.
    public mutating func held(_ duration: Duration) {
        if duration >= stableAfter { connected() }
    }
}
