import NIOCore

/// The client side of the link stage of one channel connection, without I/O or crypto.
///
/// `start()` gives the link request to send; feed received bytes with `receive(_:)` until it
/// returns nil. On `.encryptTicket(publicKeyDER:)` encrypt the password (RSA-OAEP-SHA1 of the
/// password plus NUL) and pass the 128 bytes to `ticketEncrypted(_:)`; the machine then sends the
/// auth mechanism (if the server advertised AUTH_SELECTION) and the ticket, and finally reports
/// `.linked` or `.fail` from the 4-byte link result.
public struct ClientLinkStateMachine: Sendable {
    public struct Configuration: Sendable {
        /// 0 for the main channel of a new session, else the session id from MAIN_INIT.
        public var connectionID: UInt32
        public var channel: ChannelID
        public var commonCaps: CapabilitySet
        public var channelCaps: CapabilitySet
        /// Largest link reply accepted (header `size`).
        public var maxLinkReplySize: Int

        public init(connectionID: UInt32, channel: ChannelID, commonCaps: CapabilitySet = Self.defaultCommonCaps,
                    channelCaps: CapabilitySet = CapabilitySet(), maxLinkReplySize: Int = 4096) {
            self.connectionID = connectionID
            self.channel = channel
            self.commonCaps = commonCaps
            self.channelCaps = channelCaps
            self.maxLinkReplySize = maxLinkReplySize
        }

        public static let defaultCommonCaps = CapabilitySet([
            CommonCapability.protocolAuthSelection, CommonCapability.authSpice, CommonCapability.miniHeader,
        ])
    }

    public struct Linked: Sendable, Hashable {
        public var headerKind: DataHeaderKind
        public var serverCommonCaps: CapabilitySet
        public var serverChannelCaps: CapabilitySet
    }

    public struct Failure: Sendable, Hashable, Error {
        public var error: LinkError
        public var reason: String
    }

    public enum Action: Sendable, Hashable {
        case send(ByteBuffer)
        case encryptTicket(publicKeyDER: [UInt8])
        case linked(Linked)
        case fail(Failure)
    }

    private enum State: Sendable {
        case idle
        case awaitingReplyHeader
        case awaitingReply(LinkHeader)
        case encrypting(LinkReply)
        case awaitingResult(LinkReply)
        case linked
        case failed
    }

    private var state: State = .idle
    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public var isFinished: Bool {
        switch state {
        case .linked, .failed: return true
        default: return false
        }
    }

    /// The link request (header + SpiceLinkMess + caps) to send first.
    public mutating func start() -> Action {
        guard case .idle = state else { return fail(.error, "start() called twice") }
        var out = ByteBuffer()
        out.writeLinkRequest(LinkMess(connectionID: configuration.connectionID, channelType: configuration.channel.type,
                                      channelID: configuration.channel.id, commonCaps: configuration.commonCaps,
                                      channelCaps: configuration.channelCaps))
        state = .awaitingReplyHeader
        return .send(out)
    }

    /// Consumes what the current step needs from `buffer`; nil means "need more bytes" (or waiting/done).
    public mutating func receive(_ buffer: inout ByteBuffer) -> Action? {
        switch state {
        case .awaitingReplyHeader:
            if buffer.readableBytes >= 4, buffer.getLE(at: buffer.readerIndex, as: UInt32.self) != LinkHeader.magic {
                return fail(.invalidMagic, "link reply has a bad magic")
            }
            guard let header = buffer.readLinkHeader() else { return nil }
            guard header.majorVersion == LinkHeader.versionMajor else {
                return fail(.versionMismatch, "server protocol version \(header.majorVersion).\(header.minorVersion)")
            }
            guard Int(header.size) >= LinkReply.fixedSize, Int(header.size) <= configuration.maxLinkReplySize else {
                return fail(.invalidData, "link reply size \(header.size) outside 178...\(configuration.maxLinkReplySize)")
            }
            state = .awaitingReply(header)
            return receive(&buffer)

        case .awaitingReply(let header):
            guard buffer.readableBytes >= Int(header.size) else { return nil }
            let body = buffer.readSlice(length: Int(header.size))!
            let reply: LinkReply
            do {
                reply = try LinkBodyParser.parseReply(body)
            } catch {
                return fail(.invalidData, "malformed link reply: \(error)")
            }
            guard reply.error == .ok else { return fail(reply.error, "server refused the link: \(reply.error)") }
            state = .encrypting(reply)
            return .encryptTicket(publicKeyDER: reply.publicKey)

        case .awaitingResult(let reply):
            guard let raw = buffer.readLE(as: UInt32.self) else { return nil }
            let result = LinkError(rawValue: raw)
            guard result == .ok else { return fail(result, "link result \(result)") }
            state = .linked
            return .linked(Linked(
                headerKind: .negotiated(local: configuration.commonCaps, remote: reply.commonCaps),
                serverCommonCaps: reply.commonCaps, serverChannelCaps: reply.channelCaps))

        case .idle, .encrypting, .linked, .failed:
            return nil
        }
    }

    /// The answer to `.encryptTicket`: the 128-byte RSA-OAEP ciphertext.
    public mutating func ticketEncrypted(_ ticket: [UInt8]) -> Action? {
        guard case .encrypting(let reply) = state else { return nil }
        guard ticket.count == encryptedTicketSize else {
            return fail(.error, "encrypted ticket is \(ticket.count) bytes, need \(encryptedTicketSize)")
        }
        var out = ByteBuffer()
        if reply.commonCaps.contains(CommonCapability.protocolAuthSelection) {
            out.writeLE(ServerLinkStateMachine.AuthMechanism.spice.rawValue)
        }
        out.writeBytes(ticket)
        state = .awaitingResult(reply)
        return .send(out)
    }

    private mutating func fail(_ error: LinkError, _ reason: String) -> Action {
        state = .failed
        return .fail(Failure(error: error, reason: reason))
    }
}
