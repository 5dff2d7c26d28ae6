import NIOCore
import SpiceProtocol
import Testing

@Suite struct AgentProtocolTests {
    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    @Test("golden bytes: ANNOUNCE_CAPABILITIES (request) as spice-gtk sends it")
    func announceGolden() throws {
        let caps = VDAgent.Capabilities([.mouseState, .monitorsConfig, .reply, .clipboardByDemand, .clipboardSelection])
        let m = AgentPayload.announceCapabilities(request: true, capabilities: caps).message(options: AgentWireOptions())
        let chunks = AgentChunker.chunks(m)
        #expect(chunks.count == 1)
        #expect(Array(chunks[0].readableBytesView) == [
            1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0,  // protocol 1, type 6, opaque 0, size 8
            1, 0, 0, 0, 0x67, 0, 0, 0,                                       // request, caps 0b1100111
        ])
        var r = AgentReassembler(maxMessageSize: 1 << 20)
        let back = try r.append(chunks[0])
        #expect(try AgentPayload.decode(back[0], options: AgentWireOptions()) == .announceCapabilities(request: true, capabilities: caps))
    }

    @Test("MONITORS_CONFIG: height first on the wire; two monitors with positions round-trip")
    func monitorsConfig() throws {
        let p = AgentPayload.monitorsConfig(monitors: [AgentMonitor(width: 1920, height: 1080, x: 0, y: 0),
                                                       AgentMonitor(width: 1280, height: 1024, x: 1920, y: 0)], usePosition: true)
        let m = p.message(options: AgentWireOptions())
        #expect(Array(m.payload.readableBytesView.prefix(16)) == [2, 0, 0, 0, 1, 0, 0, 0, 0x38, 4, 0, 0, 0x80, 7, 0, 0])
        #expect(try AgentPayload.decode(m, options: AgentWireOptions()) == p)
    }

    @Test("clipboard layouts follow CLIPBOARD_SELECTION and GRAB_SERIAL")
    func clipboardLayouts() throws {
        let both = AgentWireOptions(clipboardSelection: true, clipboardGrabSerial: true)
        let grab = AgentPayload.clipboardGrab(selection: 1, serial: 7, types: [1, 2])
        #expect(Array(grab.message(options: both).payload.readableBytesView) == [1, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0])
        #expect(try AgentPayload.decode(grab.message(options: both), options: both) == grab)
        let plain = AgentWireOptions()
        let text = AgentPayload.clipboard(selection: 0, type: 1, data: Self.buffer(Array("héllo".utf8)))
        #expect(text.message(options: plain).payload.readableBytes == 4 + 6)
        #expect(try AgentPayload.decode(text.message(options: plain), options: plain) == text)
        let ours = VDAgent.Capabilities([.clipboardSelection, .clipboardGrabSerial])
        #expect(AgentWireOptions(ours: ours, theirs: VDAgent.Capabilities([.clipboardSelection])) == AgentWireOptions(clipboardSelection: true))
    }

    @Test("a long message is cut into 2048-byte AGENT_DATA and reassembled from any split, even inside the header")
    func chunking() throws {
        let data = (0..<5000).map { UInt8($0 & 0xFF) }
        let m = AgentPayload.clipboard(selection: 0, type: 1, data: Self.buffer(data)).message(options: AgentWireOptions())
        let chunks = AgentChunker.chunks(m)
        #expect(chunks.map(\.readableBytes) == [2048, 2048, 20 + 4 + 5000 - 4096])
        var stream = ByteBuffer()
        for var c in chunks { stream.writeBuffer(&c) }
        for split in [1, 7, 19, 20, 21, 2047, 3000] {
            var r = AgentReassembler(maxMessageSize: 1 << 20)
            var got: [VDAgent.Message] = []
            var s = stream
            while s.readableBytes > 0 { got += try r.append(s.readSlice(length: min(split, s.readableBytes))!) }
            #expect(got == [m], "split \(split)")
            #expect(r.bufferedBytes == 0)
        }
    }

    @Test("malformed agent data is refused: wrong protocol, size above the limit, trailing bytes, bad file-data size, too many monitors")
    func malformed() throws {
        var wrongProtocol = ByteBuffer()
        VDAgent.Header(type: 6, size: 4).write(to: &wrongProtocol)
        wrongProtocol.setInteger(UInt32(2), at: 0, endianness: .little)
        var r1 = AgentReassembler(maxMessageSize: 1024)
        #expect(throws: SpiceProtocolError.invalidValue(field: "agent.protocol", value: 2)) { try r1.append(wrongProtocol) }

        var huge = ByteBuffer()
        VDAgent.Header(type: 4, size: 0xFFFF_FFF0).write(to: &huge)
        var r2 = AgentReassembler(maxMessageSize: 1 << 20)
        #expect(throws: SpiceProtocolError.self) { try r2.append(huge) }
        #expect(r2.bufferedBytes == 0, "nothing kept for a refused message")

        let trailing = VDAgent.Message(.reply, payload: Self.buffer([1, 0, 0, 0, 1, 0, 0, 0, 9]))
        #expect(throws: SpiceProtocolError.trailingBytes(field: "agent message 3", count: 1)) {
            try AgentPayload.decode(trailing, options: AgentWireOptions())
        }
        let badData = VDAgent.Message(.fileXferData, payload: Self.buffer([1, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]))
        #expect(throws: SpiceProtocolError.self) { try AgentPayload.decode(badData, options: AgentWireOptions()) }
        var many = ByteBuffer()
        many.writeInteger(UInt32(1_000_000), endianness: .little)
        many.writeInteger(UInt32(0), endianness: .little)
        #expect(throws: SpiceProtocolError.tooLarge(field: "agent monitors", size: 1_000_000, limit: 16)) {
            try AgentPayload.decode(VDAgent.Message(.monitorsConfig, payload: many), options: AgentWireOptions())
        }
        let short = VDAgent.Message(.clipboardRequest, payload: Self.buffer([1, 0]))
        #expect(throws: SpiceProtocolError.truncated(field: "request.type")) { try AgentPayload.decode(short, options: AgentWireOptions()) }
    }

    @Test("tokens: the client may send `window` chunks; we return them in batches; an 11th without a return is refused")
    func clientTokens() throws {
        var flow = ServerAgentFlow(window: 10, returnBatch: 5, maxMessageSize: 1 << 20, maxQueuedBytes: 1 << 20)
        let message = AgentPayload.clipboard(selection: 0, type: 1, data: Self.buffer(Array(repeating: 65, count: 30_000)))
            .message(options: AgentWireOptions())
        let chunks = AgentChunker.chunks(message)  // 15 chunks
        #expect(chunks.count == 15)
        var returned: [UInt32] = []
        var messages: [VDAgent.Message] = []
        for c in chunks.prefix(10) {
            let r = try flow.received(c)
            messages += r.messages
            if r.returnTokens > 0 { returned.append(r.returnTokens) }
        }
        #expect(returned == [5, 5])
        #expect(flow.clientTokens == 10)
        // A client that ignores the returns and the window: 10 more fine, the 11th without a return refused.
        var greedy = ServerAgentFlow(window: 10, returnBatch: 100, maxMessageSize: 1 << 20, maxQueuedBytes: 1 << 20)
        for c in chunks.prefix(10) { _ = try greedy.received(c) }
        #expect(throws: ServerAgentFlow.FlowError.noTokens) { try greedy.received(chunks[10]) }
        for c in chunks.dropFirst(10) { messages += try flow.received(c).messages }
        #expect(messages == [message])
    }

    @Test("server to client: nothing before AGENT_START, then as many chunks as tokens; the queue is bounded")
    func serverTokens() throws {
        var flow = ServerAgentFlow(maxMessageSize: 1 << 20, maxQueuedBytes: 10_000)
        let m = AgentPayload.clipboard(selection: 0, type: 1, data: Self.buffer(Array(repeating: 66, count: 5000))).message(options: AgentWireOptions())
        try flow.enqueue(m)
        #expect(flow.sendable().isEmpty, "no AGENT_START yet")
        flow.clientStarted(tokens: 2)
        #expect(flow.sendable().count == 2)
        #expect(flow.pendingChunks == 1)
        #expect(flow.sendable().isEmpty, "out of tokens")
        flow.clientReturned(tokens: 5)
        #expect(flow.sendable().count == 1)
        #expect(throws: ServerAgentFlow.FlowError.self) {
            try flow.enqueue(AgentPayload.clipboard(selection: 0, type: 1, data: Self.buffer(Array(repeating: 0, count: 20_000))).message(options: AgentWireOptions()))
        }
    }
}
