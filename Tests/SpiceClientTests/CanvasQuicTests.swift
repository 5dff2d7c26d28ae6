import NIOCore
import SpiceCodecs
import SpiceProtocol
import Testing
@testable import SpiceClient

/// QUIC DRAW_COPYs: straight into the surface when the image covers its unclipped box, through
/// the general path otherwise; the pixels are the same either way.
@Suite struct CanvasQuicTests {
    /// A 12×9 image whose every pixel differs.
    static let source: [UInt32] = (0..<(12 * 9)).map { i in UInt32(truncatingIfNeeded: i &* 0x01_03_07 &+ 0x10_20_30) & 0xFF_FFFF }

    static func quicImage(alpha: Bool = false, flags: D.ImageFlags = [], id: UInt64 = 5) throws -> D.Image {
        var bytes = [UInt8]()
        for p in source { bytes += [UInt8(p & 0xFF), UInt8(p >> 8 & 0xFF), UInt8(p >> 16 & 0xFF), alpha ? 0x80 : 0] }
        let stream = try Quic.encode(PixelImage(width: 12, height: 9, format: alpha ? .rgba : .rgb32, data: bytes))
        return D.Image(id: id, flags: flags, width: 12, height: 9, content: .quic(buffer(stream)))
    }

    static func copy(_ image: D.Image, base b: D.DisplayBase, area: SpiceRect) -> D.ServerMessage {
        .drawCopy(D.DrawCopy(base: b, sourceBitmap: image, sourceArea: area))
    }

    /// Pixel (x, y) of the surface is source pixel (x - dx, y - dy) where `drawn`, `fill` elsewhere.
    static func expectPlaced(_ c: ClientCanvas, width: Int, height: Int, dx: Int, dy: Int, fill: UInt32,
                             drawn: (Int, Int) -> Bool) {
        expectPixels(c, width, height, fill: fill) { x, y in
            let sx = x - dx, sy = y - dy
            return drawn(x, y) && sx >= 0 && sy >= 0 && sx < 12 && sy < 9 ? (sx, sy) : nil
        }
    }

    /// Every pixel of `c` against `want(x, y)`: source pixel (sx, sy), or nil for `fill`.
    static func expectPixels(_ c: ClientCanvas, _ w: Int, _ h: Int, fill: UInt32, _ want: (Int, Int) -> (Int, Int)?) {
        var wrong = 0
        for y in 0..<h {
            for x in 0..<w {
                let expected = want(x, y).map { source[$0.1 * 12 + $0.0] } ?? fill
                if c.pixel(x, y) != expected { wrong += 1 }
            }
        }
        #expect(wrong == 0)
    }

    @Test("Unclipped at an offset: decoded into the surface, nothing around it touched")
    func direct() throws {
        let c = try makeCanvas(20, 15, fill: 0x777777)
        try c.apply(Self.copy(try Self.quicImage(), base: base(5, 4, 12, 9), area: rect(0, 0, 12, 9)))
        Self.expectPlaced(c, width: 20, height: 15, dx: 5, dy: 4, fill: 0x777777) { _, _ in true }
    }

    @Test("Clipped by a rectangle: only the clip changes")
    func clipped() throws {
        let c = try makeCanvas(20, 15, fill: 0x777777)
        try c.apply(Self.copy(try Self.quicImage(), base: base(5, 4, 12, 9, clip: .rects([rect(7, 5, 4, 3)])), area: rect(0, 0, 12, 9)))
        Self.expectPlaced(c, width: 20, height: 15, dx: 5, dy: 4, fill: 0x777777) { x, y in x >= 7 && x < 11 && y >= 5 && y < 8 }
    }

    @Test("Partly off the surface: the part on it is drawn")
    func offSurface() throws {
        let c = try makeCanvas(10, 8, fill: 0x777777)
        try c.apply(Self.copy(try Self.quicImage(), base: base(3, 2, 12, 9), area: rect(0, 0, 12, 9)))
        Self.expectPlaced(c, width: 10, height: 8, dx: 3, dy: 2, fill: 0x777777) { _, _ in true }
    }

    @Test("A source area inside the image, and a cached image later drawn from the cache")
    func areaAndCache() throws {
        let c = try makeCanvas(20, 15, fill: 0x777777)
        try c.apply(Self.copy(try Self.quicImage(), base: base(0, 0, 5, 4), area: rect(2, 3, 5, 4)))
        Self.expectPlaced(c, width: 20, height: 15, dx: -2, dy: -3, fill: 0x777777) { x, y in x < 5 && y < 4 }
        let cached = try Self.quicImage(flags: .cacheMe, id: 77)
        try c.apply(Self.copy(cached, base: base(8, 6, 12, 9), area: rect(0, 0, 12, 9)))
        let fromCache = D.Image(id: 77, width: 12, height: 9, content: .fromCache)
        let d = try makeCanvas(20, 15, fill: 0x777777)
        d.pixmaps = c.pixmaps
        try d.apply(Self.copy(fromCache, base: base(1, 1, 12, 9), area: rect(0, 0, 12, 9)))
        Self.expectPlaced(d, width: 20, height: 15, dx: 1, dy: 1, fill: 0x777777) { _, _ in true }
    }

    @Test("RGBA onto the xRGB primary, and a truncated stream is an error")
    func rgbaAndTruncated() throws {
        let c = try makeCanvas(12, 9)
        try c.apply(Self.copy(try Self.quicImage(alpha: true), base: base(0, 0, 12, 9), area: rect(0, 0, 12, 9)))
        Self.expectPlaced(c, width: 12, height: 9, dx: 0, dy: 0, fill: 0) { _, _ in true }
        guard case .quic(let full) = try Self.quicImage().content else { Issue.record("not QUIC"); return }
        let cut = D.Image(id: 6, width: 12, height: 9, content: .quic(full.getSlice(at: 0, length: full.readableBytes / 2)!))
        #expect(throws: (any Error).self) { try c.apply(Self.copy(cut, base: base(0, 0, 12, 9), area: rect(0, 0, 12, 9))) }
    }

    @Test("maxImagePixels bounds what one image may decode, on both QUIC paths and through zlib")
    func imageLimit() throws {
        let small = ClientCanvas(maxImagePixels: 12 * 9 - 1)
        try small.apply(.surfaceCreate(D.SurfaceCreate(surfaceID: 0, width: 20, height: 15, format: .xrgb32, flags: .primary)))
        #expect(throws: (any Error).self) {
            try small.apply(Self.copy(try Self.quicImage(), base: base(0, 0, 12, 9), area: rect(0, 0, 12, 9)))
        }
        #expect(throws: (any Error).self) {
            try small.apply(Self.copy(try Self.quicImage(), base: base(0, 0, 4, 4), area: rect(0, 0, 4, 4)))
        }
        let zlib = D.Image(id: 8, width: 12, height: 9,
                           content: .zlibGlzRGB(D.ZlibGlzRGB(glzDataSize: 12 * 9 * 4, data: buffer([0x78, 0x9C, 0x03, 0x00]))))
        let refused = #expect(throws: CodecError.self) {
            try small.apply(Self.copy(zlib, base: base(0, 0, 12, 9), area: rect(0, 0, 12, 9)))
        }
        #expect(refused.map { "\($0)".contains("inflated size 432 refused") } == true)
        let enough = ClientCanvas(maxImagePixels: 12 * 9)
        try enough.apply(.surfaceCreate(D.SurfaceCreate(surfaceID: 0, width: 12, height: 9, format: .xrgb32, flags: .primary)))
        try enough.apply(Self.copy(try Self.quicImage(), base: base(0, 0, 12, 9), area: rect(0, 0, 12, 9)))
        Self.expectPlaced(enough, width: 12, height: 9, dx: 0, dy: 0, fill: 0) { _, _ in true }
    }
}
