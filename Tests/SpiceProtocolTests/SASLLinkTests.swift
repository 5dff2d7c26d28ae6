import NIOCore
import Testing
@testable import SpiceProtocol

private func feed(_ m: inout ServerLinkStateMachine, _ bytes: [UInt8], byteAtATime: Bool = true) -> [ServerLinkStateMachine.Action] {
    var actions: [ServerLinkStateMachine.Action] = []
    var pending = ByteBuffer()
    for chunk in byteAtATime ? bytes.map({ [$0] }) : [bytes] {
        pending.writeBytes(chunk)
        while let a = m.receive(&pending) { actions.append(a) }
    }
    return actions
}

private func bytes(_ a: ServerLinkStateMachine.Action?) -> [UInt8]? {
    if case .send(let b)? = a { return Array(b.readableBytesView) }
    if case .fail(let f)? = a { return Array(f.reply.readableBytesView) }
    return nil
}

private func failure(_ a: ServerLinkStateMachine.Action?) -> ServerLinkStateMachine.Failure? {
    if case .fail(let f)? = a { return f }
    return nil
}

@Suite struct SASLLinkTests {
    static let key: [UInt8] = Array(repeating: 0x5A, count: 162)

    static func machine(limits: SASLServerExchange.Limits = .init()) -> ServerLinkStateMachine {
        ServerLinkStateMachine(configuration: .init(publicKey: key, channelCaps: [.main: CapabilitySet(words: [0x9])], sasl: limits))
    }

    /// spice-gtk's main-channel link request (common caps AUTH_SELECTION | AUTH_SASL | MINI_HEADER).
    static let request = LinkTests.spiceGtkMainRequest
    /// "SASL" as the auth mechanism.
    static let chooseSASL = le32(2)

    /// Runs the machine to the point where it waits for the mechanism name.
    static func offered(_ m: inout ServerLinkStateMachine, list: String = ",DIGEST-MD5,SCRAM-SHA-1,") throws {
        let actions = feed(&m, request + chooseSASL, byteAtATime: false)
        #expect(actions.count == 2)
        let reply = try #require(bytes(actions.first))
        // AUTH_SASL replaces AUTH_SPICE in the common caps (0x0D, not 0x0B) and no RSA key is sent.
        var body = ByteBuffer(bytes: reply.dropFirst(16))
        let parsed = try LinkBodyParser.parseReply(body.readSlice(length: body.readableBytes)!)
        #expect(parsed.commonCaps == CapabilitySet(words: [0xD]))
        #expect(parsed.publicKey == Array(repeating: 0, count: 162))
        guard case .startSASL(let mess)? = actions.last else { Issue.record("no startSASL: \(actions)"); return }
        #expect(mess.channelType == .main)
        let sent = m.saslMechanisms(list)
        #expect(sent.count == 1)
        #expect(bytes(sent.first) == le32(UInt32(list.utf8.count)) + Array(list.utf8))
    }

    @Test func fullExchangeGoldenBytes() throws {
        var m = Self.machine()
        try Self.offered(&m)
        // start: mechanism name without NUL, then client data whose length counts a NUL
        let start = le32(10) + Array("DIGEST-MD5".utf8) + le32(0)
        let startActions = feed(&m, start)
        #expect(startActions == [.saslStep(mechanism: "DIGEST-MD5", clientData: nil)])
        let challenge = Array("nonce=\"abc\"".utf8)
        let continued = m.saslStepped(.continue(serverOut: challenge))
        #expect(bytes(continued.first) == le32(UInt32(challenge.count + 1)) + challenge + [0, 0])
        // step: "resp" + NUL on the wire reaches SASL as "resp"
        let stepActions = feed(&m, le32(5) + Array("resp".utf8) + [0])
        #expect(stepActions == [.saslStep(mechanism: nil, clientData: Array("resp".utf8))])
        let done = m.saslStepped(.complete(serverOut: Array("rspauth=x".utf8)))
        #expect(done.count == 2)
        #expect(bytes(done.first) == le32(10) + Array("rspauth=x".utf8) + [0] + [1] + le32(0))
        guard case .saslAuthenticated(let mess)? = done.last else { Issue.record("not authenticated: \(done)"); return }
        #expect(mess.channelType == .main)
        // then the ordinary link result (through the security layer, if any)
        let linked = m.ticketVerified(.ok)
        #expect(bytes(linked.first) == le32(0))
        guard case .linked? = linked.last else { Issue.record("not linked"); return }
        #expect(m.isFinished)
    }

    @Test func emptyClientDataIsNotNoData() throws {
        var m = Self.machine()
        try Self.offered(&m)
        // length 1 = just the NUL: empty data, which SASL treats differently from none
        #expect(feed(&m, le32(11) + Array("SCRAM-SHA-1".utf8) + le32(1) + [0]) == [.saslStep(mechanism: "SCRAM-SHA-1", clientData: [])])
    }

    @Test func emptyServerDataIsLengthZero() throws {
        var m = Self.machine()
        try Self.offered(&m)
        _ = feed(&m, le32(10) + Array("DIGEST-MD5".utf8) + le32(0), byteAtATime: false)
        let done = m.saslStepped(.complete(serverOut: []))
        #expect(bytes(done.first) == le32(0) + [1] + le32(0))
    }

    @Test func wrongPasswordClosesWithoutReply() throws {
        var m = Self.machine()
        try Self.offered(&m)
        _ = feed(&m, le32(10) + Array("DIGEST-MD5".utf8) + le32(0), byteAtATime: false)
        let failed = m.saslStepped(.failed, reason: "SASL(-13): authentication failure")
        let f = try #require(failure(failed.first))
        #expect(f.error == .permissionDenied)
        #expect(f.reply.readableBytes == 0, "spice-server just closes; spice-gtk reports an auth error")
        #expect(f.reason.contains("-13"))
        #expect(m.isFinished)
    }

    @Test func weakSecurityLayerIsRefusedAfterCompletion() throws {
        var m = Self.machine()
        try Self.offered(&m)
        _ = feed(&m, le32(10) + Array("DIGEST-MD5".utf8) + le32(0), byteAtATime: false)
        let refused = m.saslStepped(.weakSecurity(serverOut: []))
        let f = try #require(failure(refused.first))
        let text = Array("Authentication failed".utf8) + [0]
        #expect(Array(f.reply.readableBytesView) == le32(0) + [1] + le32(1) + le32(UInt32(text.count)) + text)
    }

    @Test(arguments: [0, 101, 0xFFFF_FFFF])
    func badMechanismNameLengthIsRefusedBeforeReading(length: UInt32) throws {
        var m = Self.machine()
        try Self.offered(&m)
        let actions = feed(&m, le32(length))
        let f = try #require(failure(actions.first))
        #expect(f.reply.readableBytes == 0)
        #expect(f.reason.contains("mechanism name length"))
        #expect(feed(&m, Array(repeating: 0x41, count: 200)).isEmpty, "nothing more is read")
    }

    @Test(arguments: ["PLAIN", "DIGEST", "DIGEST-MD5,SCRAM-SHA-1", ",DIGEST-MD5", "digest-md5"])
    func mechanismNotOfferedIsInvalidData(name: String) throws {
        var m = Self.machine()
        try Self.offered(&m)
        let f = try #require(failure(feed(&m, le32(UInt32(name.utf8.count)) + Array(name.utf8)).first))
        #expect(f.error == .invalidData)
        #expect(Array(f.reply.readableBytesView) == le32(3))
    }

    @Test func nonPrintableMechanismNameIsNotEchoed() throws {
        var m = Self.machine()
        try Self.offered(&m)
        let f = try #require(failure(feed(&m, le32(3) + [0x1B, 0x5B, 0x32]).first))
        #expect(f.reason.contains("non-printable"))
    }

    @Test func oversizedDataIsRefusedBeforeAllocating() throws {
        var m = Self.machine(limits: .init(maxDataLength: 64))
        try Self.offered(&m)
        _ = feed(&m, le32(10) + Array("DIGEST-MD5".utf8) + le32(10) + Array(repeating: 0x61, count: 9) + [0], byteAtATime: false)
        _ = m.saslStepped(.continue(serverOut: [1]))
        let f = try #require(failure(feed(&m, le32(65)).first))
        #expect(f.error == .invalidData)
        #expect(f.reason.contains("65"))
        // exactly the limit is fine
        var ok = Self.machine(limits: .init(maxDataLength: 64))
        try Self.offered(&ok)
        let actions = feed(&ok, le32(10) + Array("DIGEST-MD5".utf8) + le32(64) + Array(repeating: 0x61, count: 63) + [0], byteAtATime: false)
        #expect(actions == [.saslStep(mechanism: "DIGEST-MD5", clientData: Array(repeating: 0x61, count: 63))])
    }

    @Test func partialReadsWaitForTheWholeMessage() throws {
        var m = Self.machine()
        try Self.offered(&m)
        var pending = ByteBuffer(bytes: le32(10) + Array("DIGEST".utf8))
        #expect(m.receive(&pending) == nil)
        pending.writeBytes(Array("-MD5".utf8) + le32(4) + [0x61, 0x62])
        #expect(m.receive(&pending) == nil)
        pending.writeBytes([0x63, 0])
        #expect(m.receive(&pending) == .saslStep(mechanism: "DIGEST-MD5", clientData: [0x61, 0x62, 0x63]))
        #expect(m.receive(&pending) == nil, "nothing more until stepped")
    }

    @Test func ticketRequestedWhileSASLIsRequiredIsInvalidData() throws {
        var m = Self.machine()
        let actions = feed(&m, Self.request + le32(1), byteAtATime: false)
        let f = try #require(failure(actions.last))
        #expect(f.error == .invalidData)
        #expect(Array(f.reply.readableBytesView) == le32(3))
    }

    @Test func clientWithoutAuthSelectionGetsVersionMismatch() throws {
        // the same request without PROTOCOL_AUTH_SELECTION (common caps 0x0C)
        var request = Self.request
        request[16 + 18] = 0x0C
        var m = Self.machine()
        let f = try #require(failure(feed(&m, request, byteAtATime: false).first))
        #expect(f.error == .versionMismatch)
        #expect(Array(f.reply.readableBytesView.suffix(4)) == le32(4))
    }

    @Test func saslNotStartingClosesQuietly() throws {
        var m = Self.machine()
        _ = feed(&m, Self.request + Self.chooseSASL, byteAtATime: false)
        let f = try #require(failure(m.saslMechanisms(nil, reason: "no mechanisms").first))
        #expect(f.reply.readableBytes == 0)
        #expect(f.reason == "no mechanisms")
    }

    @Test func ticketServerStillRefusesSASL() throws {
        var m = ServerLinkStateMachine(configuration: .init(publicKey: Self.key, channelCaps: [.main: CapabilitySet()]))
        #expect(m.configuration.commonCaps == CapabilitySet(words: [0xB]))
        let f = try #require(failure(feed(&m, Self.request + Self.chooseSASL, byteAtATime: false).last))
        #expect(f.error == .invalidData)
    }
}
