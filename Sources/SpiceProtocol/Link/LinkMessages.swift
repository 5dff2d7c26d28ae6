import NIOCore

/// `SpiceLinkHeader` (16 bytes): magic "REDQ", major, minor, size of what follows.
public struct LinkHeader: Hashable, Sendable {
    public static let magic: UInt32 = 0x5144_4552  // "REDQ" read little-endian
    public static let versionMajor: UInt32 = 2
    public static let versionMinor: UInt32 = 2
    public static let wireSize = 16

    public var magic: UInt32
    public var majorVersion: UInt32
    public var minorVersion: UInt32
    public var size: UInt32

    public init(magic: UInt32 = LinkHeader.magic, majorVersion: UInt32 = LinkHeader.versionMajor,
                minorVersion: UInt32 = LinkHeader.versionMinor, size: UInt32) {
        self.magic = magic
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.size = size
    }
}

/// `SpiceLinkMess` (client → server, 18 bytes + caps).
public struct LinkMess: Hashable, Sendable {
    public static let fixedSize = 18
    public var connectionID: UInt32
    public var channelType: ChannelType
    public var channelID: UInt8
    public var commonCaps: CapabilitySet
    public var channelCaps: CapabilitySet

    public init(connectionID: UInt32, channelType: ChannelType, channelID: UInt8,
                commonCaps: CapabilitySet, channelCaps: CapabilitySet) {
        self.connectionID = connectionID
        self.channelType = channelType
        self.channelID = channelID
        self.commonCaps = commonCaps
        self.channelCaps = channelCaps
    }

    public var channel: ChannelID { ChannelID(type: channelType, id: channelID) }
    public var wireSize: Int { Self.fixedSize + 4 * (commonCaps.words.count + channelCaps.words.count) }
}

/// `SpiceLinkReply` (server → client, 178 bytes + caps).
public struct LinkReply: Hashable, Sendable {
    public static let fixedSize = 178
    public static let publicKeySize = 162  // SPICE_TICKET_PUBKEY_BYTES: DER SubjectPublicKeyInfo of RSA-1024
    public var error: LinkError
    public var publicKey: [UInt8]
    public var commonCaps: CapabilitySet
    public var channelCaps: CapabilitySet

    public init(error: LinkError, publicKey: [UInt8], commonCaps: CapabilitySet, channelCaps: CapabilitySet) {
        self.error = error
        self.publicKey = publicKey
        self.commonCaps = commonCaps
        self.channelCaps = channelCaps
    }

    /// The zeroed reply the spice server sends for a link-request error.
    public static func failure(_ error: LinkError) -> LinkReply {
        LinkReply(error: error, publicKey: [UInt8](repeating: 0, count: publicKeySize),
                  commonCaps: CapabilitySet(), channelCaps: CapabilitySet())
    }

    public var wireSize: Int { Self.fixedSize + 4 * (commonCaps.words.count + channelCaps.words.count) }
}

/// Size of the encrypted ticket: the RSA-1024 modulus.
public let encryptedTicketSize = 128
/// `SPICE_MAX_PASSWORD_LENGTH`.
public let maxPasswordLength = 60

extension ByteBuffer {
    public mutating func writeLinkHeader(_ h: LinkHeader) {
        writeLE(h.magic)
        writeLE(h.majorVersion)
        writeLE(h.minorVersion)
        writeLE(h.size)
    }

    /// Reads a link header when all 16 bytes are present (nil otherwise, nothing consumed).
    public mutating func readLinkHeader() -> LinkHeader? {
        guard readableBytes >= LinkHeader.wireSize else { return nil }
        return LinkHeader(magic: readLE()!, majorVersion: readLE()!, minorVersion: readLE()!, size: readLE()!)
    }

    /// Link header + `SpiceLinkMess` + caps, as a client sends it.
    public mutating func writeLinkRequest(_ m: LinkMess) {
        writeLinkHeader(LinkHeader(size: UInt32(m.wireSize)))
        writeLE(m.connectionID)
        writeLE(m.channelType.rawValue)
        writeLE(m.channelID)
        writeLE(UInt32(m.commonCaps.words.count))
        writeLE(UInt32(m.channelCaps.words.count))
        writeLE(UInt32(LinkMess.fixedSize))
        for w in m.commonCaps.words { writeLE(w) }
        for w in m.channelCaps.words { writeLE(w) }
    }

    /// Link header + `SpiceLinkReply` + caps, as a server sends it.
    public mutating func writeLinkReply(_ r: LinkReply) {
        precondition(r.publicKey.count == LinkReply.publicKeySize, "public key must be 162 bytes")
        writeLinkHeader(LinkHeader(size: UInt32(r.wireSize)))
        writeLE(r.error.rawValue)
        writeBytes(r.publicKey)
        writeLE(UInt32(r.commonCaps.words.count))
        writeLE(UInt32(r.channelCaps.words.count))
        writeLE(UInt32(LinkReply.fixedSize))
        for w in r.commonCaps.words { writeLE(w) }
        for w in r.channelCaps.words { writeLE(w) }
    }
}

/// Parsing of the bodies that follow a link header (`size` bytes, already known to be present).
public enum LinkBodyParser {
    /// Maximum caps words per set accepted, as in the spice server.
    public static let maxCapsWords = 1024

    public static func parseMess(_ body: ByteBuffer) throws -> LinkMess {
        var b = body
        let size = b.readableBytes
        guard size >= LinkMess.fixedSize else { throw SpiceProtocolError.truncated(field: "SpiceLinkMess") }
        let connectionID: UInt32 = try b.readLEOrThrow("connection_id")
        let type: UInt8 = try b.readLEOrThrow("channel_type")
        let id: UInt8 = try b.readLEOrThrow("channel_id")
        let (common, channel) = try parseCaps(&b, fixedSize: LinkMess.fixedSize, size: size, base: body.readerIndex)
        return LinkMess(connectionID: connectionID, channelType: ChannelType(rawValue: type), channelID: id,
                        commonCaps: common, channelCaps: channel)
    }

    public static func parseReply(_ body: ByteBuffer) throws -> LinkReply {
        var b = body
        let size = b.readableBytes
        guard size >= LinkReply.fixedSize else { throw SpiceProtocolError.truncated(field: "SpiceLinkReply") }
        let error: UInt32 = try b.readLEOrThrow("error")
        let key = try b.readBytesOrThrow(LinkReply.publicKeySize, field: "pub_key")
        let (common, channel) = try parseCaps(&b, fixedSize: LinkReply.fixedSize, size: size, base: body.readerIndex)
        return LinkReply(error: LinkError(rawValue: error), publicKey: key, commonCaps: common, channelCaps: channel)
    }

    private static func parseCaps(_ b: inout ByteBuffer, fixedSize: Int, size: Int, base: Int) throws -> (CapabilitySet, CapabilitySet) {
        let numCommon: UInt32 = try b.readLEOrThrow("num_common_caps")
        let numChannel: UInt32 = try b.readLEOrThrow("num_channel_caps")
        let capsOffset: UInt32 = try b.readLEOrThrow("caps_offset")
        guard numCommon <= maxCapsWords, numChannel <= maxCapsWords else {
            throw SpiceProtocolError.tooLarge(field: "caps", size: Int(max(numCommon, numChannel)), limit: maxCapsWords)
        }
        let capsBytes = 4 * (Int(numCommon) + Int(numChannel))
        guard Int(capsOffset) >= fixedSize, Int(capsOffset) + capsBytes <= size else {
            throw SpiceProtocolError.badPointer(field: "caps_offset", offset: capsOffset)
        }
        b.moveReaderIndex(to: base + Int(capsOffset))
        var common: [UInt32] = []
        var channel: [UInt32] = []
        for _ in 0..<numCommon { common.append(b.readLE()!) }
        for _ in 0..<numChannel { channel.append(b.readLE()!) }
        return (CapabilitySet(words: common), CapabilitySet(words: channel))
    }
}
