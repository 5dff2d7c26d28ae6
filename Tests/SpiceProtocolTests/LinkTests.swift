import NIOCore
import Testing
@testable import SpiceProtocol

private let fakeKey: [UInt8] = (0..<162).map { UInt8(truncatingIfNeeded: $0 &* 7) }
private let fakeTicket: [UInt8] = Array(repeating: 0xAB, count: 128)

private func serverMachine() -> ServerLinkStateMachine {
    ServerLinkStateMachine(configuration: .init(publicKey: fakeKey, channelCaps: [
        .main: CapabilitySet(words: [0x9]), .display: CapabilitySet(words: [0x1052]),
    ]))
}

/// Feeds `bytes` one at a time, collecting every action.
private func feedServer(_ m: inout ServerLinkStateMachine, _ bytes: [UInt8]) -> [ServerLinkStateMachine.Action] {
    var actions: [ServerLinkStateMachine.Action] = []
    var pending = ByteBuffer()
    for b in bytes {
        pending.writeInteger(b)
        while let a = m.receive(&pending) { actions.append(a) }
    }
    return actions
}

private func feedClient(_ m: inout ClientLinkStateMachine, _ bytes: [UInt8]) -> [ClientLinkStateMachine.Action] {
    var actions: [ClientLinkStateMachine.Action] = []
    var pending = ByteBuffer()
    for b in bytes {
        pending.writeInteger(b)
        while let a = m.receive(&pending) { actions.append(a) }
    }
    return actions
}

private func sent(_ a: ServerLinkStateMachine.Action) -> [UInt8]? {
    if case .send(let b) = a { return Array(b.readableBytesView) }
    return nil
}

@Suite struct LinkTests {
    static let spiceGtkMainRequest: [UInt8] =
        [0x52, 0x45, 0x44, 0x51] + le32(2) + le32(2) + le32(26)
        + le32(0) + [1, 0] + le32(1) + le32(1) + le32(18) + le32(0xD) + le32(0xF)

    @Test func linkRequestGolden() throws {
        let mess = LinkMess(connectionID: 0, channelType: .main, channelID: 0,
                            commonCaps: CapabilitySet(words: [0xD]), channelCaps: CapabilitySet(words: [0xF]))
        var out = ByteBuffer()
        out.writeLinkRequest(mess)
        #expect(Array(out.readableBytesView) == Self.spiceGtkMainRequest)
        #expect(out.readableBytes == 16 + 18 + 8)
        var b = buffer(Self.spiceGtkMainRequest)
        let parsedHeader = b.readLinkHeader()
        let header = try #require(parsedHeader)
        #expect(header.size == 26)
        #expect(try LinkBodyParser.parseMess(b) == mess)
        // the client machine produces the same bytes
        var client = ClientLinkStateMachine(configuration: .init(connectionID: 0, channel: ChannelID(type: .main, id: 0),
                                                                 commonCaps: CapabilitySet(words: [0xD]), channelCaps: CapabilitySet(words: [0xF])))
        #expect(client.start() == .send(buffer(Self.spiceGtkMainRequest)))
    }

    @Test func linkReplyGolden() throws {
        let bytes: [UInt8] = [0x52, 0x45, 0x44, 0x51] + le32(2) + le32(2) + le32(186)
            + le32(0) + fakeKey + le32(1) + le32(1) + le32(178) + le32(0xB) + le32(0x9)
        let reply = LinkReply(error: .ok, publicKey: fakeKey, commonCaps: CapabilitySet(words: [0xB]), channelCaps: CapabilitySet(words: [0x9]))
        var out = ByteBuffer()
        out.writeLinkReply(reply)
        #expect(Array(out.readableBytesView) == bytes)
        #expect(bytes.count == 16 + 178 + 8)
        #expect(try LinkBodyParser.parseReply(buffer(Array(bytes.dropFirst(16)))) == reply)
    }

    @Test(arguments: [ChannelType.main, .display])
    func clientAndServerLinkByteAtATime(channel: ChannelType) throws {
        var server = serverMachine()
        var client = ClientLinkStateMachine(configuration: .init(connectionID: channel == .main ? 0 : 42,
                                                                 channel: ChannelID(type: channel, id: 0)))
        guard case .send(let request) = client.start() else { Issue.record("no request"); return }
        let serverActions = feedServer(&server, Array(request.readableBytesView))
        #expect(serverActions.count == 1)
        let reply = try #require(serverActions.first.flatMap(sent))
        let clientActions = feedClient(&client, reply)
        #expect(clientActions == [.encryptTicket(publicKeyDER: fakeKey)])
        guard case .send(let auth) = client.ticketEncrypted(fakeTicket) else { Issue.record("no ticket"); return }
        #expect(Array(auth.readableBytesView) == le32(1) + fakeTicket)
        let verify = feedServer(&server, Array(auth.readableBytesView))
        #expect(verify.count == 1)
        guard case .verifyTicket(let mess, let ticket) = verify.first else { Issue.record("no verify"); return }
        #expect(ticket == fakeTicket)
        #expect(mess.channelType == channel)
        let done = server.ticketVerified(.ok)
        #expect(done.count == 2)
        let result = try #require(done.first.flatMap(sent))
        #expect(result == [0, 0, 0, 0])
        let linked = feedClient(&client, result)
        #expect(linked.count == 1)
        guard case .linked(let info) = linked.first else { Issue.record("not linked"); return }
        #expect(info.headerKind == .mini)
        #expect(client.isFinished && server.isFinished)
    }

    private func failure(_ actions: [ServerLinkStateMachine.Action]) -> ServerLinkStateMachine.Failure? {
        for a in actions { if case .fail(let f) = a { return f } }
        return nil
    }

    /// Server errors before the reply come as a zeroed link reply; the client reports the same code.
    private func expectRejected(_ request: [UInt8], _ error: LinkError, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var server = serverMachine()
        let f = try #require(failure(feedServer(&server, request)), sourceLocation: sourceLocation)
        #expect(f.error == error, sourceLocation: sourceLocation)
        let reply = Array(f.reply.readableBytesView)
        #expect(reply.count == 16 + 178, sourceLocation: sourceLocation)
        #expect(Array(reply[16..<20]) == le32(error.rawValue), sourceLocation: sourceLocation)
        var client = ClientLinkStateMachine(configuration: .init(connectionID: 0, channel: ChannelID(type: .main, id: 0)))
        _ = client.start()
        #expect(feedClient(&client, reply) == [.fail(.init(error: error, reason: "server refused the link: \(error)"))],
                sourceLocation: sourceLocation)
    }

    /// QEMU's tls-channel / plaintext-channel: a channel on the wrong transport gets a zeroed link
    /// reply with NEED_SECURED (plaintext) or NEED_UNSECURED (TLS); the rest link as usual.
    @Test func channelSecurityPolicy() throws {
        func machine(secure: Bool, _ policy: [ChannelType: ChannelSecurity], default d: ChannelSecurity = .any) -> ServerLinkStateMachine {
            ServerLinkStateMachine(configuration: .init(publicKey: fakeKey, channelCaps: [
                .main: CapabilitySet(words: [0x9]), .display: CapabilitySet(words: [0x1052]),
            ], channelSecurity: policy, defaultSecurity: d), secureTransport: secure)
        }
        func outcome(_ m: ServerLinkStateMachine, _ request: [UInt8] = Self.spiceGtkMainRequest) -> ServerLinkStateMachine.Action? {
            var m = m
            return feedServer(&m, request).first
        }
        var display = Self.spiceGtkMainRequest
        display[20] = 2

        // tls-channel=main over plaintext: NEED_SECURED as a zeroed 178-byte reply
        guard case .fail(let f)? = outcome(machine(secure: false, [.main: .tls])) else { Issue.record("main linked in plaintext"); return }
        #expect(f.error == .needSecured)
        let reply = Array(f.reply.readableBytesView)
        #expect(reply.count == 16 + 178)
        #expect(Array(reply[16..<20]) == le32(5))
        #expect(reply[20..<182].allSatisfy { $0 == 0 }, "public key and caps zeroed")
        // the client machine reports NEED_SECURED (spice-gtk then retries on the TLS port)
        var client = ClientLinkStateMachine(configuration: .init(connectionID: 0, channel: ChannelID(type: .main, id: 0)))
        _ = client.start()
        guard case .fail(let cf) = feedClient(&client, reply).first else { Issue.record("client not failed"); return }
        #expect(cf.error == .needSecured)
        // ...the same request over TLS links; other channels are unaffected
        #expect(outcome(machine(secure: true, [.main: .tls])).flatMap(sent) != nil)
        #expect(outcome(machine(secure: false, [.main: .tls]), display).flatMap(sent) != nil)
        // tls-channel=default + plaintext-channel=display
        guard case .fail(let g)? = outcome(machine(secure: false, [.display: .plaintext], default: .tls)) else { Issue.record("main linked"); return }
        #expect(g.error == .needSecured)
        #expect(outcome(machine(secure: false, [.display: .plaintext], default: .tls), display).flatMap(sent) != nil)
        guard case .fail(let h)? = outcome(machine(secure: true, [.display: .plaintext], default: .tls), display) else { Issue.record("display linked over TLS"); return }
        #expect(h.error == .needUnsecured)
        // default policy: both transports
        #expect(outcome(machine(secure: true, [:])).flatMap(sent) != nil)
        #expect(outcome(machine(secure: false, [:])).flatMap(sent) != nil)
        #expect(ChannelType(name: "main") == .main && ChannelType(name: "usbredir") == .usbredir && ChannelType(name: "nope") == nil)
    }

    @Test func serverScript() throws {
        var bad = Self.spiceGtkMainRequest
        bad[0] = 0x47  // "GEDQ"
        try expectRejected(bad, .invalidMagic)
        var v3 = Self.spiceGtkMainRequest
        v3.replaceSubrange(4..<8, with: le32(3))
        try expectRejected(v3, .versionMismatch)
        var unknown = Self.spiceGtkMainRequest
        unknown[20] = 77  // channel_type
        try expectRejected(unknown, .channelNotAvailable)
        var oversize = Self.spiceGtkMainRequest
        oversize.replaceSubrange(12..<16, with: le32(5000))
        try expectRejected(oversize, .invalidData)

        // ticket refused: 4-byte result 7, and the client fails with PERMISSION_DENIED
        var server = serverMachine()
        var client = ClientLinkStateMachine(configuration: .init(connectionID: 0, channel: ChannelID(type: .main, id: 0)))
        _ = client.start()
        let reply = try #require(feedServer(&server, Self.spiceGtkMainRequest).first.flatMap(sent))
        _ = feedClient(&client, reply)
        guard case .send(let auth) = client.ticketEncrypted(fakeTicket) else { Issue.record("no ticket"); return }
        _ = feedServer(&server, Array(auth.readableBytesView))
        let denied = server.ticketVerified(.permissionDenied)
        guard case .fail(let f) = denied.first else { Issue.record("not failed"); return }
        #expect(Array(f.reply.readableBytesView) == le32(7))
        guard case .fail(let cf) = feedClient(&client, le32(7)).first else { Issue.record("client not failed"); return }
        #expect(cf.error == .permissionDenied)
    }

    @Test func clientRejectsBadReplies() {
        func run(_ bytes: [UInt8]) -> LinkError? {
            var client = ClientLinkStateMachine(configuration: .init(connectionID: 0, channel: ChannelID(type: .main, id: 0)))
            _ = client.start()
            for a in feedClient(&client, bytes) { if case .fail(let f) = a { return f.error } }
            return nil
        }
        #expect(run([0x52, 0x45, 0x44, 0x52]) == .invalidMagic)
        #expect(run([0x52, 0x45, 0x44, 0x51] + le32(3) + le32(2) + le32(178)) == .versionMismatch)
        #expect(run([0x52, 0x45, 0x44, 0x51] + le32(2) + le32(2) + le32(100)) == .invalidData)
        // caps offset pointing outside the reply
        #expect(run([0x52, 0x45, 0x44, 0x51] + le32(2) + le32(2) + le32(178) + le32(0) + fakeKey + le32(1) + le32(0) + le32(178)) == .invalidData)
    }
}
