import NIOCore
import SpiceProtocol

/// Where and how a client connects. Plain values with defaults like spice-gtk's.
public struct SpiceClientConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var password: String?
    /// Channels to open from the server's list (main is always opened).
    public var channels: Set<ChannelType> = [.display, .inputs, .cursor]
    /// DISPLAY_INIT values (spice-gtk: 80 MiB pixmap cache; no GLZ yet in this client).
    public var pixmapCacheSize: Int64 = 20 * 1024 * 1024
    public var glzWindowSize: Int32 = 0
    public var limits: WireLimits = .clientInbound
    public var connectTimeout: TimeAmount = .seconds(10)
    /// Answer SET_ACK with ACK_SYNC and ACKs. Off only to test a server's flow control.
    public var sendsAcks = true
    /// Sent as DISPLAY_PREFERRED_COMPRESSION after DISPLAY_INIT (spice-gtk's --spice-preferred-compression).
    public var preferredCompression: DisplayChannel.ImageCompression?

    public init(host: String, port: Int, password: String? = nil) {
        self.host = host
        self.port = port
        self.password = password
    }
}

/// What a client sees happen, in order per channel.
public enum SpiceClientEvent: Sendable, Equatable {
    case linked(ChannelID)
    case linkFailed(ChannelID, LinkError)
    case sessionStarted(sessionID: UInt32)
    case channelsListed([ChannelID])
    case surfaceCreated(surfaceID: UInt32, width: Int, height: Int)
    case surfaceDestroyed(surfaceID: UInt32)
    /// Pixels of the primary surface changed inside this rectangle (x, y, width, height).
    case drawn(x: Int, y: Int, width: Int, height: Int)
    case mark
    case monitorsConfigured(count: Int)
    case cursorShape(width: Int, height: Int)
    case cursorMoved(x: Int, y: Int)
    case cursorHidden
    case mouseMode(UInt32)
    /// The server said it is disconnecting us (NOTIFY text when it sent one, then DISCONNECTING).
    case serverDisconnecting(reason: LinkError, message: String?)
    /// The client refused what the server sent (malformed message, impossible draw) and closed
    /// the channel; `.closed` follows.
    case failed(ChannelID, reason: String)
    case closed(ChannelID, reason: String)
}

public enum SpiceClientError: Error, Equatable, CustomStringConvertible {
    case linkFailed(LinkError, String)
    case connectionClosed(String)
    case timeout(String)

    public var description: String {
        switch self {
        case .linkFailed(let e, let r): return "link failed: \(e) \(r)"
        case .connectionClosed(let r): return "connection closed: \(r)"
        case .timeout(let r): return "timed out: \(r)"
        }
    }
}
