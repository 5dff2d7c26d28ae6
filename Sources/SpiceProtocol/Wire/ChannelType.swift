/// SPICE channel types (`SPICE_CHANNEL_*`, spice.proto `channel_type`).
public struct ChannelType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let main = ChannelType(rawValue: 1)
    public static let display = ChannelType(rawValue: 2)
    public static let inputs = ChannelType(rawValue: 3)
    public static let cursor = ChannelType(rawValue: 4)
    public static let playback = ChannelType(rawValue: 5)
    public static let record = ChannelType(rawValue: 6)
    public static let tunnel = ChannelType(rawValue: 7)
    public static let smartcard = ChannelType(rawValue: 8)
    public static let usbredir = ChannelType(rawValue: 9)
    public static let port = ChannelType(rawValue: 10)
    public static let webdav = ChannelType(rawValue: 11)

    /// The type named as in QEMU's `tls-channel=` / spice-server's channel names ("main", "display", ...).
    public init?(name: String) {
        let all: [ChannelType] = [.main, .display, .inputs, .cursor, .playback, .record, .tunnel,
                                  .smartcard, .usbredir, .port, .webdav]
        guard let match = all.first(where: { $0.description == name }) else { return nil }
        self = match
    }

    public var description: String {
        switch self {
        case .main: return "main"
        case .display: return "display"
        case .inputs: return "inputs"
        case .cursor: return "cursor"
        case .playback: return "playback"
        case .record: return "record"
        case .tunnel: return "tunnel"
        case .smartcard: return "smartcard"
        case .usbredir: return "usbredir"
        case .port: return "port"
        case .webdav: return "webdav"
        default: return "channel-\(rawValue)"
        }
    }
}

/// A channel instance: its type and id (`channel_id` distinguishes e.g. several displays).
public struct ChannelID: Hashable, Sendable, CustomStringConvertible {
    public var type: ChannelType
    public var id: UInt8
    public init(type: ChannelType, id: UInt8) {
        self.type = type
        self.id = id
    }
    public var description: String { "\(type):\(id)" }
}
