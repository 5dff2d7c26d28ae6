import NIOCore

/// The messages every channel shares (spice.proto `channel BaseChannel`): ids 1...8 server→client,
/// 1...6 client→server. Each channel's message sets embed these as `.base(...)`.
public enum BaseChannel {
    /// `SPICE_MSG_MIGRATE`: `flags u32`.
    public struct Migrate: Hashable, Sendable {
        public static let messageType: UInt16 = 1
        public var flags: MigrateFlags
        public init(flags: MigrateFlags) { self.flags = flags }
    }

    /// `SPICE_MIGRATE_*` flags.
    public struct MigrateFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let needFlush = MigrateFlags(rawValue: 1)
        public static let needDataTransfer = MigrateFlags(rawValue: 2)
    }

    /// `SPICE_MSG_MIGRATE_DATA`: opaque state blob (rest of the message).
    public struct MigrateData: Hashable, Sendable {
        public static let messageType: UInt16 = 2
        public var data: ByteBuffer
        public init(data: ByteBuffer) { self.data = data }
    }

    /// `SPICE_MSG_SET_ACK`: `generation u32`, `window u32`.
    public struct SetAck: Hashable, Sendable {
        public static let messageType: UInt16 = 3
        public var generation: UInt32
        public var window: UInt32
        public init(generation: UInt32, window: UInt32) {
            self.generation = generation
            self.window = window
        }
    }

    /// `SPICE_MSG_PING`: `id u32`, `timestamp u64`, padding (rest of the message, kept as a slice).
    public struct Ping: Hashable, Sendable {
        public static let messageType: UInt16 = 4
        public var id: UInt32
        public var timestamp: UInt64
        public var data: ByteBuffer
        public init(id: UInt32, timestamp: UInt64, data: ByteBuffer = ByteBuffer()) {
            self.id = id
            self.timestamp = timestamp
            self.data = data
        }
    }

    /// One entry of `WAIT_FOR_CHANNELS`: wait until that channel has processed `messageSerial`.
    public struct WaitForChannel: Hashable, Sendable {
        public var channelType: ChannelType
        public var channelID: UInt8
        public var messageSerial: UInt64
        public init(channelType: ChannelType, channelID: UInt8, messageSerial: UInt64) {
            self.channelType = channelType
            self.channelID = channelID
            self.messageSerial = messageSerial
        }
        public static let wireSize = 10
    }

    /// `SPICE_MSG_WAIT_FOR_CHANNELS`: `wait_count u8` + entries of 10 bytes.
    public struct WaitForChannels: Hashable, Sendable {
        public static let messageType: UInt16 = 5
        public var channels: [WaitForChannel]
        public init(channels: [WaitForChannel]) { self.channels = channels }
    }

    /// `SPICE_MSG_DISCONNECTING` (also `SPICE_MSGC_DISCONNECTING`, same id and layout):
    /// `time_stamp u64`, `reason u32` (a link error code).
    public struct Disconnecting: Hashable, Sendable {
        public static let messageType: UInt16 = 6
        public var timeStamp: UInt64
        public var reason: LinkError
        public init(timeStamp: UInt64, reason: LinkError) {
            self.timeStamp = timeStamp
            self.reason = reason
        }
    }

    /// `SpiceNotifySeverity`.
    public struct NotifySeverity: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let info = NotifySeverity(rawValue: 0)
        public static let warn = NotifySeverity(rawValue: 1)
        public static let error = NotifySeverity(rawValue: 2)
    }

    /// `SpiceNotifyVisibility`.
    public struct NotifyVisibility: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let low = NotifyVisibility(rawValue: 0)
        public static let medium = NotifyVisibility(rawValue: 1)
        public static let high = NotifyVisibility(rawValue: 2)
    }

    /// `SPICE_MSG_NOTIFY`: `time_stamp u64`, `severity u32`, `visibility u32`, `what u32`,
    /// `message_len u32`, message bytes. Encoding appends a NUL after the bytes as the spice server
    /// does; decoding accepts the message with or without it.
    public struct Notify: Hashable, Sendable {
        public static let messageType: UInt16 = 7
        public var timeStamp: UInt64
        public var severity: NotifySeverity
        public var visibility: NotifyVisibility
        public var what: UInt32
        public var message: [UInt8]
        public init(timeStamp: UInt64, severity: NotifySeverity, visibility: NotifyVisibility, what: UInt32, message: [UInt8]) {
            self.timeStamp = timeStamp
            self.severity = severity
            self.visibility = visibility
            self.what = what
            self.message = message
        }
        public init(timeStamp: UInt64, severity: NotifySeverity, visibility: NotifyVisibility, what: UInt32, text: String) {
            self.init(timeStamp: timeStamp, severity: severity, visibility: visibility, what: what, message: Array(text.utf8))
        }
        public var text: String { String(decoding: message, as: UTF8.self) }
    }

    /// One sub-message of a `SPICE_MSG_LIST`; its body is the pointer base for its own fields.
    public struct SubMessage: Hashable, Sendable {
        public var type: UInt16
        public var body: ByteBuffer
        public init(type: UInt16, body: ByteBuffer) {
            self.type = type
            self.body = body
        }
    }

    /// `SPICE_MSG_LIST`: a `SpiceSubMessageList` at offset 0 and the sub-messages it points to.
    /// Decode the sub-message bodies with the channel's message set.
    public struct List: Hashable, Sendable {
        public static let messageType: UInt16 = 8
        public var messages: [SubMessage]
        public init(messages: [SubMessage]) { self.messages = messages }
    }

    // MARK: client → server

    /// `SPICE_MSGC_ACK_SYNC`: `generation u32`.
    public struct AckSync: Hashable, Sendable {
        public static let messageType: UInt16 = 1
        public var generation: UInt32
        public init(generation: UInt32) { self.generation = generation }
    }

    /// `SPICE_MSGC_ACK`: empty.
    public struct Ack: Hashable, Sendable {
        public static let messageType: UInt16 = 2
        public init() {}
    }

    /// `SPICE_MSGC_PONG`: `id u32`, `timestamp u64`. Extra trailing bytes (spice-html5 echoes more of
    /// the ping) are accepted and dropped.
    public struct Pong: Hashable, Sendable {
        public static let messageType: UInt16 = 3
        public var id: UInt32
        public var timestamp: UInt64
        public init(id: UInt32, timestamp: UInt64) {
            self.id = id
            self.timestamp = timestamp
        }
    }

    /// `SPICE_MSGC_MIGRATE_FLUSH_MARK`: empty.
    public struct MigrateFlushMark: Hashable, Sendable {
        public static let messageType: UInt16 = 4
        public init() {}
    }

    /// `SPICE_MSGC_MIGRATE_DATA`: the server's `MIGRATE_DATA` blob, forwarded unchanged.
    public struct ClientMigrateData: Hashable, Sendable {
        public static let messageType: UInt16 = 5
        public var data: ByteBuffer
        public init(data: ByteBuffer) { self.data = data }
    }

    /// Server → client base messages.
    public enum ServerMessage: Hashable, Sendable {
        case migrate(Migrate)
        case migrateData(MigrateData)
        case setAck(SetAck)
        case ping(Ping)
        case waitForChannels(WaitForChannels)
        case disconnecting(Disconnecting)
        case notify(Notify)
        case list(List)
    }

    /// Client → server base messages.
    public enum ClientMessage: Hashable, Sendable {
        case ackSync(AckSync)
        case ack(Ack)
        case pong(Pong)
        case migrateFlushMark(MigrateFlushMark)
        case migrateData(ClientMigrateData)
        case disconnecting(Disconnecting)
    }
}
