/// Upper bounds a parser enforces before it allocates, configurable per deployment.
public struct WireLimits: Hashable, Sendable {
    /// Largest data message body accepted from the peer.
    public var maxMessageBody: Int
    /// Largest number of elements in any counted array (rects, channels, monitors, ...).
    public var maxArrayCount: Int

    public init(maxMessageBody: Int = 1 << 20, maxArrayCount: Int = 4096) {
        self.maxMessageBody = maxMessageBody
        self.maxArrayCount = maxArrayCount
    }

    /// Client→server traffic is small: inputs, acks, pongs, agent chunks of ≤ 2 KiB.
    public static let serverInbound = WireLimits(maxMessageBody: 64 * 1024, maxArrayCount: 1024)
    /// Server→client traffic carries whole frames (a 4K xRGB frame is 33 MB).
    public static let clientInbound = WireLimits(maxMessageBody: 64 << 20, maxArrayCount: 65536)
}
