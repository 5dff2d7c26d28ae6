import NIOCore
import SpiceCodecs
import SpiceProtocol

/// Where and how a client connects. Plain values with defaults like spice-gtk's.
public struct SpiceClientConfiguration: Sendable {
    public var host: String
    /// Plaintext port; 0 = none (TLS only, through `tlsPort`).
    public var port: Int
    /// TLS port: channels go there when `port` is 0, or when the server answers NEED_SECURED.
    public var tlsPort: Int?
    /// How the TLS server is checked (CA, host subject).
    public var tls = SpiceClientTLS()
    /// Largest agent message accepted from the server (clipboard contents, mostly).
    public var agentMaxMessageSize = 64 * 1024 * 1024
    /// Largest agent data queued for the server while it has no tokens.
    public var agentMaxQueuedBytes = 80 * 1024 * 1024
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
    /// The code that decodes QUIC images (most of a client's CPU on photographic content).
    /// Executables pass `.fastest(x86v3: QuicX86v3.decode)` (SpiceCodecsX86v3).
    public var quicDecoder: QuicRowDecoder = .portable

    /// The port the main channel connects to: the plaintext one, else the TLS one.
    public var mainPort: Int { port > 0 ? port : (tlsPort ?? 0) }

    public init(host: String, port: Int, password: String? = nil) {
        self.host = host
        self.port = port
        self.password = password
    }

    /// From a parsed target: its ports, password and TLS settings (CA file / subject override the target's).
    public init(target: SpiceTarget, password: String? = nil, caFile: String? = nil, hostSubject: String? = nil) {
        self.init(host: target.host, port: target.port ?? 0, password: password ?? target.password)
        tlsPort = target.tlsPort
        tls = SpiceClientTLS(caFile: caFile, caPEM: caFile == nil ? target.caPEM : nil, hostSubject: hostSubject ?? target.hostSubject)
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
    /// A new cursor shape (nil: RESET, no shape), decoded to ARGB.
    case cursorChanged(ClientCursorShape?)
    case cursorMoved(x: Int, y: Int)
    case cursorHidden
    case cursorShown
    case mouseMode(UInt32)
    /// The guest's lock keys (INPUTS_INIT / KEY_MODIFIERS: scroll 1, num 2, caps 4).
    case keyModifiers(UInt16)
    /// The channel's TLS handshake or certificate check failed (wrong CA, host, subject).
    case tlsFailed(ChannelID, reason: String)
    case agentConnected(Bool)
    /// The agent's ANNOUNCE_CAPABILITIES (words of VD_AGENT_CAP_* bits).
    case agentCapabilities([UInt32])
    /// The guest owns a selection now, offering these VD_AGENT_CLIPBOARD_* types.
    case clipboardGrabbed(selection: UInt8, types: [UInt32])
    case clipboardReleased(selection: UInt8)
    case fileTransferStatus(id: UInt32, result: UInt32)
    case agentReply(type: UInt32, error: UInt32)
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
