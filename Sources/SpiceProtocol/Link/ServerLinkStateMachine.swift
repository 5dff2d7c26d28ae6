import NIOCore

/// The server side of the link stage of one channel connection, without I/O.
///
/// Feed it bytes with `receive(_:)` until it returns nil; act on each action. When it asks for
/// `.verifyTicket`, check the ticket (and the connection id against the session) and answer with
/// `ticketVerified(_:)`. With SASL (`Configuration.sasl` set) it asks for `.startSASL` (answer
/// with `saslMechanisms(_:)`), then `.saslStep` for each client message (answer with
/// `saslStepped(_:)`), then `.saslAuthenticated`: the caller installs the security layer if any,
/// checks the connection id and answers with `ticketVerified(_:)`. Errors before the link reply is sent go out as a zeroed link reply with
/// the error code; later ones as the 4-byte link result — as the spice server does.
public struct ServerLinkStateMachine: Sendable {
    public struct Configuration: Sendable {
        /// DER SubjectPublicKeyInfo of the RSA-1024 key (162 bytes).
        public var publicKey: [UInt8]
        public var commonCaps: CapabilitySet
        /// The channel capabilities the server offers per channel type; a type missing here is
        /// answered with CHANNEL_NOT_AVAILABLE.
        public var channelCaps: [ChannelType: CapabilitySet]
        /// Largest link message accepted (the spice server uses 4096).
        public var maxLinkMessageSize: Int
        /// Which transports a channel type may link over (QEMU `tls-channel` / `plaintext-channel`);
        /// a type missing here uses `defaultSecurity`.
        public var channelSecurity: [ChannelType: ChannelSecurity]
        /// QEMU's default: both. `tls-channel=default` makes it `.tls`.
        public var defaultSecurity: ChannelSecurity
        /// SASL instead of the SPICE ticket (spice-server offers one or the other); nil = ticket.
        public var sasl: SASLServerExchange.Limits?

        /// `commonCaps` nil = `defaultCommonCaps(sasl:)`.
        public init(publicKey: [UInt8], commonCaps: CapabilitySet? = nil,
                    channelCaps: [ChannelType: CapabilitySet], maxLinkMessageSize: Int = 4096,
                    channelSecurity: [ChannelType: ChannelSecurity] = [:],
                    defaultSecurity: ChannelSecurity = .any, sasl: SASLServerExchange.Limits? = nil) {
            self.publicKey = publicKey
            self.sasl = sasl
            self.commonCaps = commonCaps ?? Self.defaultCommonCaps(sasl: sasl != nil)
            self.channelCaps = channelCaps
            self.maxLinkMessageSize = maxLinkMessageSize
            self.channelSecurity = channelSecurity
            self.defaultSecurity = defaultSecurity
        }

        /// The transports `type` may use.
        public func security(of type: ChannelType) -> ChannelSecurity {
            channelSecurity[type] ?? defaultSecurity
        }

        public static let defaultCommonCaps = defaultCommonCaps(sasl: false)

        /// As reds_channel_init_auth_caps: AUTH_SASL when SASL is on, else AUTH_SPICE.
        public static func defaultCommonCaps(sasl: Bool) -> CapabilitySet {
            CapabilitySet([
                CommonCapability.protocolAuthSelection, sasl ? CommonCapability.authSASL : CommonCapability.authSpice,
                CommonCapability.miniHeader,
            ])
        }
    }

    /// What the link produced, for the channel that takes over the connection.
    public struct Linked: Sendable, Hashable {
        public var request: LinkMess
        public var headerKind: DataHeaderKind
        public var serverCommonCaps: CapabilitySet
        public var serverChannelCaps: CapabilitySet
    }

    public struct Failure: Sendable, Hashable, Error {
        public var error: LinkError
        public var reason: String
        /// Bytes to write before closing (the error reply or result); empty = just close.
        public var reply: ByteBuffer
    }

    public enum AuthMechanism: UInt32, Sendable {
        case spice = 1
        case sasl = 2
    }

    public enum Action: Sendable, Hashable {
        case send(ByteBuffer)
        case verifyTicket(request: LinkMess, encryptedTicket: [UInt8])
        /// Create the SASL connection and answer with `saslMechanisms(_:)`.
        case startSASL(request: LinkMess)
        /// Run sasl_server_start (mechanism set) or sasl_server_step; answer with `saslStepped(_:)`.
        case saslStep(mechanism: String?, clientData: [UInt8]?)
        /// SASL succeeded and its OK went out: wrap the stream if a security layer was negotiated,
        /// then check the request and answer with `ticketVerified(_:)` (the real link result).
        case saslAuthenticated(request: LinkMess)
        case linked(Linked)
        case fail(Failure)
    }

    private enum State: Sendable {
        case awaitingHeader
        case awaitingMess(LinkHeader)
        case awaitingAuthMechanism(LinkMess)
        case awaitingTicket(LinkMess)
        case sasl(LinkMess, SASLServerExchange)
        case verifying(LinkMess)
        case linked
        case failed
    }

    private var state: State = .awaitingHeader
    public let configuration: Configuration
    /// Whether this connection runs over TLS (decides NEED_SECURED / NEED_UNSECURED).
    public let secureTransport: Bool

    public init(configuration: Configuration, secureTransport: Bool = false) {
        self.configuration = configuration
        self.secureTransport = secureTransport
    }

    public var isFinished: Bool {
        switch state {
        case .linked, .failed: return true
        default: return false
        }
    }

    /// What the link waits for now, for log lines ("link header", "ticket", ...).
    public var stage: String {
        switch state {
        case .awaitingHeader: return "link header"
        case .awaitingMess: return "link message"
        case .awaitingAuthMechanism: return "auth mechanism"
        case .awaitingTicket: return "ticket"
        case .sasl: return "SASL exchange"
        case .verifying: return "ticket check"
        case .linked: return "linked"
        case .failed: return "failed"
        }
    }

    /// Consumes what the current step needs from `buffer`; nil means "need more bytes" (or done).
    public mutating func receive(_ buffer: inout ByteBuffer) -> Action? {
        switch state {
        case .awaitingHeader:
            guard buffer.readableBytes >= LinkHeader.wireSize else {
                // Reject a wrong magic as soon as 4 bytes are there, without waiting for 16.
                if buffer.readableBytes >= 4, buffer.getLE(at: buffer.readerIndex, as: UInt32.self) != LinkHeader.magic {
                    return failBeforeReply(.invalidMagic, "bad magic (not a SPICE link)")
                }
                return nil
            }
            let header = buffer.readLinkHeader()!
            guard header.magic == LinkHeader.magic else { return failBeforeReply(.invalidMagic, "bad magic (not a SPICE link)") }
            guard header.majorVersion == LinkHeader.versionMajor else {
                return failBeforeReply(.versionMismatch, "protocol version \(header.majorVersion).\(header.minorVersion), need 2.x")
            }
            guard Int(header.size) >= LinkMess.fixedSize, Int(header.size) <= configuration.maxLinkMessageSize else {
                return failBeforeReply(.invalidData, "link message size \(header.size) outside 18...\(configuration.maxLinkMessageSize)")
            }
            state = .awaitingMess(header)
            return receive(&buffer)

        case .awaitingMess(let header):
            guard buffer.readableBytes >= Int(header.size) else { return nil }
            let body = buffer.readSlice(length: Int(header.size))!
            let mess: LinkMess
            do {
                mess = try LinkBodyParser.parseMess(body)
            } catch {
                return failBeforeReply(.invalidData, "malformed link message: \(error)")
            }
            // As reds_handle_read_link_done: a channel on the wrong transport is told where to go.
            let allowed = configuration.security(of: mess.channelType)
            if secureTransport && !allowed.contains(.tls) {
                return failBeforeReply(.needUnsecured, "\(mess.channelType) channel must not use TLS")
            }
            if !secureTransport && !allowed.contains(.plaintext) {
                return failBeforeReply(.needSecured, "\(mess.channelType) channel must use TLS")
            }
            guard let caps = configuration.channelCaps[mess.channelType] else {
                return failBeforeReply(.channelNotAvailable, "no \(mess.channelType) channel here")
            }
            // No RSA key with SASL: the client will not use it (spice-server zeroes it too).
            let key = configuration.sasl == nil ? configuration.publicKey : [UInt8](repeating: 0, count: LinkReply.publicKeySize)
            let reply = LinkReply(error: .ok, publicKey: key,
                                  commonCaps: configuration.commonCaps, channelCaps: caps)
            var out = ByteBuffer()
            out.writeLinkReply(reply)
            if mess.commonCaps.contains(CommonCapability.protocolAuthSelection) {
                state = .awaitingAuthMechanism(mess)
            } else if configuration.sasl != nil {
                // Such a client can only send a ticket (reds_handle_read_link_done).
                state = .failed
                var result = ByteBuffer()
                result.writeLE(LinkError.versionMismatch.rawValue)
                out.writeBuffer(&result)
                return .fail(Failure(error: .versionMismatch, reason: "SASL required but the client cannot select an auth mechanism", reply: out))
            } else {
                state = .awaitingTicket(mess)
            }
            return .send(out)

        case .awaitingAuthMechanism(let mess):
            guard let raw = buffer.readLE(as: UInt32.self) else { return nil }
            switch (AuthMechanism(rawValue: raw), configuration.sasl) {
            case (.spice, nil):
                state = .awaitingTicket(mess)
                return receive(&buffer)
            case (.spice, _):
                return failAfterReply(.invalidData, "SPICE ticket requested but the server requires SASL")
            case (.sasl, nil):
                return failAfterReply(.invalidData, "SASL authentication requested but not enabled")
            case (.sasl, let limits?):
                state = .sasl(mess, SASLServerExchange(limits: limits))
                return .startSASL(request: mess)
            case (nil, _):
                return failAfterReply(.invalidData, "unknown auth mechanism \(raw)")
            }

        case .sasl(let mess, var exchange):
            let event = exchange.receive(&buffer)
            state = .sasl(mess, exchange)
            switch event {
            case nil:
                return nil
            case .step(let mechanism, let data):
                return .saslStep(mechanism: mechanism, clientData: data)
            case .fail(let reason, let result?):
                return failAfterReply(result, reason)
            case .fail(let reason, nil):
                state = .failed
                return .fail(Failure(error: .invalidData, reason: reason, reply: ByteBuffer()))
            }

        case .awaitingTicket(let mess):
            guard buffer.readableBytes >= encryptedTicketSize else { return nil }
            let ticket = buffer.readBytes(length: encryptedTicketSize)!
            state = .verifying(mess)
            return .verifyTicket(request: mess, encryptedTicket: ticket)

        case .verifying, .linked, .failed:
            return nil
        }
    }

    /// The answer to `.startSASL`: the list from `sasl_listmech` (",A,B,"); nil = SASL could not
    /// start (the connection is closed without a word, as spice-server does).
    public mutating func saslMechanisms(_ list: String?, reason: String = "") -> [Action] {
        guard case .sasl(let mess, var exchange) = state else { return [] }
        guard let list else {
            state = .failed
            return [.fail(Failure(error: .error, reason: reason, reply: ByteBuffer()))]
        }
        let out = exchange.offer(mechanismList: list)
        state = .sasl(mess, exchange)
        return [.send(out)]
    }

    /// The answer to `.saslStep`. `reason` is logged when the outcome refuses the client.
    public mutating func saslStepped(_ outcome: SASLServerExchange.Outcome, reason: String = "") -> [Action] {
        guard case .sasl(let mess, var exchange) = state else { return [] }
        let (reply, result) = exchange.stepped(outcome)
        switch result {
        case nil:
            state = .sasl(mess, exchange)
            return [.send(reply)]
        case .success:
            state = .verifying(mess)
            return [.send(reply), .saslAuthenticated(request: mess)]
        case .failure:
            state = .failed
            return [.fail(Failure(error: .permissionDenied, reason: reason.isEmpty ? "SASL authentication failed" : reason, reply: reply))]
        }
    }

    /// The answer to `.verifyTicket`: `.ok` links the channel; anything else fails it with that code.
    public mutating func ticketVerified(_ result: LinkError, reason: String = "") -> [Action] {
        guard case .verifying(let mess) = state else { return [] }
        guard result == .ok else {
            guard case .fail(let failure) = failAfterReply(result, reason) else { return [] }
            return [.fail(failure)]
        }
        var out = ByteBuffer()
        out.writeLE(LinkError.ok.rawValue)
        state = .linked
        let linked = Linked(
            request: mess,
            headerKind: .negotiated(local: configuration.commonCaps, remote: mess.commonCaps),
            serverCommonCaps: configuration.commonCaps,
            serverChannelCaps: configuration.channelCaps[mess.channelType] ?? CapabilitySet())
        return [.send(out), .linked(linked)]
    }

    private mutating func failBeforeReply(_ error: LinkError, _ reason: String) -> Action {
        state = .failed
        var out = ByteBuffer()
        out.writeLinkReply(.failure(error))
        return .fail(Failure(error: error, reason: reason, reply: out))
    }

    private mutating func failAfterReply(_ error: LinkError, _ reason: String) -> Action {
        state = .failed
        var out = ByteBuffer()
        out.writeLE(error.rawValue)
        return .fail(Failure(error: error, reason: reason, reply: out))
    }
}

/// The transports a channel may link over (spice-server's `SPICE_CHANNEL_SECURITY_*` bits).
public struct ChannelSecurity: OptionSet, Sendable, Hashable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let plaintext = ChannelSecurity(rawValue: 1)
    public static let tls = ChannelSecurity(rawValue: 2)
    public static let any: ChannelSecurity = [.plaintext, .tls]
}
