import NIOCore

/// Main channel (type 1) messages, spice.proto `channel MainChannel`.
///
/// Where the client→server message has the same spice.proto name as a server→client one with a
/// different id (AGENT_DATA, AGENT_TOKEN, MIGRATE_END), the client struct carries a `Client` prefix.
public enum MainChannel {
    /// `SPICE_MOUSE_MODE_*` flags (u32 in INIT, u16 in MOUSE_MODE / MOUSE_MODE_REQUEST).
    public struct MouseModes: OptionSet, Hashable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let server = MouseModes(rawValue: 1)
        public static let client = MouseModes(rawValue: 2)
    }

    /// `MigrationDstInfo`: ports plus two NUL-terminated strings behind pointers (sizes count the NUL).
    public struct MigrationDstInfo: Hashable, Sendable {
        public var port: UInt16
        public var securePort: UInt16
        public var host: [UInt8]
        /// nil = NULL pointer (no certificate subject).
        public var certSubject: [UInt8]?
        public init(port: UInt16, securePort: UInt16, host: String, certSubject: String? = nil) {
            self.init(port: port, securePort: securePort, host: Array(host.utf8), certSubject: certSubject.map { Array($0.utf8) })
        }
        public init(port: UInt16, securePort: UInt16, host: [UInt8], certSubject: [UInt8]?) {
            self.port = port
            self.securePort = securePort
            self.host = host
            self.certSubject = certSubject
        }
        public var hostString: String { String(decoding: host, as: UTF8.self) }
    }

    // MARK: server → client

    /// `SPICE_MSG_MAIN_MIGRATE_BEGIN`.
    public struct MigrateBegin: Hashable, Sendable {
        public static let messageType: UInt16 = 101
        public var dstInfo: MigrationDstInfo
        public init(dstInfo: MigrationDstInfo) { self.dstInfo = dstInfo }
    }
    /// `SPICE_MSG_MAIN_MIGRATE_CANCEL`: empty.
    public struct MigrateCancel: Hashable, Sendable {
        public static let messageType: UInt16 = 102
        public init() {}
    }
    /// `SPICE_MSG_MAIN_INIT`: 8 × u32.
    public struct Init: Hashable, Sendable {
        public static let messageType: UInt16 = 103
        public var sessionID: UInt32
        public var displayChannelsHint: UInt32
        public var supportedMouseModes: MouseModes
        public var currentMouseMode: MouseModes
        public var agentConnected: UInt32
        public var agentTokens: UInt32
        public var multiMediaTime: UInt32
        public var ramHint: UInt32
        public init(sessionID: UInt32, displayChannelsHint: UInt32, supportedMouseModes: MouseModes,
                    currentMouseMode: MouseModes, agentConnected: UInt32, agentTokens: UInt32,
                    multiMediaTime: UInt32, ramHint: UInt32) {
            self.sessionID = sessionID
            self.displayChannelsHint = displayChannelsHint
            self.supportedMouseModes = supportedMouseModes
            self.currentMouseMode = currentMouseMode
            self.agentConnected = agentConnected
            self.agentTokens = agentTokens
            self.multiMediaTime = multiMediaTime
            self.ramHint = ramHint
        }
    }
    /// `SPICE_MSG_MAIN_CHANNELS_LIST`: `num_of_channels u32` + {type u8, id u8}.
    public struct ChannelsList: Hashable, Sendable {
        public static let messageType: UInt16 = 104
        public var channels: [ChannelID]
        public init(channels: [ChannelID]) { self.channels = channels }
    }
    /// `SPICE_MSG_MAIN_MOUSE_MODE`: `supported_modes u16`, `current_mode u16`.
    public struct MouseMode: Hashable, Sendable {
        public static let messageType: UInt16 = 105
        public var supportedModes: MouseModes
        public var currentMode: MouseModes
        public init(supportedModes: MouseModes, currentMode: MouseModes) {
            self.supportedModes = supportedModes
            self.currentMode = currentMode
        }
    }
    /// `SPICE_MSG_MAIN_MULTI_MEDIA_TIME`: `time u32` (ms).
    public struct MultiMediaTime: Hashable, Sendable {
        public static let messageType: UInt16 = 106
        public var time: UInt32
        public init(time: UInt32) { self.time = time }
    }
    /// `SPICE_MSG_MAIN_AGENT_CONNECTED`: empty.
    public struct AgentConnected: Hashable, Sendable {
        public static let messageType: UInt16 = 107
        public init() {}
    }
    /// `SPICE_MSG_MAIN_AGENT_DISCONNECTED`: `error_code u32`.
    public struct AgentDisconnected: Hashable, Sendable {
        public static let messageType: UInt16 = 108
        public var errorCode: LinkError
        public init(errorCode: LinkError) { self.errorCode = errorCode }
    }
    /// Largest AGENT_DATA payload (`VD_AGENT_MAX_DATA_SIZE`).
    public static let maxAgentData = 2048
    /// `SPICE_MSG_MAIN_AGENT_DATA`: raw agent bytes (≤ 2048).
    public struct AgentData: Hashable, Sendable {
        public static let messageType: UInt16 = 109
        public var data: ByteBuffer
        public init(data: ByteBuffer) { self.data = data }
    }
    /// `SPICE_MSG_MAIN_AGENT_TOKEN`: `num_tokens u32`.
    public struct AgentToken: Hashable, Sendable {
        public static let messageType: UInt16 = 110
        public var numTokens: UInt32
        public init(numTokens: UInt32) { self.numTokens = numTokens }
    }
    /// `SPICE_MSG_MAIN_MIGRATE_SWITCH_HOST`: same layout as `MigrationDstInfo`.
    public struct MigrateSwitchHost: Hashable, Sendable {
        public static let messageType: UInt16 = 111
        public var dstInfo: MigrationDstInfo
        public init(dstInfo: MigrationDstInfo) { self.dstInfo = dstInfo }
    }
    /// `SPICE_MSG_MAIN_MIGRATE_END`: empty.
    public struct MigrateEnd: Hashable, Sendable {
        public static let messageType: UInt16 = 112
        public init() {}
    }
    /// `SPICE_MSG_MAIN_NAME`: `name_len u32` (counting the NUL) + name bytes.
    public struct Name: Hashable, Sendable {
        public static let messageType: UInt16 = 113
        public var name: [UInt8]
        public init(name: String) { self.name = Array(name.utf8) }
        public init(name: [UInt8]) { self.name = name }
        public var string: String { String(decoding: name, as: UTF8.self) }
    }
    /// `SPICE_MSG_MAIN_UUID`: 16 bytes.
    public struct UUID: Hashable, Sendable {
        public static let messageType: UInt16 = 114
        /// Exactly 16 bytes on the wire (shorter arrays are zero-padded, longer ones cut).
        public var uuid: [UInt8]
        public init(uuid: [UInt8]) { self.uuid = uuid }
    }
    /// `SPICE_MSG_MAIN_AGENT_CONNECTED_TOKENS`: `num_tokens u32`.
    public struct AgentConnectedTokens: Hashable, Sendable {
        public static let messageType: UInt16 = 115
        public var numTokens: UInt32
        public init(numTokens: UInt32) { self.numTokens = numTokens }
    }
    /// `SPICE_MSG_MAIN_MIGRATE_BEGIN_SEAMLESS`: DstInfo + `src_mig_version u32`.
    public struct MigrateBeginSeamless: Hashable, Sendable {
        public static let messageType: UInt16 = 116
        public var dstInfo: MigrationDstInfo
        public var srcMigVersion: UInt32
        public init(dstInfo: MigrationDstInfo, srcMigVersion: UInt32) {
            self.dstInfo = dstInfo
            self.srcMigVersion = srcMigVersion
        }
    }
    /// `SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_ACK`: empty.
    public struct MigrateDstSeamlessAck: Hashable, Sendable {
        public static let messageType: UInt16 = 117
        public init() {}
    }
    /// `SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_NACK`: empty.
    public struct MigrateDstSeamlessNack: Hashable, Sendable {
        public static let messageType: UInt16 = 118
        public init() {}
    }

    // MARK: client → server

    /// `SPICE_MSGC_MAIN_CLIENT_INFO`: `cache_size u64` (legacy; the spice server disconnects on it).
    public struct ClientInfo: Hashable, Sendable {
        public static let messageType: UInt16 = 101
        public var cacheSize: UInt64
        public init(cacheSize: UInt64) { self.cacheSize = cacheSize }
    }
    /// `SPICE_MSGC_MAIN_MIGRATE_CONNECTED`: empty.
    public struct MigrateConnected: Hashable, Sendable {
        public static let messageType: UInt16 = 102
        public init() {}
    }
    /// `SPICE_MSGC_MAIN_MIGRATE_CONNECT_ERROR`: empty.
    public struct MigrateConnectError: Hashable, Sendable {
        public static let messageType: UInt16 = 103
        public init() {}
    }
    /// `SPICE_MSGC_MAIN_ATTACH_CHANNELS`: empty.
    public struct AttachChannels: Hashable, Sendable {
        public static let messageType: UInt16 = 104
        public init() {}
    }
    /// `SPICE_MSGC_MAIN_MOUSE_MODE_REQUEST`: `mode u16`.
    public struct MouseModeRequest: Hashable, Sendable {
        public static let messageType: UInt16 = 105
        public var mode: MouseModes
        public init(mode: MouseModes) { self.mode = mode }
    }
    /// `SPICE_MSGC_MAIN_AGENT_START`: `num_tokens u32`.
    public struct AgentStart: Hashable, Sendable {
        public static let messageType: UInt16 = 106
        public var numTokens: UInt32
        public init(numTokens: UInt32) { self.numTokens = numTokens }
    }
    /// `SPICE_MSGC_MAIN_AGENT_DATA`: raw agent bytes (≤ 2048).
    public struct ClientAgentData: Hashable, Sendable {
        public static let messageType: UInt16 = 107
        public var data: ByteBuffer
        public init(data: ByteBuffer) { self.data = data }
    }
    /// `SPICE_MSGC_MAIN_AGENT_TOKEN`: `num_tokens u32`.
    public struct ClientAgentToken: Hashable, Sendable {
        public static let messageType: UInt16 = 108
        public var numTokens: UInt32
        public init(numTokens: UInt32) { self.numTokens = numTokens }
    }
    /// `SPICE_MSGC_MAIN_MIGRATE_END`: empty.
    public struct ClientMigrateEnd: Hashable, Sendable {
        public static let messageType: UInt16 = 109
        public init() {}
    }
    /// `SPICE_MSGC_MAIN_MIGRATE_DST_DO_SEAMLESS`: `src_version u32`.
    public struct MigrateDstDoSeamless: Hashable, Sendable {
        public static let messageType: UInt16 = 110
        public var srcVersion: UInt32
        public init(srcVersion: UInt32) { self.srcVersion = srcVersion }
    }
    /// `SPICE_MSGC_MAIN_MIGRATE_CONNECTED_SEAMLESS`: empty.
    public struct MigrateConnectedSeamless: Hashable, Sendable {
        public static let messageType: UInt16 = 111
        public init() {}
    }
    /// `SPICE_MSGC_MAIN_QUALITY_INDICATOR`: kept raw.
    public struct QualityIndicator: Hashable, Sendable {
        public static let messageType: UInt16 = 112
        public var data: ByteBuffer
        public init(data: ByteBuffer) { self.data = data }
    }

    public enum ServerMessage: Hashable, Sendable {
        case base(BaseChannel.ServerMessage)
        case migrateBegin(MigrateBegin)
        case migrateCancel(MigrateCancel)
        case `init`(Init)
        case channelsList(ChannelsList)
        case mouseMode(MouseMode)
        case multiMediaTime(MultiMediaTime)
        case agentConnected(AgentConnected)
        case agentDisconnected(AgentDisconnected)
        case agentData(AgentData)
        case agentToken(AgentToken)
        case migrateSwitchHost(MigrateSwitchHost)
        case migrateEnd(MigrateEnd)
        case name(Name)
        case uuid(UUID)
        case agentConnectedTokens(AgentConnectedTokens)
        case migrateBeginSeamless(MigrateBeginSeamless)
        case migrateDstSeamlessAck(MigrateDstSeamlessAck)
        case migrateDstSeamlessNack(MigrateDstSeamlessNack)
    }

    public enum ClientMessage: Hashable, Sendable {
        case base(BaseChannel.ClientMessage)
        case clientInfo(ClientInfo)
        case migrateConnected(MigrateConnected)
        case migrateConnectError(MigrateConnectError)
        case attachChannels(AttachChannels)
        case mouseModeRequest(MouseModeRequest)
        case agentStart(AgentStart)
        case agentData(ClientAgentData)
        case agentToken(ClientAgentToken)
        case migrateEnd(ClientMigrateEnd)
        case migrateDstDoSeamless(MigrateDstDoSeamless)
        case migrateConnectedSeamless(MigrateConnectedSeamless)
        case qualityIndicator(QualityIndicator)
    }
}
