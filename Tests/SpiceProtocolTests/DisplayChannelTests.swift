import NIOCore
import Testing
@testable import SpiceProtocol

private typealias D = DisplayChannel

private func bitmapImage(id: UInt64 = 7, w: UInt32 = 2, h: UInt32 = 1, palette: D.PaletteSource = .none,
                         format: D.BitmapFormat = .thirtyTwoBit) -> D.Image {
    D.Image(id: id, width: w, height: h, content: .bitmap(D.Bitmap(
        format: format, flags: palette.isCached ? [.topDown, .palFromCache] : .topDown, width: w, height: h, stride: 4 * w, palette: palette,
        data: buffer((0..<Int(4 * w * h)).map { UInt8(truncatingIfNeeded: $0) }))))
}

private extension D.PaletteSource {
    var isCached: Bool { if case .cached = self { return true } else { return false } }
}

@Suite struct DisplayChannelTests {
    @Test func initGolden() throws {
        let value = D.Init(pixmapCacheID: 1, pixmapCacheSize: 20_971_520, glzDictionaryID: 1, glzDictionaryWindowSize: 3_145_728)
        try expectGolden(value, [1] + le64(20_971_520) + [1] + le32(3_145_728), size: 14)
    }

    @Test func surfaceCreateGolden() throws {
        let value = D.SurfaceCreate(surfaceID: 0, width: 1024, height: 768, format: .xrgb32, flags: .primary)
        try expectGolden(value, le32(0) + le32(1024) + le32(768) + le32(32) + le32(1), size: 20)
    }

    @Test func monitorsConfigGolden() throws {
        let value = D.MonitorsConfig(maxAllowed: 1, heads: [D.Head(monitorID: 0, surfaceID: 0, width: 1024, height: 768, x: 0, y: 0)])
        try expectGolden(value, le16(1) + le16(1) + le32(0) + le32(0) + le32(1024) + le32(768) + le32(0) + le32(0) + le32(0), size: 32)
    }

    static let drawCopyBytes: [UInt8] =
        le32(0) + rect(0, 0, 1, 2) + [0]                       // DisplayBase: surface, box, clip NONE
        + le32(57) + rect(0, 0, 1, 2) + le16(8) + [0]         // src_bitmap, src_area, rop OP_PUT, scale
        + [0] + lei32(0) + lei32(0) + le32(0)                 // mask: flags, pos, bitmap NULL
        + le64(7) + [0, 0] + le32(2) + le32(1)                // descriptor: id, BITMAP, flags 0, 2x1
        + [8, 4] + le32(2) + le32(1) + le32(8) + le32(0)      // 32BIT, TOP_DOWN, x, y, stride, palette
        + [0, 1, 2, 3, 4, 5, 6, 7]

    @Test func drawCopyGolden() throws {
        let value = D.DrawCopy(base: D.DisplayBase(surfaceID: 0, box: SpiceRect(top: 0, left: 0, bottom: 1, right: 2)),
                               sourceBitmap: bitmapImage(), sourceArea: SpiceRect(top: 0, left: 0, bottom: 1, right: 2))
        try expectGolden(value, Self.drawCopyBytes, size: 57 + 18 + 18 + 8)
        #expect(Self.drawCopyBytes[21..<25] == [57, 0, 0, 0])
    }

    @Test func drawCopyFastPathMatchesGolden() {
        var writer = MessageWriter()
        D.DrawCopy.encodeBitmap(surfaceID: 0, destination: SpiceRect(top: 0, left: 0, bottom: 1, right: 2), imageID: 7,
                                width: 2, height: 1, into: &writer) { $0.writeBytes([0, 1, 2, 3, 4, 5, 6, 7]) }
        #expect(Array(writer.buffer.readableBytesView) == Self.drawCopyBytes)
    }

    fileprivate static func sampleMessages() -> [D.ServerMessage] {
        let base = D.DisplayBase(surfaceID: 1, box: SpiceRect(top: 1, left: 2, bottom: 30, right: 40),
                                 clip: .rects([SpiceRect(top: 1, left: 2, bottom: 3, right: 4), SpiceRect(top: 5, left: 6, bottom: 7, right: 8)]))
        let paletted = bitmapImage(id: 9, w: 1, h: 2, palette: .inline(D.Palette(unique: 3, entries: [0xFF00_0000, 0x00FF_FFFF])), format: .eightBit)
        let cachedPal = bitmapImage(id: 10, palette: .cached(id: 77))
        let mask = D.QMask(flags: .invers, position: SpicePoint(x: 1, y: 2), bitmap: paletted)
        let pattern = D.Brush.pattern(D.Pattern(image: cachedPal, position: SpicePoint(x: -3, y: 4)))
        let images: [D.Image] = [
            D.Image(id: 1, flags: .cacheMe, width: 8, height: 8, content: .quic(buffer([1, 2, 3, 4]))),
            D.Image(id: 2, width: 8, height: 8, content: .lzRGB(buffer([5]))),
            D.Image(id: 3, width: 8, height: 8, content: .glzRGB(buffer([6, 7]))),
            D.Image(id: 4, width: 8, height: 8, content: .jpeg(buffer([0xFF, 0xD8]))),
            D.Image(id: 5, width: 8, height: 8, content: .lz4(buffer([9]))),
            D.Image(id: 6, width: 8, height: 8, content: .fromCache),
            D.Image(id: 7, width: 8, height: 8, content: .fromCacheLossless),
            D.Image(id: 8, width: 8, height: 8, content: .surface(surfaceID: 2)),
            D.Image(id: 9, width: 8, height: 8, content: .zlibGlzRGB(.init(glzDataSize: 100, data: buffer([1, 2])))),
            D.Image(id: 10, width: 8, height: 8, content: .jpegAlpha(.init(flags: .topDown, jpegSize: 1, data: buffer([3, 4])))),
            D.Image(id: 11, width: 8, height: 8, content: .lzPLT(.init(flags: [], palette: .inline(.init(unique: 1, entries: [1])), data: buffer([1])))),
            D.Image(id: 12, width: 8, height: 8, content: .lzPLT(.init(flags: .palFromCache, palette: .cached(id: 5), data: buffer([2])))),
            paletted, cachedPal,
        ]
        var messages: [D.ServerMessage] = images.map {
            .drawCopy(.init(base: base, sourceBitmap: $0, sourceArea: SpiceRect(top: 0, left: 0, bottom: 8, right: 8)))
        }
        let glyph = D.RasterGlyph(renderPosition: SpicePoint(x: 1, y: 2), glyphOrigin: SpicePoint(x: 0, y: -7), width: 9, height: 2,
                                  data: buffer([1, 2, 3, 4]))
        messages += [
            .mode(.init(xRes: 640, yRes: 480, bits: 32)), .mark(.init()), .reset(.init()),
            .copyBits(.init(base: base, sourcePosition: SpicePoint(x: 5, y: 6))),
            .invalList(.init(resources: [.init(type: .pixmap, id: 1), .init(type: .pixmap, id: .max)])),
            .invalAllPixmaps(.init(waits: [.init(channelType: .display, channelID: 0, messageSerial: 4)])),
            .invalPalette(.init(id: 3)), .invalAllPalettes(.init()),
            .streamCreate(.init(surfaceID: 0, id: 1, flags: .topDown, codecType: .mjpeg, stamp: 9, streamWidth: 64, streamHeight: 48,
                                sourceWidth: 64, sourceHeight: 48, destination: SpiceRect(x: 0, y: 0, width: 64, height: 48), clip: .none)),
            .streamData(.init(id: 1, multiMediaTime: 100, data: buffer([0xFF, 0xD8, 0xFF, 0xD9]))),
            .streamClip(.init(id: 1, clip: .rects([SpiceRect(x: 0, y: 0, width: 1, height: 1)]))),
            .streamDestroy(.init(id: 1)), .streamDestroyAll(.init()),
            .drawFill(.init(base: base, brush: .solid(color: 0xFF0000), ropDescriptor: .opPut, mask: mask)),
            .drawOpaque(.init(base: base, sourceBitmap: bitmapImage(), sourceArea: SpiceRect(x: 0, y: 0, width: 2, height: 1),
                              brush: pattern, ropDescriptor: [.opPut, .inversSrc], scaleMode: .nearest, mask: mask)),
            .drawBlend(.init(base: base, sourceBitmap: bitmapImage(), sourceArea: SpiceRect(x: 0, y: 0, width: 2, height: 1),
                             ropDescriptor: .opAnd, scaleMode: .interpolate, mask: .none)),
            .drawBlackness(.init(base: base, mask: mask)), .drawWhiteness(.init(base: base)), .drawInvers(.init(base: base, mask: mask)),
            .drawRop3(.init(base: base, sourceBitmap: bitmapImage(), sourceArea: SpiceRect(x: 0, y: 0, width: 2, height: 1),
                            brush: pattern, rop3: 0xCC, scaleMode: .nearest, mask: mask)),
            .drawStroke(.init(base: base, path: D.Path(segments: [
                D.PathSegment(flags: .begin, points: [SpicePoint(x: 0, y: 0), SpicePoint(x: 16, y: 16)]),
                D.PathSegment(flags: [.end, .close, .bezier], points: [SpicePoint(x: 32, y: 0)]),
            ]), attributes: D.LineAttr(flags: .styled, style: [16, 32, 48]), brush: .solid(color: 1), foreMode: .opPut, backMode: .opXor)),
            .drawStroke(.init(base: base, path: D.Path(segments: []), attributes: D.LineAttr(flags: .startWithGap),
                              brush: pattern, foreMode: .opPut, backMode: .opPut)),
            .drawText(.init(base: base, string: D.GlyphString(flags: [.rasterA1, .rasterTopDown], glyphs: [glyph, glyph]),
                            backArea: SpiceRect(x: 0, y: 0, width: 20, height: 10), foreBrush: .solid(color: 0),
                            backBrush: pattern, foreMode: .opPut, backMode: .opPut)),
            .drawTransparent(.init(base: base, sourceBitmap: bitmapImage(), sourceArea: SpiceRect(x: 0, y: 0, width: 2, height: 1),
                                   sourceColor: 0xFF00FF, trueColor: 0x00FF00)),
            .drawAlphaBlend(.init(base: base, alphaFlags: [.destHasAlpha, .srcSurfaceHasAlpha], alpha: 128, sourceBitmap: paletted,
                                  sourceArea: SpiceRect(x: 0, y: 0, width: 1, height: 2))),
            .surfaceCreate(.init(surfaceID: 1, width: 10, height: 20, format: .argb32, flags: [])),
            .surfaceDestroy(.init(surfaceID: 1)),
            .streamDataSized(.init(id: 2, multiMediaTime: 3, width: 4, height: 5, destination: SpiceRect(x: 1, y: 1, width: 4, height: 5),
                                   data: buffer([1, 2, 3]))),
            .monitorsConfig(.init(maxAllowed: 4, heads: [.init(monitorID: 0, surfaceID: 0, width: 800, height: 600, x: 0, y: 0),
                                                        .init(monitorID: 1, surfaceID: 0, width: 800, height: 600, x: 800, y: 0, flags: 1)])),
            .drawComposite(.init(base: base, flags: D.CompositeFlags(rawValue: 3).union([.hasMask, .hasSrcTransform, .hasMaskTransform]),
                                 sourceBitmap: bitmapImage(), maskBitmap: paletted,
                                 sourceTransform: .init(t00: 0x10000, t01: 0, t02: 5, t10: 0, t11: 0x10000, t12: 6),
                                 maskTransform: .init(t00: 1, t01: 2, t02: 3, t10: 4, t11: 5, t12: 6),
                                 sourceOrigin: SpicePoint16(x: 1, y: 2), maskOrigin: SpicePoint16(x: -3, y: -4))),
            .drawComposite(.init(base: base, flags: D.CompositeFlags(rawValue: 1), sourceBitmap: cachedPal,
                                 sourceOrigin: SpicePoint16(x: 0, y: 0), maskOrigin: SpicePoint16(x: 0, y: 0))),
            .streamActivateReport(.init(streamID: 1, uniqueID: 2, maxWindowSize: 3, timeoutMs: 4)),
            .glScanoutUnix(.init(width: 1, height: 2, stride: 4, drmFourccFormat: 0x3432_5258, flags: .y0Top)),
            .glDraw(.init(x: 1, y: 2, w: 3, h: 4)), .qualityIndicator(.init(data: buffer([1]))),
            .base(.setAck(.init(generation: 1, window: 20))),
        ]
        return messages
    }

    @Test func everyServerMessageRoundTrips() throws {
        for m in Self.sampleMessages() { try expectRoundTrip(m) }
    }

    @Test func everyClientMessageRoundTrips() throws {
        let client: [D.ClientMessage] = [
            .`init`(.init(pixmapCacheID: 1, pixmapCacheSize: 10 << 20, glzDictionaryID: 0, glzDictionaryWindowSize: 0)),
            .streamReport(.init(streamID: 1, uniqueID: 2, startFrameMMTime: 3, endFrameMMTime: 4, numFrames: 0, numDrops: .max,
                                lastFrameDelay: -5, audioDelay: .max)),
            .preferredCompression(.init(imageCompression: .lz4)), .glDrawDone(.init()),
            .preferredVideoCodecType(.init(codecs: [.h264, .vp8, .mjpeg])), .base(.ackSync(.init(generation: 1))),
        ]
        for m in client { try expectRoundTrip(m) }
        for m in [client[0], client[1], client[4]] { expectTruncationsThrow(m) }
    }

    @Test func truncatedPointerDrawsThrow() {
        let nonRest = Self.sampleMessages().filter {
            switch $0 {
            case .mark, .reset, .invalAllPalettes, .streamDestroyAll, .qualityIndicator: return false
            default: return true
            }
        }
        for m in nonRest { expectTruncationsThrow(m) }
    }

    @Test func randomDrawCopiesRoundTrip() throws {
        var rng = SeededGenerator(seed: 2024)
        for _ in 0..<300 {
            let w = UInt32.random(in: 0...6, using: &rng), h = UInt32.random(in: 0...6, using: &rng)
            let stride = w * 4 + UInt32.random(in: 0...3, using: &rng)
            let palette: D.PaletteSource = switch Int.random(in: 0...2, using: &rng) {
            case 0: .none
            case 1: .inline(D.Palette(unique: rng.next(), entries: (0..<Int.random(in: 0...5, using: &rng)).map { _ in rng.u32() }))
            default: .cached(id: rng.next())
            }
            var flags = D.BitmapFlags(rawValue: UInt8.random(in: 0...7, using: &rng))
            if case .cached = palette { flags.insert(.palFromCache) } else { flags.remove(.palFromCache) }
            let image = D.Image(id: rng.next(), flags: .init(rawValue: UInt8.random(in: 0...7, using: &rng)), width: w, height: h,
                                content: .bitmap(D.Bitmap(format: .init(rawValue: UInt8.random(in: 1...10, using: &rng)), flags: flags,
                                                          width: w, height: h, stride: stride, palette: palette,
                                                          data: buffer(rng.bytes(Int(stride * h))))))
            let clip: D.Clip = Bool.random(using: &rng) ? .none : .rects((0..<Int.random(in: 0...4, using: &rng)).map { _ in rng.rect() })
            let mask = Bool.random(using: &rng) ? D.QMask.none : D.QMask(flags: .invers, position: rng.point(), bitmap: image)
            let m = D.ServerMessage.drawCopy(.init(base: .init(surfaceID: rng.u32(), box: rng.rect(), clip: clip), sourceBitmap: image,
                                                   sourceArea: rng.rect(), ropDescriptor: .init(rawValue: UInt16.random(in: 0...0x7FF, using: &rng)),
                                                   scaleMode: .init(rawValue: UInt8.random(in: 0...1, using: &rng)), mask: mask))
            try expectRoundTrip(m)
        }
    }

    @Test func malformedInputThrows() {
        var bytes = Self.drawCopyBytes
        // src_bitmap pointing past the end
        bytes[21] = 200
        #expect(throws: SpiceProtocolError.badPointer(field: "copy.src_bitmap", offset: 200)) {
            _ = try D.DrawCopy.decode(body: buffer(bytes))
        }
        // NULL src_bitmap
        bytes[21] = 0
        #expect(throws: SpiceProtocolError.self) { _ = try D.DrawCopy.decode(body: buffer(bytes)) }
        // bitmap stride·height beyond the limit: tooLarge before allocating
        var huge = Self.drawCopyBytes
        huge.replaceSubrange(81..<85, with: le32(0xFFFF_FFFF))   // bitmap.y
        huge.replaceSubrange(85..<89, with: le32(0xFFFF_FFFF))   // bitmap.stride
        #expect(throws: SpiceProtocolError.self) { _ = try D.DrawCopy.decode(body: buffer(huge)) }
        // clip with a huge rect count
        #expect(throws: SpiceProtocolError.tooLarge(field: "clip.num_rects", size: 0x7FFF_FFFF, limit: 4096)) {
            _ = try D.StreamClip.decode(body: buffer(le32(1) + [1] + le32(0x7FFF_FFFF)))
        }
        // unknown image type and unknown clip type
        var badType = Self.drawCopyBytes
        badType[65] = 50
        #expect(throws: SpiceProtocolError.invalidValue(field: "image.descriptor.type", value: 50)) {
            _ = try D.DrawCopy.decode(body: buffer(badType))
        }
        #expect(throws: SpiceProtocolError.self) { _ = try D.StreamClip.decode(body: buffer(le32(1) + [7])) }
        // a path with a huge segment point count
        #expect(throws: SpiceProtocolError.self) {
            _ = try D.DrawStroke.decode(body: buffer(le32(0) + rect(0, 0, 1, 1) + [0] + le32(31) + [0] + [0] + le16(8) + le16(8)
                                                     + le32(1) + [1] + le32(0xFFFF_FFFF)))
        }
    }
}
