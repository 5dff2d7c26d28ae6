import NIOCore
import SpiceProtocol
import Testing
@testable import SpiceClient

@Suite("client cursor, inputs, agent flow, TLS subject")
struct ClientIOUnitTests {
    typealias C = CursorChannel

    private func header(_ type: C.CursorType, _ w: UInt16, _ h: UInt16, unique: UInt64 = 1) -> C.Header {
        C.Header(unique: unique, type: type, width: w, height: h, hotSpotX: 1, hotSpotY: 2)
    }

    @Test("ALPHA is B,G,R,A; MONO and/xor give transparent, black, white, invert")
    func alphaAndMono() throws {
        let alpha = try ClientCursorModel.decode(header: header(.alpha, 1, 1), data: ByteBuffer(bytes: [0x11, 0x22, 0x33, 0x80]))
        #expect(alpha.pixels == [0x8033_2211])
        #expect(alpha.hotSpotX == 1 && alpha.hotSpotY == 2)
        // 4x1: and = 1100, xor = 1010 -> invert(black), transparent, white, black
        let mono = try ClientCursorModel.decode(header: header(.mono, 4, 1), data: ByteBuffer(bytes: [0b1100_0000, 0b1010_0000]))
        #expect(mono.pixels == [0xFF00_0000, 0, 0xFFFF_FFFF, 0xFF00_0000])
    }

    @Test("COLOR4/8/16/24/32: colour rows, palette, AND mask")
    func colorTypes() throws {
        // COLOR4, 2x1: nibbles 1 and 2, palette[1] = red, palette[2] = 0; mask 01 -> second pixel AND set with colour 0 = transparent
        var palette = [UInt8](repeating: 0, count: 64)
        palette[4...6] = [0x00, 0x00, 0xFF]
        let c4 = try ClientCursorModel.decode(header: header(.color4, 2, 1), data: ByteBuffer(bytes: [0x12] + palette + [0b0100_0000]))
        #expect(c4.pixels == [0xFFFF_0000, 0])
        var pal8 = [UInt8](repeating: 0, count: 1024)
        pal8[4 * 3...4 * 3 + 2] = [0x10, 0x20, 0x30]
        let c8 = try ClientCursorModel.decode(header: header(.color8, 1, 1), data: ByteBuffer(bytes: [3] + pal8 + [0]))
        #expect(c8.pixels == [0xFF30_2010])
        // x1r5g5b5 0x7C00 = red
        let c16 = try ClientCursorModel.decode(header: header(.color16, 1, 1), data: ByteBuffer(bytes: [0x00, 0x7C, 0]))
        #expect(c16.pixels == [0xFFFF_0000])
        let c24 = try ClientCursorModel.decode(header: header(.color24, 1, 1), data: ByteBuffer(bytes: [1, 2, 3, 0]))
        #expect(c24.pixels == [0xFF03_0201])
        // COLOR32 with AND set and a non-zero colour: invert, shown black
        let c32 = try ClientCursorModel.decode(header: header(.color32, 1, 1), data: ByteBuffer(bytes: [1, 2, 3, 0, 0x80]))
        #expect(c32.pixels == [0xFF00_0000])
    }

    @Test("short data and oversized cursors are refused")
    func malformed() {
        #expect(throws: (any Error).self) { try ClientCursorModel.decode(header: header(.alpha, 2, 2), data: ByteBuffer(bytes: [1, 2, 3])) }
        #expect(throws: (any Error).self) { try ClientCursorModel.decode(header: header(.mono, 8, 8), data: ByteBuffer(bytes: [0])) }
        #expect(throws: (any Error).self) { try ClientCursorModel.decode(header: header(.alpha, 4096, 1), data: ByteBuffer()) }
        #expect(throws: (any Error).self) { try ClientCursorModel.decode(header: header(C.CursorType(rawValue: 9), 1, 1), data: ByteBuffer(bytes: [0, 0, 0, 0])) }
    }

    @Test("cache: CACHE_ME then FROM_CACHE, INVAL_ONE, RESET, HIDE/MOVE")
    func cache() throws {
        var model = ClientCursorModel(maxCachedShapes: 2)
        let shape = C.Cursor(flags: .cacheMe, header: header(.alpha, 1, 1, unique: 42), data: ByteBuffer(bytes: [1, 2, 3, 4]))
        var change = try model.apply(.set(.init(position: SpicePoint16(x: 3, y: 4), visible: true, cursor: shape)))
        #expect(change.shape??.pixels == [0x0403_0201])
        #expect(model.cachedShapes == 1)
        _ = try model.apply(.hide(.init()))
        #expect(model.state.visible == false)
        let fromCache = C.Cursor(flags: .fromCache, header: header(.alpha, 1, 1, unique: 42))
        change = try model.apply(.set(.init(position: SpicePoint16(x: 5, y: 6), visible: true, cursor: fromCache)))
        #expect(change.shape??.pixels == [0x0403_0201])
        #expect(model.state.x == 5 && model.state.visible)
        _ = try model.apply(.invalOne(.init(id: 42)))
        #expect(model.cachedShapes == 0)
        change = try model.apply(.set(.init(position: SpicePoint16(x: 5, y: 6), visible: true, cursor: fromCache)))
        #expect(change.shape == nil, "unknown cache id: no new shape")
        _ = try model.apply(.reset(.init()))
        #expect(model.state.shape == nil)
    }

    @Test("US keyboard: letters, shifted symbols, Enter; set-1 codes with E0 packing")
    func keyboard() {
        #expect(USKeyboard.scancode(for: "a")! == (0x1E, false))
        #expect(USKeyboard.scancode(for: "A")! == (0x1E, true))
        #expect(USKeyboard.scancode(for: "!")! == (0x02, true))
        #expect(USKeyboard.scancode(for: "\n")! == (0x1C, false))
        #expect(USKeyboard.scancode(for: "~")! == (0x29, true))
        #expect(USKeyboard.scancode(for: "é") == nil)
        // Right arrow (E0 4D): down 0x4DE0, up 0xCDE0, as spice-gtk packs it.
        #expect(Scancodes.keyCode(for: .init(makeCode: 0x4D, extended: true, down: true)) == 0x4DE0)
        #expect(Scancodes.keyCode(for: .init(makeCode: 0x4D, extended: true, down: false)) == 0xCDE0)
    }

    @Test("motion: at most two ack bunches pending, the rest folded into the next message")
    func motionWindow() {
        var s = ClientInputsState()
        var sent: [InputsChannel.MouseMotion] = []
        for _ in 0..<10 {
            s.pendingDX += 1
            if let m = SpiceClientSession.takeMotion(&s) { sent.append(m) }
        }
        #expect(sent.count == 8 && s.pendingDX == 2)
        s.unackedMotions -= SpiceClientSession.motionAckBunch
        let next = SpiceClientSession.takeMotion(&s)
        #expect(next?.dx == 2 && s.pendingDX == 0)
    }

    @Test("client agent flow: tokens bound what we send, a bounded window is enforced and returned")
    func agentFlow() throws {
        var flow = ClientAgentFlow(serverWindow: 4, returnBatch: 2, maxMessageSize: 1 << 16, maxQueuedBytes: 1 << 16)
        flow.agentConnected(tokens: 2)
        let big = VDAgent.Message(.clipboard, payload: ByteBuffer(bytes: [UInt8](repeating: 7, count: 5000)))
        try flow.enqueue(big)  // 3 chunks
        #expect(flow.sendable().count == 2 && flow.pendingChunks == 1)
        flow.serverReturned(tokens: 5)
        #expect(flow.sendable().count == 1)
        // Inbound: 4 granted; every 2 chunks go back as a token return.
        let msg = AgentChunker.chunks(AgentPayload.clipboardRelease(selection: 0).message(options: AgentWireOptions()))[0]
        var returned: UInt32 = 0
        for _ in 0..<6 { returned += try flow.received(msg).returnTokens }
        #expect(returned == 6)
        var strict = ClientAgentFlow(serverWindow: 1, returnBatch: 5, maxMessageSize: 1 << 16, maxQueuedBytes: 1 << 16)
        strict.agentConnected(tokens: 0)
        _ = try strict.received(msg)
        #expect(throws: ClientAgentFlow.FlowError.noTokens) { try strict.received(msg) }
        #expect(throws: ClientAgentFlow.FlowError.self) { try strict.enqueue(VDAgent.Message(.clipboard, payload: ByteBuffer(bytes: [UInt8](repeating: 0, count: 1 << 17)))) }
    }

    @Test("host-subject parsing: order, spaces, escaped commas; bad input refused")
    func subject() throws {
        let parts = try ClientTLSSetup.parseSubject("C=XX, L=city ,O=Red Hat\\, Inc.,CN=host")
        #expect(parts == [SubjectComponent(key: "C", value: "XX"), SubjectComponent(key: "L", value: "city"),
                          SubjectComponent(key: "O", value: "Red Hat, Inc."), SubjectComponent(key: "CN", value: "host")])
        #expect(throws: ClientTLSError.self) { try ClientTLSSetup.parseSubject("nonsense") }
        #expect(throws: ClientTLSError.self) { try ClientTLSSetup.parseSubject(" , ") }
        #expect(ClientTLSSetup.serverName("127.0.0.1") == nil)
        #expect(ClientTLSSetup.serverName("::1") == nil)
        #expect(ClientTLSSetup.serverName("spice.example") == "spice.example")
    }
}
