// Fuzz targets for SpiceProtocol's parsers: the server's link stage and inbound client messages,
// and the client's display-channel parser (every draw with its pointers). Message targets take
// a little-endian u16 message type followed by the body.
import NIOCore
import SpiceClient
import SpiceProtocol

private func typeAndBody(_ data: UnsafeBufferPointer<UInt8>) -> (UInt16, ByteBuffer)? {
    guard data.count >= 2 else { return nil }
    let type = UInt16(data[0]) | UInt16(data[1]) << 8
    return (type, ByteBuffer(bytes: UnsafeBufferPointer(rebasing: data[2...])))
}

private let fuzzServerLimits = WireLimits.serverInbound
/// The client's limits, with the body bound lowered so the fuzzer does not spend its time allocating.
private let fuzzClientLimits = WireLimits(maxMessageBody: 1 << 20, maxArrayCount: 65536)

private func decodeSet<M: SpiceMessageSet>(_: M.Type, _ data: UnsafeBufferPointer<UInt8>, limits: WireLimits) {
    guard let (type, body) = typeAndBody(data) else { return }
    guard let message = try? M.decode(type: type, body: body, limits: limits) else { return }
    // Whatever decodes must encode again without trapping.
    _ = message.encodedBody()
}

/// Splits `[type u16][size u16][body]...` records (the client-side targets' input format).
private func records(_ data: UnsafeBufferPointer<UInt8>, limit: Int = 64) -> [(UInt16, ByteBuffer)] {
    var rest = ByteBuffer(bytes: data)
    var out: [(UInt16, ByteBuffer)] = []
    while out.count < limit, let type: UInt16 = rest.readInteger(endianness: .little),
          let size: UInt16 = rest.readInteger(endianness: .little) {
        guard let body = rest.readSlice(length: min(Int(size), rest.readableBytes)) else { break }
        out.append((type, body))
    }
    return out
}

let protocolFuzzTargets: [String: (UnsafeBufferPointer<UInt8>) -> Void] = [
    "client-canvas": { data in
        // The client's inbound display path: server messages decoded and drawn on a canvas that
        // starts with a 64x48 primary surface (MJPEG video streams included); refusals are fine,
        // traps and overflows are not. Images of at most 64 Kpixel, like the surfaces below.
        let surface = ClientSurface(maxImagePixels: 1 << 16)
        try? surface.draw(.surfaceCreate(.init(surfaceID: 0, width: 64, height: 48, format: .xrgb32, flags: .primary)))
        for (type, body) in records(data) {
            guard let message = try? DisplayChannel.ServerMessage.decode(type: type, body: body, limits: fuzzClientLimits) else { continue }
            // Keep allocations small: surfaces and video frames (decoded at the stream's size) of
            // at most 64 Kpixel. Every clipping, scaling and codec path is reachable at that size;
            // with 1 Mpixel the corpus drifted to inputs that filled 4 MB surfaces under ASan and
            // ran at a fifth of the speed.
            if case .surfaceCreate(let m) = message, UInt64(m.width) * UInt64(m.height) > 1 << 16 { continue }
            if case .streamCreate(let m) = message, UInt64(m.streamWidth) * UInt64(m.streamHeight) > 1 << 16 { continue }
            if case .streamDataSized(let m) = message, UInt64(m.width) * UInt64(m.height) > 1 << 16 { continue }
            try? surface.draw(message)
        }
        _ = surface.snapshot()
    },
    "client-cursor": { data in
        // The cursor channel: INIT/SET with every cursor type, cache and invalidation.
        var model = ClientCursorModel(maxCachedShapes: 8)
        for (type, body) in records(data) {
            guard let message = try? CursorChannel.ServerMessage.decode(type: type, body: body, limits: fuzzClientLimits) else { continue }
            _ = try? model.apply(message)
        }
    },
    "client-agent": { data in
        // The agent stream a server sends (first byte: chunk size and layout, as in "agent"),
        // through the client's flow (a bounded window, so tokens are checked) and decoder.
        guard let first = data.first else { return }
        let chunk = first & 0x3F == 0 ? 2048 : Int(first & 0x3F)
        let options = AgentWireOptions(clipboardSelection: first & 0x40 != 0, clipboardGrabSerial: first & 0x80 != 0)
        var flow = ClientAgentFlow(serverWindow: 10, returnBatch: 5, maxMessageSize: 1 << 20, maxQueuedBytes: 1 << 20)
        var rest = ByteBuffer(bytes: UnsafeBufferPointer(rebasing: data[1...]))
        while rest.readableBytes > 0, let piece = rest.readSlice(length: min(chunk, rest.readableBytes)) {
            guard let (messages, _) = try? flow.received(piece) else { return }
            for m in messages {
                guard let payload = try? AgentPayload.decode(m, options: options) else { continue }
                _ = payload.message(options: options)
            }
        }
    },
    "link": { data in
        // The input is the byte stream a client sends, delivered in chunks of 1...16 bytes
        // sized by the first byte's low bits (0: all at once); its top bit selects a SASL server.
        guard let first = data.first else { return }
        let chunk = first & 0x7F == 0 ? Int.max : Int(first % 16) + 1
        let caps = CapabilitySet([1, 2])
        var link = ServerLinkStateMachine(configuration: .init(
            publicKey: [UInt8](repeating: 0x30, count: 162),
            channelCaps: [.main: caps, .display: caps, .inputs: caps, .cursor: caps],
            sasl: first & 0x80 != 0 ? SASLServerExchange.Limits(maxDataLength: 4096) : nil))
        var steps = 0
        // Drives the SASL callbacks the way LinkHandler does; outcomes vary with the input.
        func answer(_ action: ServerLinkStateMachine.Action) {
            switch action {
            case .verifyTicket: _ = link.ticketVerified(data.count % 2 == 0 ? .ok : .permissionDenied)
            case .startSASL: for a in link.saslMechanisms(",DIGEST-MD5,SCRAM-SHA-1,") { answer(a) }
            case .saslStep:
                steps += 1
                let outcomes: [SASLServerExchange.Outcome] = [.continue(serverOut: [1, 2]), .continue(serverOut: []),
                                                              .complete(serverOut: [3]), .weakSecurity(serverOut: []), .failed]
                let outcome = steps < 4 ? outcomes[(data.count + steps) % 2] : outcomes[(data.count + steps) % outcomes.count]
                for a in link.saslStepped(outcome) { answer(a) }
            case .saslAuthenticated: _ = link.ticketVerified(.ok)
            case .send, .linked, .fail: break
            }
        }
        var buffer = ByteBuffer()
        var at = 1
        while !link.isFinished {
            if at < data.count {
                let end = at + min(chunk, data.count - at)
                buffer.writeBytes(UnsafeBufferPointer(rebasing: data[at..<end]))
                at = end
            }
            var progressed = false
            while let action = link.receive(&buffer) {
                progressed = true
                answer(action)
            }
            if !progressed && at >= data.count { break }
        }
    },
    "framer": { data in
        // First byte: bit 0 chooses the full header; bits 1-4 the chunk size (0: all at once).
        guard let first = data.first else { return }
        let chunk = first >> 1 & 15 == 0 ? Int.max : Int(first >> 1 & 15)
        var framer = MessageFramer(kind: first & 1 == 1 ? .full : .mini, limits: fuzzServerLimits)
        var buffer = ByteBuffer()
        var at = 1
        do {
            while at < data.count {
                let end = at + min(chunk, data.count - at)
                buffer.writeBytes(UnsafeBufferPointer(rebasing: data[at..<end]))
                at = end
                while let frame = try framer.nextFrame(from: &buffer) {
                    if frame.subList != 0 {
                        _ = try? SubMessageList.decode(body: frame.body, at: Int(frame.subList), limits: fuzzServerLimits)
                    }
                    if frame.type == 8 { _ = try? SubMessageList.decode(body: frame.body, limits: fuzzServerLimits) }
                    _ = try? MainChannel.ClientMessage.decode(type: frame.type, body: frame.body, limits: fuzzServerLimits)
                }
            }
        } catch {}
    },
    "main": { decodeSet(MainChannel.ClientMessage.self, $0, limits: fuzzServerLimits) },
    "display-client": { decodeSet(DisplayChannel.ClientMessage.self, $0, limits: fuzzServerLimits) },
    "inputs": { decodeSet(InputsChannel.ClientMessage.self, $0, limits: fuzzServerLimits) },
    "cursor": { decodeSet(CursorChannel.ClientMessage.self, $0, limits: fuzzServerLimits) },
    "display-server": { decodeSet(DisplayChannel.ServerMessage.self, $0, limits: fuzzClientLimits) },
    "agent": { data in
        // The agent stream a client sends in AGENT_DATA: the first byte picks the chunk size
        // (1...64, or 2048) and whether clipboard messages carry selection/serial prefixes;
        // every completed message is decoded and re-encoded, and the token window is honoured.
        guard let first = data.first else { return }
        let chunk = first & 0x3F == 0 ? 2048 : Int(first & 0x3F)
        let options = AgentWireOptions(clipboardSelection: first & 0x40 != 0, clipboardGrabSerial: first & 0x80 != 0)
        var flow = ServerAgentFlow(window: 10, returnBatch: 5, maxMessageSize: 1 << 20, maxQueuedBytes: 1 << 20)
        var rest = ByteBuffer(bytes: UnsafeBufferPointer(rebasing: data[1...]))
        while rest.readableBytes > 0, let piece = rest.readSlice(length: min(chunk, rest.readableBytes)) {
            guard let (messages, _) = try? flow.received(piece) else { return }
            for m in messages {
                guard let payload = try? AgentPayload.decode(m, options: options) else { continue }
                let again = payload.message(options: options)
                _ = AgentChunker.chunks(again)
                try? flow.enqueue(again)
                _ = flow.sendable()
            }
        }
    },
]
