// Seed inputs for the protocol targets: valid messages made with SpiceProtocol's encoders
// (`SAFFRON_FUZZ_WRITE_SEEDS=DIR` makes the fuzz binary write them; scripts/fuzz.sh --make-seeds).
import NIOCore
import SpiceProtocol

private typealias D = DisplayChannel

private func typed<M: SpiceMessageSet>(_ m: M) -> [UInt8] {
    let t = m.messageType
    return [UInt8(t & 0xFF), UInt8(t >> 8)] + Array(m.encodedBody().readableBytesView)
}

private func bytes(_ b: ByteBuffer) -> [UInt8] { Array(b.readableBytesView) }

/// A 16x16 baseline JPEG (gradient, 4:2:0, 309 bytes) for the stream seeds.
private let seedJPEG16: [UInt8] = {
    let base64 = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABQODxIPDRQSEBIXFRQYHjIhHhwcHj0sLiQySUBMS0dARkVQWnNiUFVtVkVGZIhlbXd7gYKBTmCNl4x9lnN+gXz/"
        + "2wBDARUXFx4aHjshITt8U0ZTfHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHz/wAARCAAQABADASIAAhEBAxEB/8QAFQAB"
        + "AQAAAAAAAAAAAAAAAAAAAwX/xAAXEAADAQAAAAAAAAAAAAAAAAAAAwRh/8QAFQEBAQAAAAAAAAAAAAAAAAAAAAH/xAAZEQADAAMAAAAAAAAAAAAAAAAABAUygcH/"
        + "2gAMAwEAAhEDEQA/AJaZMETJhaTJgiZMLYYw3wT2z//Z"
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = [], acc: UInt32 = 0, bits = 0
    for ch in base64.utf8 where ch != UInt8(ascii: "=") {
        acc = acc << 6 | UInt32(table.firstIndex(of: ch)!)
        bits += 6
        if bits >= 8 { bits -= 8; out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits))) }
    }
    return out
}()

private func bitmapImage(id: UInt64 = 7, w: UInt32 = 2, h: UInt32 = 1, palette: D.PaletteSource = .none,
                         format: D.BitmapFormat = .thirtyTwoBit) -> D.Image {
    var cached = false
    if case .cached = palette { cached = true }
    return D.Image(id: id, width: w, height: h, content: .bitmap(D.Bitmap(
        format: format, flags: cached ? [.topDown, .palFromCache] : .topDown, width: w, height: h, stride: 4 * w, palette: palette,
        data: ByteBuffer(bytes: (0..<Int(4 * w * h)).map { UInt8(truncatingIfNeeded: $0) }))))
}

func protocolSeeds() -> [String: [[UInt8]]] {
    var seeds: [String: [[UInt8]]] = [:]

    // Link: header + SpiceLinkMess (+ auth mechanism + 128-byte ticket) as a client sends it.
    for (type, authSelection) in [(ChannelType.main, true), (.display, false), (.inputs, true)] {
        var mess = ByteBuffer()
        var common: [UInt32] = [CommonCapability.miniHeader]
        if authSelection { common += [CommonCapability.protocolAuthSelection, CommonCapability.authSpice] }
        mess.writeLinkRequest(LinkMess(connectionID: 0, channelType: type, channelID: 0,
                                       commonCaps: CapabilitySet(common), channelCaps: CapabilitySet([1])))
        var stream = ByteBuffer()
        stream.writeLinkHeader(LinkHeader(size: UInt32(mess.readableBytes)))
        stream.writeBuffer(&mess)
        if authSelection { stream.writeBytes([1, 0, 0, 0]) }
        stream.writeBytes([UInt8](repeating: 0xA5, count: 128))
        seeds["link", default: []].append([0] + bytes(stream))
        seeds["link", default: []].append([7] + bytes(stream))
    }
    // Link with SASL (first byte's top bit): mechanism 2, DIGEST-MD5, no data, then a step.
    for chunk: UInt8 in [0x80, 0x85] {
        var stream = ByteBuffer()
        stream.writeLinkRequest(LinkMess(connectionID: 0, channelType: .main, channelID: 0,
                                         commonCaps: CapabilitySet([CommonCapability.protocolAuthSelection, CommonCapability.authSASL, CommonCapability.miniHeader]),
                                         channelCaps: CapabilitySet([1])))
        stream.writeBytes([2, 0, 0, 0, 10, 0, 0, 0] + Array("DIGEST-MD5".utf8) + [0, 0, 0, 0])
        stream.writeBytes([5, 0, 0, 0] + Array("resp".utf8) + [0])
        seeds["link", default: []].append([chunk] + bytes(stream))
    }

    let mainClient: [MainChannel.ClientMessage] = [
        .clientInfo(.init(cacheSize: 1 << 40)), .attachChannels(.init()), .mouseModeRequest(.init(mode: .client)),
        .agentStart(.init(numTokens: 10)), .agentData(.init(data: ByteBuffer(bytes: [1, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 1, 2, 3, 4]))),
        .agentToken(.init(numTokens: 1)), .migrateDstDoSeamless(.init(srcVersion: 2)),
        .base(.pong(.init(id: 1, timestamp: 2))), .base(.ackSync(.init(generation: 1))), .base(.ack(.init())),
    ]
    seeds["main"] = mainClient.map(typed)

    // Framer: mini- and full-header streams of a few main-channel messages, and a SPICE_MSG_LIST.
    var mini = MessageFramer(kind: .mini, limits: WireLimits())
    var full = MessageFramer(kind: .full, limits: WireLimits())
    var miniOut = ByteBuffer(), fullOut = ByteBuffer()
    for m in mainClient.prefix(4) {
        mini.frame(m, into: &miniOut)
        full.frame(m, into: &fullOut)
    }
    let list = SubMessageList.encode(mainClient.prefix(3).map { (type: $0.messageType, body: $0.encodedBody()) })
    mini.frame(type: 8, body: list, into: &miniOut)
    seeds["framer"] = [[0] + bytes(miniOut), [1] + bytes(fullOut), [6] + bytes(miniOut)]

    let displayClient: [D.ClientMessage] = [
        .`init`(.init(pixmapCacheID: 1, pixmapCacheSize: 10 << 20, glzDictionaryID: 1, glzDictionaryWindowSize: 1 << 20)),
        .streamReport(.init(streamID: 1, uniqueID: 2, startFrameMMTime: 3, endFrameMMTime: 4, numFrames: 0, numDrops: 1,
                            lastFrameDelay: -5, audioDelay: 6)),
        .preferredCompression(.init(imageCompression: .lz4)), .glDrawDone(.init()),
        .preferredVideoCodecType(.init(codecs: [.h264, .vp8, .mjpeg])), .base(.ackSync(.init(generation: 1))),
    ]
    seeds["display-client"] = displayClient.map(typed)

    let inputs: [InputsChannel.ClientMessage] = [
        .keyDown(.init(code: 0x1E)), .keyUp(.init(code: 0x9E)), .keyModifiers(.init(modifiers: .init(rawValue: 3))),
        .keyScancode(.init(codes: [0xE0, 0x48, 0xE0, 0xC8])),
        .mouseMotion(.init(dx: -3, dy: 4, buttons: .init(rawValue: 1))),
        .mousePosition(.init(x: 100, y: 200, buttons: .init(rawValue: 0), displayID: 0)),
        .mousePress(.init(button: .right, buttons: .init(rawValue: 4))), .mouseRelease(.init(button: .right, buttons: .init(rawValue: 0))),
    ]
    seeds["inputs"] = inputs.map(typed)

    seeds["cursor"] = [CursorChannel.ClientMessage.base(.ack(.init())), .base(.pong(.init(id: 3, timestamp: 4)))].map(typed)

    let base = D.DisplayBase(surfaceID: 0, box: SpiceRect(top: 1, left: 2, bottom: 30, right: 40),
                             clip: .rects([SpiceRect(top: 1, left: 2, bottom: 3, right: 4)]))
    let paletted = bitmapImage(id: 9, w: 1, h: 2, palette: .inline(D.Palette(unique: 3, entries: [0xFF00_0000, 0x00FF_FFFF])), format: .eightBit)
    let cachedPal = bitmapImage(id: 10, palette: .cached(id: 77))
    let mask = D.QMask(flags: .invers, position: SpicePoint(x: 1, y: 2), bitmap: paletted)
    let pattern = D.Brush.pattern(D.Pattern(image: cachedPal, position: SpicePoint(x: -3, y: 4)))
    let images: [D.Image] = [
        bitmapImage(), paletted, cachedPal,
        D.Image(id: 1, flags: .cacheMe, width: 8, height: 8, content: .quic(ByteBuffer(bytes: [1, 2, 3, 4]))),
        D.Image(id: 2, width: 8, height: 8, content: .lzRGB(ByteBuffer(bytes: [5]))),
        D.Image(id: 3, width: 8, height: 8, content: .glzRGB(ByteBuffer(bytes: [6, 7]))),
        D.Image(id: 6, width: 8, height: 8, content: .fromCache),
        D.Image(id: 8, width: 8, height: 8, content: .surface(surfaceID: 2)),
        D.Image(id: 9, width: 8, height: 8, content: .zlibGlzRGB(.init(glzDataSize: 100, data: ByteBuffer(bytes: [1, 2])))),
        D.Image(id: 10, width: 8, height: 8, content: .jpegAlpha(.init(flags: .topDown, jpegSize: 1, data: ByteBuffer(bytes: [3, 4])))),
        D.Image(id: 11, width: 8, height: 8, content: .lzPLT(.init(flags: [], palette: .inline(.init(unique: 1, entries: [1])), data: ByteBuffer(bytes: [1])))),
    ]
    var server: [D.ServerMessage] = images.map {
        .drawCopy(.init(base: base, sourceBitmap: $0, sourceArea: SpiceRect(top: 0, left: 0, bottom: 8, right: 8), mask: mask))
    }
    server += [
        .mode(.init(xRes: 640, yRes: 480, bits: 32)),
        .surfaceCreate(.init(surfaceID: 0, width: 64, height: 48, format: .xrgb32, flags: .primary)),
        .copyBits(.init(base: base, sourcePosition: SpicePoint(x: 5, y: 6))),
        .invalList(.init(resources: [.init(type: .pixmap, id: 1)])),
        .streamCreate(.init(surfaceID: 0, id: 1, flags: .topDown, codecType: .mjpeg, stamp: 9, streamWidth: 64, streamHeight: 48,
                            sourceWidth: 64, sourceHeight: 48, destination: SpiceRect(x: 0, y: 0, width: 64, height: 48), clip: .none)),
        .streamData(.init(id: 1, multiMediaTime: 100, data: ByteBuffer(bytes: [0xFF, 0xD8, 0xFF, 0xD9]))),
        .drawFill(.init(base: base, brush: .solid(color: 0xFF0000), ropDescriptor: .opPut, mask: mask)),
        .drawOpaque(.init(base: base, sourceBitmap: bitmapImage(), sourceArea: SpiceRect(x: 0, y: 0, width: 2, height: 1),
                          brush: pattern, ropDescriptor: [.opPut, .inversSrc], scaleMode: .nearest, mask: mask)),
        .drawStroke(.init(base: base, path: D.Path(segments: [
            D.PathSegment(flags: .begin, points: [SpicePoint(x: 0, y: 0), SpicePoint(x: 16, y: 16)]),
            D.PathSegment(flags: [.end, .close, .bezier], points: [SpicePoint(x: 32, y: 0)]),
        ]), attributes: D.LineAttr(flags: .styled, style: [16, 32, 48]), brush: .solid(color: 1), foreMode: .opPut, backMode: .opXor)),
        .drawText(.init(base: base, string: D.GlyphString(flags: [.rasterA1, .rasterTopDown], glyphs: [
            D.RasterGlyph(renderPosition: SpicePoint(x: 1, y: 2), glyphOrigin: SpicePoint(x: 0, y: -7), width: 9, height: 2,
                          data: ByteBuffer(bytes: [1, 2, 3, 4])),
        ]), backArea: SpiceRect(x: 0, y: 0, width: 20, height: 10), foreBrush: .solid(color: 0),
                        backBrush: pattern, foreMode: .opPut, backMode: .opPut)),
        .drawComposite(.init(base: base, flags: D.CompositeFlags(rawValue: 3).union([.hasMask, .hasSrcTransform]),
                             sourceBitmap: bitmapImage(), maskBitmap: paletted,
                             sourceTransform: .init(t00: 0x10000, t01: 0, t02: 5, t10: 0, t11: 0x10000, t12: 6),
                             sourceOrigin: SpicePoint16(x: 1, y: 2), maskOrigin: SpicePoint16(x: -3, y: -4))),
        .monitorsConfig(.init(maxAllowed: 4, heads: [.init(monitorID: 0, surfaceID: 0, width: 800, height: 600, x: 0, y: 0)])),
        .base(.setAck(.init(generation: 1, window: 20))),
    ]
    seeds["display-server"] = server.map(typed)
    // The client-side targets take [type u16][size u16][body] records.
    func record<M: SpiceMessageSet>(_ m: M) -> [UInt8] {
        let body = Array(m.encodedBody().readableBytesView)
        let t = m.messageType, n = UInt16(min(body.count, 0xFFFF))
        return [UInt8(t & 0xFF), UInt8(t >> 8), UInt8(n & 0xFF), UInt8(n >> 8)] + body.prefix(Int(n))
    }
    seeds["client-canvas"] = [server.flatMap(record), server.dropFirst(6).flatMap(record)]
    // Video streams with a real 16x16 baseline JPEG frame (4:2:0): create (top-down and
    // bottom-up), data, sized data, clip, destroy (the target starts with a 64x48 primary).
    let frame = ByteBuffer(bytes: seedJPEG16)
    let streams: [D.ServerMessage] = [
        .streamCreate(.init(surfaceID: 0, id: 1, flags: .topDown, codecType: .mjpeg, stamp: 0, streamWidth: 16, streamHeight: 16,
                            sourceWidth: 16, sourceHeight: 16, destination: SpiceRect(x: 8, y: 8, width: 32, height: 24),
                            clip: .rects([SpiceRect(x: 0, y: 0, width: 30, height: 20)]))),
        .streamData(.init(id: 1, multiMediaTime: 100, data: frame)),
        .streamDataSized(.init(id: 1, multiMediaTime: 140, width: 16, height: 16, destination: SpiceRect(x: 40, y: 30, width: 8, height: 8), data: frame)),
        .streamClip(.init(id: 1, clip: .none)),
        .streamData(.init(id: 1, multiMediaTime: 180, data: frame)),
        .streamCreate(.init(surfaceID: 0, id: 2, flags: [], codecType: .mjpeg, stamp: 0, streamWidth: 16, streamHeight: 16,
                            sourceWidth: 8, sourceHeight: 16, destination: SpiceRect(x: -4, y: 40, width: 16, height: 16), clip: .none)),
        .streamData(.init(id: 2, multiMediaTime: 200, data: frame)),
        .streamDestroy(.init(id: 1)),
        .streamDestroyAll(.init()),
    ]
    seeds["client-canvas", default: []].append(streams.flatMap(record))
    typealias C = CursorChannel
    func cursor(_ type: C.CursorType, _ w: UInt16, _ h: UInt16, bytes n: Int, flags: C.Flags = .cacheMe) -> C.Cursor {
        C.Cursor(flags: flags, header: C.Header(unique: UInt64(type.rawValue) + 1, type: type, width: w, height: h, hotSpotX: 1, hotSpotY: 1),
                 data: ByteBuffer(bytes: (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37) }))
    }
    let cursors: [C.ServerMessage] = [
        .`init`(.init(position: SpicePoint16(x: 5, y: 6), trailLength: 0, trailFrequency: 0, visible: true, cursor: cursor(.alpha, 4, 4, bytes: 64))),
        .set(.init(position: SpicePoint16(x: 1, y: 2), visible: true, cursor: cursor(.mono, 8, 4, bytes: 8))),
        .set(.init(position: SpicePoint16(x: 1, y: 2), visible: true, cursor: cursor(.color4, 4, 2, bytes: 4 + 64 + 2))),
        .set(.init(position: SpicePoint16(x: 1, y: 2), visible: true, cursor: cursor(.color8, 2, 2, bytes: 4 + 1024 + 2))),
        .set(.init(position: SpicePoint16(x: 1, y: 2), visible: true, cursor: cursor(.color16, 2, 2, bytes: 8 + 2))),
        .set(.init(position: SpicePoint16(x: 1, y: 2), visible: true, cursor: cursor(.color24, 2, 2, bytes: 12 + 2))),
        .set(.init(position: SpicePoint16(x: 1, y: 2), visible: true, cursor: cursor(.color32, 2, 2, bytes: 16 + 2))),
        .set(.init(position: SpicePoint16(x: 3, y: 3), visible: true, cursor: cursor(.alpha, 4, 4, bytes: 0, flags: .fromCache))),
        .move(.init(position: SpicePoint16(x: 9, y: 9))), .hide(.init()), .invalOne(.init(id: 1)), .invalAll(.init()), .reset(.init()),
    ]
    seeds["client-cursor"] = [cursors.flatMap(record)]
    // Agent streams as spice-gtk sends them (first byte: chunk size / layout flags, see the target).
    let agentPayloads: [AgentPayload] = [
        .announceCapabilities(request: true, capabilities: VDAgent.Capabilities([.monitorsConfig, .clipboardByDemand, .clipboardSelection])),
        .monitorsConfig(monitors: [AgentMonitor(width: 1024, height: 768), AgentMonitor(width: 800, height: 600, x: 1024)], usePosition: true),
        .clipboardGrab(selection: 1, serial: 3, types: [1, 2]),
        .clipboardRequest(selection: 0, type: 1),
        .clipboard(selection: 0, type: 1, data: ByteBuffer(bytes: Array("hello".utf8))),
        .clipboardRelease(selection: 0),
        .maxClipboard(1 << 20),
        .fileXferStart(id: 1, keyFile: "[vdagent-file-xfer]\nname=a.txt\nsize=3\n"),
        .fileXferData(id: 1, data: ByteBuffer(bytes: [1, 2, 3])),
        .fileXferStatus(id: 1, result: 1, detail: ByteBuffer()),
        .displayConfig(flags: 1, depth: 32),
    ]
    seeds["client-agent"] = [UInt8(0), 0x40, 0x07].enumerated().map { i, first in
        let options = AgentWireOptions(clipboardSelection: first & 0x40 != 0)
        var stream: [UInt8] = [first]
        for p in agentPayloads.dropFirst(i % 2) {
            for c in AgentChunker.chunks(p.message(options: options)) { stream += Array(c.readableBytesView) }
        }
        return stream
    }
    seeds["agent"] = [UInt8(0), 0xC0, 0x07].enumerated().map { i, first in
        let options = AgentWireOptions(clipboardSelection: first & 0x40 != 0, clipboardGrabSerial: first & 0x80 != 0)
        var stream: [UInt8] = [first]
        for p in agentPayloads.dropFirst(i % 2) {
            for c in AgentChunker.chunks(p.message(options: options)) { stream += Array(c.readableBytesView) }
        }
        return stream
    }
    return seeds
}
