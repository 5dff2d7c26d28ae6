import NIOCore
import SpiceProtocol

/// How clients authenticate with a SPICE ticket.
public enum Ticketing: Sendable, Hashable {
    /// Any ticket is accepted (QEMU `disable-ticketing=on`).
    case disabled
    /// The decrypted ticket must equal this password.
    case password(String)
}

/// Everything a `SpiceServer` is told at start. Plain values with defaults.
public struct SpiceServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 5900
    /// false = no plaintext listener (`--port 0` beside `--tls-port`).
    public var plaintextEnabled: Bool = true
    /// The TLS listener; nil = none.
    public var tls: TLSSettings?
    /// Per-channel transports (QEMU `tls-channel` / `plaintext-channel`); others use `defaultChannelSecurity`.
    public var channelSecurity: [ChannelType: ChannelSecurity] = [:]
    public var defaultChannelSecurity: ChannelSecurity = .any
    public var ticketing: Ticketing = .disabled
    /// SASL (libsasl2, app name "saffron") instead of the SPICE ticket; nil = ticket.
    public var sasl: SASLSettings?
    /// A password is refused this long after it was set (`--ticket-lifetime`); nil = never.
    public var ticketLifetime: Duration?
    /// Connections still linking (TLS handshake + SPICE link) per peer address and in total;
    /// more are closed at once.
    public var maxLinkingPerPeer: Int = 16
    public var maxLinkingTotal: Int = 256
    /// Shown by clients (MAIN NAME) and as the session UUID.
    public var name: String = "Saffron"
    public var uuid: [UInt8] = Array(repeating: 0, count: 16)
    /// Bounds on what clients may send.
    public var inboundLimits: WireLimits = .serverInbound
    /// The whole link stage (header to link result) must finish within this.
    public var linkTimeout: TimeAmount = .seconds(10)
    /// A display channel whose client sends no DISPLAY_INIT within this is closed.
    public var displayInitTimeout: TimeAmount = .seconds(30)
    /// SET_ACK window on display and cursor channels.
    public var ackWindow: UInt32 = 20
    /// Largest pixel payload of one DRAW_COPY; bigger damage is sent in bands.
    public var maxDrawBytes: Int = 256 * 1024
    /// Per-connection socket write buffer watermarks: above `high` nothing new is encoded.
    public var writeBufferLowWater: Int = 256 * 1024
    public var writeBufferHighWater: Int = 1024 * 1024
    /// A client whose socket stays full (it stopped reading) this long is disconnected, so it
    /// holds no memory or server work forever; other clients are never slowed by it.
    public var stalledClientTimeout: TimeAmount = .seconds(30)
    /// Main-channel latency probes.
    public var pingInterval: TimeAmount = .seconds(5)
    /// Image codecs (`--image-compression`, `--jpeg-wan-compression`, `--zlib-glz-wan-compression`).
    public var imageCompression = ImageCompressionPolicy()
    /// The built-in agent (monitors config, later clipboard and file transfer) on the main channel.
    public var agent = true
    /// Whether a client's monitor configuration resizes the desktop (`--resize`).
    public var resize: ResizePolicy = .always
    /// Where files sent by clients land (agent file transfer); nil disables file transfer.
    public var transferDirectory: String?
    /// Largest file a client may send.
    public var maxTransferFileSize: UInt64 = 8 << 30
    /// Largest agent message accepted from a client (clipboard data, file chunks are smaller).
    public var maxAgentMessage: Int = 64 * 1024 * 1024
    /// Agent data queued for one client before it is disconnected for not taking it.
    public var maxAgentQueue: Int = 80 * 1024 * 1024
    /// Below this measured bandwidth a client counts as on a slow link (the spice server's 10 Mbit/s).
    public var slowLinkBitsPerSecond: Double = 10 * 1024 * 1024

    public init() {}
}
