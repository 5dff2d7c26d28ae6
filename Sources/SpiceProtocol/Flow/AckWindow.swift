/// Server side of SPICE's SET_ACK/ACK flow control for one channel, without I/O.
///
/// After `SET_ACK{generation, window}` the client answers `ACK_SYNC{generation}` and then one
/// `ACK` per `window` messages received. The server stops sending while more than
/// `2 × window` messages are unacknowledged, so a client that stops acking stops receiving.
public struct AckWindow: Sendable, Hashable {
    public private(set) var generation: UInt32 = 0
    public private(set) var window: UInt32
    public private(set) var clientGeneration: UInt32 = 0
    /// Messages sent and not yet covered by an ACK.
    public private(set) var unacknowledged: UInt32 = 0

    public init(window: UInt32 = 20) {
        self.window = max(1, window)
    }

    /// Starts a new generation; returns the `(generation, window)` to send in SET_ACK.
    public mutating func start(window: UInt32? = nil) -> (generation: UInt32, window: UInt32) {
        if let window { self.window = max(1, window) }
        generation &+= 1
        unacknowledged = 0
        return (generation, self.window)
    }

    public var canSend: Bool { unacknowledged <= 2 * window }

    public mutating func didSend(count: UInt32 = 1) { unacknowledged &+= count }

    public mutating func receivedAckSync(generation: UInt32) { clientGeneration = generation }

    /// An `ACK`: counts only when the client has synced to the current generation.
    public mutating func receivedAck() {
        guard clientGeneration == generation else { return }
        unacknowledged -= min(window, unacknowledged)
    }
}

/// Server side of pointer-motion flow control: spice-gtk stops sending pointer updates after
/// 8 unacknowledged ones, so the server acks every `SPICE_INPUT_MOTION_ACK_BUNCH` = 4.
public struct MotionAckCounter: Sendable, Hashable {
    public static let bunch = 4
    private var count = 0

    public init() {}

    /// Counts one MOUSE_MOTION/MOUSE_POSITION; true when a MOUSE_MOTION_ACK is due.
    public mutating func receivedMotion() -> Bool {
        count += 1
        if count >= Self.bunch {
            count = 0
            return true
        }
        return false
    }
}

/// Tracks PINGs in flight and turns PONGs into round-trip times. Time is a parameter.
public struct PingTracker: Sendable, Hashable {
    private var outstanding: [UInt32: UInt64] = [:]
    private var nextID: UInt32 = 1
    public private(set) var lastRoundTripNanoseconds: UInt64?
    public private(set) var smoothedRoundTripNanoseconds: UInt64?
    public let maxOutstanding: Int

    public init(maxOutstanding: Int = 16) {
        self.maxOutstanding = maxOutstanding
    }

    /// Registers a ping sent at `now` (ns); returns its id, or nil if too many are unanswered.
    public mutating func ping(now: UInt64) -> UInt32? {
        guard outstanding.count < maxOutstanding else { return nil }
        let id = nextID
        nextID &+= 1
        outstanding[id] = now
        return id
    }

    /// A PONG for `id` at `now`; returns the round trip, nil for an unknown id.
    @discardableResult
    public mutating func pong(id: UInt32, now: UInt64) -> UInt64? {
        guard let sent = outstanding.removeValue(forKey: id), now >= sent else { return nil }
        let rtt = now - sent
        lastRoundTripNanoseconds = rtt
        if let s = smoothedRoundTripNanoseconds {
            smoothedRoundTripNanoseconds = (s * 7 + rtt) / 8
        } else {
            smoothedRoundTripNanoseconds = rtt
        }
        return rtt
    }
}
