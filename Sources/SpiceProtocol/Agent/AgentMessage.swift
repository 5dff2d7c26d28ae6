import NIOCore

/// The agent protocol (spice-protocol's vd_agent.h) carried in the main channel's AGENT_DATA:
/// a stream of `VDAgentMessage`s, each a 20-byte header and `size` bytes of payload, split
/// into AGENT_DATA messages of at most 2048 bytes (see `AgentReassembler`/`AgentChunker`).
public enum VDAgent {
    /// `VD_AGENT_PROTOCOL`: the only protocol version.
    public static let protocolVersion: UInt32 = 1
    /// Bytes of `VDAgentMessage` before the payload.
    public static let headerSize = 20

    /// `VD_AGENT_*` message types.
    public enum MessageType: UInt32, Sendable, CaseIterable {
        case mouseState = 1, monitorsConfig, reply, clipboard, displayConfig, announceCapabilities
        case clipboardGrab, clipboardRequest, clipboardRelease
        case fileXferStart, fileXferStatus, fileXferData
        case clientDisconnected, maxClipboard, audioVolumeSync, graphicsDeviceInfo
    }

    /// `VD_AGENT_CAP_*` bit numbers.
    public enum Capability: Int, Sendable, CaseIterable {
        case mouseState = 0, monitorsConfig, reply, clipboard, displayConfig, clipboardByDemand
        case clipboardSelection, sparseMonitorsConfig, guestLineEndLF, guestLineEndCRLF, maxClipboard
        case audioVolumeSync, monitorsConfigPosition, fileXferDisabled, fileXferDetailedErrors
        case graphicsDeviceInfo, clipboardNoReleaseOnRegrab, clipboardGrabSerial
    }

    /// A message's header: `protocol u32, type u32, opaque u64, size u32`.
    public struct Header: Hashable, Sendable {
        public var type: UInt32
        public var opaque: UInt64
        public var size: UInt32
        public init(type: UInt32, opaque: UInt64 = 0, size: UInt32) {
            self.type = type
            self.opaque = opaque
            self.size = size
        }

        /// Reads and validates a header: protocol 1, and a size within `maxSize`.
        public static func read(from buffer: inout ByteBuffer, maxSize: Int) throws -> Header {
            let proto: UInt32 = try buffer.readLEOrThrow("agent.protocol")
            guard proto == VDAgent.protocolVersion else {
                throw SpiceProtocolError.invalidValue(field: "agent.protocol", value: UInt64(proto))
            }
            let type: UInt32 = try buffer.readLEOrThrow("agent.type")
            let opaque: UInt64 = try buffer.readLEOrThrow("agent.opaque")
            let size: UInt32 = try buffer.readLEOrThrow("agent.size")
            guard Int(size) <= maxSize else {
                throw SpiceProtocolError.tooLarge(field: "agent message (type \(type))", size: Int(size), limit: maxSize)
            }
            return Header(type: type, opaque: opaque, size: size)
        }

        public func write(to buffer: inout ByteBuffer) {
            buffer.writeLE(VDAgent.protocolVersion)
            buffer.writeLE(type)
            buffer.writeLE(opaque)
            buffer.writeLE(size)
        }
    }

    /// One whole agent message: its type number and payload.
    public struct Message: Hashable, Sendable {
        public var type: UInt32
        public var opaque: UInt64
        public var payload: ByteBuffer
        public init(type: UInt32, opaque: UInt64 = 0, payload: ByteBuffer) {
            self.type = type
            self.opaque = opaque
            self.payload = payload
        }
        public init(_ type: MessageType, payload: ByteBuffer) {
            self.init(type: type.rawValue, payload: payload)
        }
        public var knownType: MessageType? { MessageType(rawValue: type) }
    }

    /// A capability bit set as `u32` words (ANNOUNCE_CAPABILITIES).
    public struct Capabilities: Hashable, Sendable {
        public var words: [UInt32]
        public init(words: [UInt32] = []) { self.words = words }
        public init(_ caps: [Capability]) {
            words = []
            for c in caps { insert(c) }
        }
        public func contains(_ c: Capability) -> Bool {
            let w = c.rawValue / 32
            return w < words.count && words[w] & (1 << UInt32(c.rawValue % 32)) != 0
        }
        public mutating func insert(_ c: Capability) {
            let w = c.rawValue / 32
            while words.count <= w { words.append(0) }
            words[w] |= 1 << UInt32(c.rawValue % 32)
        }
    }
}
