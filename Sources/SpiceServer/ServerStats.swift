import Synchronization

/// Counters the server keeps about itself; readable at any time, written as JSON by `--stats-file`.
public final class ServerStats: Sendable {
    public struct Snapshot: Codable, Sendable, Equatable {
        public var connectionsAccepted = 0
        public var linksSucceeded = 0
        public var linksFailed = 0
        public var clientsConnected = 0
        public var clientsTotal = 0
        public var bytesSent = 0
        public var bytesReceived = 0
        /// Display: DRAW_COPY messages, their total bytes on the wire, and the pixels they carried.
        public var drawMessages = 0
        public var drawBytes = 0
        public var drawPixels = 0
        public var copyBitsMessages = 0
        /// Pixels the desktop reported damaged (before per-client merging).
        public var damageEvents = 0
        public var damagePixels = 0
        /// Full-surface draws (surface creation and resize), counted apart from damage updates.
        public var fullFrameDraws = 0
        /// Draws answered from the client's pixmap cache (FROM_CACHE), and images per codec.
        public var cacheHits = 0
        public var imagesByCodec: [String: Int] = [:]
        public var inputEvents = 0
        public var lastRoundTripMicroseconds: Int?
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    public func update(_ body: (inout Snapshot) -> Void) { state.withLock { body(&$0) } }
}
