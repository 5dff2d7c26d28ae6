/// What the main channel measured about a client's link: round trip and bandwidth, from the
/// spice server's net test (a warm-up PING, an empty one for latency, one with 256000 bytes of
/// padding for bandwidth).
public struct LinkQuality: Sendable, Hashable {
    public var roundTripMicroseconds: Int?
    public var bitsPerSecond: Double?

    public init(roundTripMicroseconds: Int? = nil, bitsPerSecond: Double? = nil) {
        self.roundTripMicroseconds = roundTripMicroseconds
        self.bitsPerSecond = bitsPerSecond
    }

    /// Slow when the measured bandwidth is below `threshold` (unknown counts as fast, as in spice).
    public func isSlow(threshold: Double) -> Bool {
        guard let bitsPerSecond else { return false }
        return bitsPerSecond < threshold
    }

    /// Bandwidth from the latency ping's and the padded ping's round trips.
    public static func bandwidth(paddingBytes: Int, latencyRTTNanoseconds: UInt64, paddedRTTNanoseconds: UInt64) -> Double? {
        guard paddedRTTNanoseconds > latencyRTTNanoseconds else { return nil }
        let seconds = Double(paddedRTTNanoseconds - latencyRTTNanoseconds) / 1e9
        return Double(paddingBytes * 8) / seconds
    }
}
