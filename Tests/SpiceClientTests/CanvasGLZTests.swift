import NIOCore
import SpiceCodecs
import SpiceProtocol
import Testing
@testable import SpiceClient

/// GLZ DRAW_COPYs: rows go from the session's GLZ window onto the surface (plain copies), or
/// through a canvas image (cached ones); later images reference earlier ones either way.
@Suite struct CanvasGLZTests {
    typealias Q = CanvasQuicTests

    /// GLZ streams of `Q.source` (xRGB, or bottom-up), from one encoder dictionary: the second
    /// and later ones are mostly references into the first.
    static func glzStreams(_ count: Int, bottomUp: Bool = false) throws -> [ByteBuffer] {
        var rows = [[UInt8]]()
        for y in 0..<9 {
            rows.append(Q.source[(y * 12)..<(y * 12 + 12)].flatMap { p in [UInt8(p & 0xFF), UInt8(p >> 8 & 0xFF), UInt8(p >> 16 & 0xFF), 0] })
        }
        let image = PixelImage(width: 12, height: 9, format: .rgb32, topDown: !bottomUp,
                               data: (bottomUp ? rows.reversed() : rows).flatMap { $0 })
        let dictionary = GLZEncoderDictionary(windowSize: 1 << 16)
        return try (0..<count).map { _ in buffer(try GLZEncoder.encode(image, dictionary: dictionary)) }
    }

    static func glz(_ stream: ByteBuffer, id: UInt64, flags: D.ImageFlags = []) -> D.Image {
        D.Image(id: id, flags: flags, width: 12, height: 9, content: .glzRGB(stream))
    }

    @Test("Plain copies at an offset and clipped, the second image built from the first")
    func directAndClipped() throws {
        let streams = try Self.glzStreams(2)
        #expect(streams[1].readableBytes < streams[0].readableBytes)  // the second refers to the first
        let c = try makeCanvas(20, 30, fill: 0x777777)
        try c.apply(Q.copy(Self.glz(streams[0], id: 1), base: base(5, 4, 12, 9), area: rect(0, 0, 12, 9)))
        try c.apply(Q.copy(Self.glz(streams[1], id: 2), base: base(2, 16, 12, 9, clip: .rects([rect(4, 17, 5, 3)])),
                           area: rect(0, 0, 12, 9)))
        Q.expectPixels(c, 20, 30, fill: 0x777777) { x, y in
            if x >= 5 && x < 17 && y >= 4 && y < 13 { return (x - 5, y - 4) }
            if x >= 4 && x < 9 && y >= 17 && y < 20 { return (x - 2, y - 16) }
            return nil
        }
        #expect(c.glzWindow.retainedIDs == [0, 1])  // the encoder's ids, not the images'
    }

    @Test("Bottom-up rows, a cached image drawn from the cache, and zlib around GLZ")
    func bottomUpCachedAndZlib() throws {
        let streams = try Self.glzStreams(3, bottomUp: true)
        let c = try makeCanvas(30, 30, fill: 0x777777)
        try c.apply(Q.copy(Self.glz(streams[0], id: 1), base: base(0, 0, 12, 9), area: rect(0, 0, 12, 9)))
        // Cached: drawn from a canvas image (a source area inside it), then again from the cache.
        try c.apply(Q.copy(Self.glz(streams[1], id: 2, flags: .cacheMe), base: base(14, 0, 5, 4), area: rect(2, 3, 5, 4)))
        try c.apply(Q.copy(D.Image(id: 2, width: 12, height: 9, content: .fromCache), base: base(0, 12, 12, 9), area: rect(0, 0, 12, 9)))
        let plain = Array(streams[2].readableBytesView)
        let zlib = D.ZlibGlzRGB(glzDataSize: UInt32(plain.count), data: buffer(try SpiceZlib.compress(plain)))
        try c.apply(Q.copy(D.Image(id: 3, width: 12, height: 9, content: .zlibGlzRGB(zlib)), base: base(14, 12, 12, 9), area: rect(0, 0, 12, 9)))
        Q.expectPixels(c, 30, 30, fill: 0x777777) { x, y in
            if x < 12 && y < 9 { return (x, y) }
            if x >= 14 && x < 19 && y < 4 { return (x - 12, y + 3) }
            if x < 12 && y >= 12 && y < 21 { return (x, y - 12) }
            if x >= 14 && x < 26 && y >= 12 && y < 21 { return (x - 14, y - 12) }
            return nil
        }
    }

    @Test("A reference to an image the window lost, and a truncated stream, are errors that draw nothing")
    func missingAndTruncated() throws {
        let streams = try Self.glzStreams(2)
        let c = try makeCanvas(12, 9, fill: 0x777777)
        #expect(throws: GLZMissingImage.self) {
            try c.apply(Q.copy(Self.glz(streams[1], id: 2), base: base(0, 0, 12, 9), area: rect(0, 0, 12, 9)))
        }
        let cut = streams[0].getSlice(at: 0, length: streams[0].readableBytes - 3)!
        #expect(throws: (any Error).self) {
            try c.apply(Q.copy(Self.glz(cut, id: 1), base: base(0, 0, 12, 9), area: rect(0, 0, 12, 9)))
        }
        Q.expectPlaced(c, width: 12, height: 9, dx: 0, dy: 0, fill: 0x777777) { _, _ in false }
        #expect(c.glzWindow.retainedIDs.isEmpty)
    }
}
