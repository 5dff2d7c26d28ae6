import NIOCore
import SpiceProtocol
import Testing
@testable import SpiceClient

/// Golden small cases per draw command: what spice-common's canvas draws, pixel for pixel.
@Suite("Client canvas draws")
struct CanvasDrawTests {
    let legend: [UInt32: Character] = [0: ".", 0xFF0000: "R", 0x00FF00: "G", 0x0000FF: "B", 0xFFFFFF: "W", 0xFFFF00: "Y", 0x00FFFF: "C"]

    @Test("FILL: solid brush inside the box and clip rectangles only")
    func fillWithClip() throws {
        let c = try makeCanvas(6, 4)
        let clip = D.Clip.rects([rect(0, 0, 2, 4), rect(4, 1, 2, 1)])
        try c.apply(.drawFill(D.DrawFill(base: base(1, 1, 5, 3, clip: clip), brush: .solid(color: 0xFF0000), ropDescriptor: .opPut)))
        #expect(c.rows(legend) == ["......", ".R..RR", ".R....", ".R...."])
    }

    @Test("FILL: ROP descriptors (XOR, OR with inverted brush, INVERS)")
    func fillRops() throws {
        let c = try makeCanvas(3, 1, fill: 0x00FF00)
        try c.apply(.drawFill(D.DrawFill(base: base(0, 0, 1, 1), brush: .solid(color: 0xFFFF00), ropDescriptor: .opXor)))
        try c.apply(.drawFill(D.DrawFill(base: base(1, 0, 1, 1), brush: .solid(color: 0xFFFF00), ropDescriptor: [.opOr, .inversBrush])))
        try c.apply(.drawFill(D.DrawFill(base: base(2, 0, 1, 1), brush: .none, ropDescriptor: .opInvers)))
        #expect(c.pixel(0, 0) == 0xFF0000)
        #expect(c.pixel(1, 0) == 0x00FFFF)  // ~0xFFFF00 | 0x00FF00, low 24 bits
        #expect(c.pixel(2, 0) == 0xFF00FF)
    }

    @Test("FILL: pattern brush tiles from its position")
    func fillPattern() throws {
        let c = try makeCanvas(4, 2)
        let tile = bitmap32(2, 1, [0xFF0000, 0x0000FF])
        try c.apply(.drawFill(D.DrawFill(base: base(0, 0, 4, 2), brush: .pattern(D.Pattern(image: tile, position: SpicePoint(x: 1, y: 0))), ropDescriptor: .opPut)))
        #expect(c.rows(legend) == ["BRBR", "BRBR"])
    }

    @Test("FILL: 1-bit mask, plain and inverted")
    func fillMask() throws {
        let c = try makeCanvas(4, 2)
        let mask = bitmap1(["1010", "0110"])
        try c.apply(.drawFill(D.DrawFill(base: base(0, 0, 4, 2), brush: .solid(color: 0xFF0000), ropDescriptor: .opPut,
                                         mask: D.QMask(flags: [], position: SpicePoint(x: 0, y: 0), bitmap: mask))))
        #expect(c.rows(legend) == ["R.R.", ".RR."])
        try c.apply(.drawFill(D.DrawFill(base: base(0, 0, 4, 2), brush: .solid(color: 0x0000FF), ropDescriptor: .opPut,
                                         mask: D.QMask(flags: .invers, position: SpicePoint(x: 0, y: 0), bitmap: mask))))
        #expect(c.rows(legend) == ["RBRB", "BRRB"])
    }

    /// Fuzzing regression (client-canvas, 2026-11-21): a mask whose image is a surface, here the
    /// draw's own target, was read while the draw held that surface exclusively: a trap
    /// ("Fatal access conflict"). The mask is now resolved before the draw takes the surface.
    @Test("FILL through a mask that is a SURFACE image, even the target surface itself")
    func fillMaskFromSurface() throws {
        let c = try makeCanvas(4, 2)
        try c.apply(.drawFill(D.DrawFill(base: base(0, 0, 2, 2), brush: .solid(color: 0x0000FF), ropDescriptor: .opPut)))
        // The primary's own pixels as the mask: set where they are not black (the left half).
        let own = D.Image(id: 0, width: 4, height: 2, content: .surface(surfaceID: 0))
        try c.apply(.drawFill(D.DrawFill(base: base(0, 0, 4, 2), brush: .solid(color: 0xFF0000), ropDescriptor: .opPut,
                                         mask: D.QMask(flags: [], position: SpicePoint(x: 0, y: 0), bitmap: own))))
        #expect(c.rows(legend) == ["RR..", "RR.."])
        try c.apply(.drawFill(D.DrawFill(base: base(0, 0, 4, 2), brush: .solid(color: 0x0000FF), ropDescriptor: .opPut,
                                         mask: D.QMask(flags: .invers, position: SpicePoint(x: 0, y: 0), bitmap: own))))
        #expect(c.rows(legend) == ["RRBB", "RRBB"])
    }

    @Test("COPY: bottom-up 32-bit bitmap, source area offset, ROP AND")
    func copyBitmap() throws {
        let c = try makeCanvas(3, 2, fill: 0xFFFF00)
        let img = bitmap32(3, 2, [0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF, 0x000000, 0x00FFFF], topDown: false)
        try c.apply(.drawCopy(D.DrawCopy(base: base(0, 0, 2, 2), sourceBitmap: img, sourceArea: rect(1, 0, 2, 2))))
        #expect(c.rows(legend) == ["GBY", ".CY"])
        try c.apply(.drawCopy(D.DrawCopy(base: base(2, 0, 1, 1), sourceBitmap: img, sourceArea: rect(0, 0, 1, 1), ropDescriptor: .opAnd)))
        #expect(c.pixel(2, 0) == 0xFF0000)
    }

    @Test("COPY: scaled nearest-neighbour")
    func copyScaled() throws {
        let c = try makeCanvas(4, 2)
        let img = bitmap32(2, 1, [0xFF0000, 0x0000FF])
        try c.apply(.drawCopy(D.DrawCopy(base: base(0, 0, 4, 2), sourceBitmap: img, sourceArea: rect(0, 0, 2, 1), scaleMode: .nearest)))
        #expect(c.rows(legend) == ["RRBB", "RRBB"])
    }

    @Test("Palette bitmaps: 8-bit with PAL_CACHE_ME, 4-bit from the cache, INVAL_PALETTE")
    func palettes() throws {
        let c = try makeCanvas(4, 1)
        let pal = D.Palette(unique: 77, entries: [0x000000, 0xFF0000, 0x00FF00, 0x0000FF])
        let b8 = D.Bitmap(format: .eightBit, flags: [.topDown, .palCacheMe], width: 4, height: 1, stride: 4, palette: .inline(pal), data: buffer([3, 2, 1, 0]))
        try c.apply(.drawCopy(D.DrawCopy(base: base(0, 0, 4, 1), sourceBitmap: D.Image(id: 1, width: 4, height: 1, content: .bitmap(b8)), sourceArea: rect(0, 0, 4, 1))))
        #expect(c.rows(legend) == ["BGR."])
        let b4 = D.Bitmap(format: .fourBitBE, flags: [.topDown], width: 4, height: 1, stride: 2, palette: .cached(id: 77), data: buffer([0x12, 0x30]))
        let img4 = D.Image(id: 2, width: 4, height: 1, content: .bitmap(b4))
        try c.apply(.drawCopy(D.DrawCopy(base: base(0, 0, 4, 1), sourceBitmap: img4, sourceArea: rect(0, 0, 4, 1))))
        #expect(c.rows(legend) == ["RGB."])
        try c.apply(.invalPalette(D.InvalPalette(id: 77)))
        #expect(throws: CanvasError.self) { try c.apply(.drawCopy(D.DrawCopy(base: base(0, 0, 4, 1), sourceBitmap: img4, sourceArea: rect(0, 0, 4, 1)))) }
    }

    @Test("16- and 24-bit bitmaps widen like spice-common")
    func highColour() throws {
        let c = try makeCanvas(2, 1)
        let b16 = D.Bitmap(format: .sixteenBit, flags: .topDown, width: 1, height: 1, stride: 2, data: buffer([0x1F, 0x7C]))  // x1r5g5b5: R=31, B=31
        try c.apply(.drawCopy(D.DrawCopy(base: base(0, 0, 1, 1), sourceBitmap: D.Image(id: 1, width: 1, height: 1, content: .bitmap(b16)), sourceArea: rect(0, 0, 1, 1))))
        let b24 = D.Bitmap(format: .twentyFourBit, flags: .topDown, width: 1, height: 1, stride: 3, data: buffer([0x01, 0x02, 0x03]))
        try c.apply(.drawCopy(D.DrawCopy(base: base(1, 0, 1, 1), sourceBitmap: D.Image(id: 2, width: 1, height: 1, content: .bitmap(b24)), sourceArea: rect(0, 0, 1, 1))))
        #expect(c.pixel(0, 0) == 0xFF00FF)
        #expect(c.pixel(1, 0) == 0x030201)
    }

    @Test("Pixmap cache: CACHE_ME then FROM_CACHE; INVAL_LIST removes")
    func pixmapCache() throws {
        let c = try makeCanvas(2, 1)
        try c.apply(.drawCopy(D.DrawCopy(base: base(0, 0, 1, 1), sourceBitmap: bitmap32(1, 1, [0x0000FF], id: 42, flags: .cacheMe), sourceArea: rect(0, 0, 1, 1))))
        let cached = D.Image(id: 42, width: 1, height: 1, content: .fromCache)
        try c.apply(.drawCopy(D.DrawCopy(base: base(1, 0, 1, 1), sourceBitmap: cached, sourceArea: rect(0, 0, 1, 1))))
        #expect(c.rows(legend) == ["BB"])
        try c.apply(.invalList(D.InvalList(resources: [D.Resource(type: .pixmap, id: 42)])))
        #expect(throws: CanvasError.self) { try c.apply(.drawCopy(D.DrawCopy(base: base(1, 0, 1, 1), sourceBitmap: cached, sourceArea: rect(0, 0, 1, 1)))) }
    }

    @Test("OPAQUE: source copied, then the brush through the ROP")
    func opaque() throws {
        let c = try makeCanvas(2, 1)
        let img = bitmap32(2, 1, [0xFF0000, 0x00FF00])
        try c.apply(.drawOpaque(D.DrawOpaque(base: base(0, 0, 2, 1), sourceBitmap: img, sourceArea: rect(0, 0, 2, 1), brush: .solid(color: 0x0000FF), ropDescriptor: .opOr, scaleMode: .nearest)))
        #expect(c.pixel(0, 0) == 0xFF00FF)
        #expect(c.pixel(1, 0) == 0x00FFFF)
    }

    @Test("BLACKNESS, WHITENESS, INVERS")
    func blackWhiteInvert() throws {
        let c = try makeCanvas(3, 1, fill: 0x123456)
        try c.apply(.drawBlackness(D.DrawBlackness(base: base(0, 0, 1, 1))))
        try c.apply(.drawWhiteness(D.DrawWhiteness(base: base(1, 0, 1, 1))))
        try c.apply(.drawInvers(D.DrawInvers(base: base(2, 0, 1, 1))))
        #expect([c.pixel(0, 0), c.pixel(1, 0), c.pixel(2, 0)] == [0, 0xFFFFFF, 0xEDCBA9])
    }

    @Test("ROP3: SRCCOPY, PATCOPY, PATINVERT, SRCINVERT")
    func rop3() throws {
        let c = try makeCanvas(4, 1, fill: 0x00FF00)
        let img = bitmap32(1, 1, [0xFF0000])
        for (x, code) in [(0, UInt8(0xCC)), (1, 0xF0), (2, 0x5A), (3, 0x66)] {
            try c.apply(.drawRop3(D.DrawRop3(base: base(x, 0, 1, 1), sourceBitmap: img, sourceArea: rect(0, 0, 1, 1), brush: .solid(color: 0x0000FF), rop3: code, scaleMode: .nearest)))
        }
        #expect(c.pixel(0, 0) == 0xFF0000)
        #expect(c.pixel(1, 0) == 0x0000FF)
        #expect(c.pixel(2, 0) == 0x00FFFF)
        #expect(c.pixel(3, 0) == 0xFFFF00)
    }

    @Test("TRANSPARENT: colour key")
    func transparent() throws {
        let c = try makeCanvas(2, 1, fill: 0x00FF00)
        let img = bitmap32(2, 1, [0xFF00FF, 0x0000FF])
        try c.apply(.drawTransparent(D.DrawTransparent(base: base(0, 0, 2, 1), sourceBitmap: img, sourceArea: rect(0, 0, 2, 1), sourceColor: 0xFF00FF, trueColor: 0xFF00FF)))
        #expect(c.rows(legend) == ["GB"])
    }

    @Test("ALPHA_BLEND: 50% global alpha rounds like pixman")
    func alphaBlend() throws {
        let c = try makeCanvas(1, 1)
        let img = bitmap32(1, 1, [0xFFFFFF])
        try c.apply(.drawAlphaBlend(D.DrawAlphaBlend(base: base(0, 0, 1, 1), alphaFlags: [], alpha: 128, sourceBitmap: img, sourceArea: rect(0, 0, 1, 1))))
        #expect(c.pixel(0, 0) == 0x808080)
    }

    @Test("Off-screen A8 surface as a composite mask, a SURFACE image as source; destroy")
    func compositeWithSurfaces() throws {
        let c = try makeCanvas(2, 1)
        try c.apply(.surfaceCreate(D.SurfaceCreate(surfaceID: 5, width: 2, height: 1, format: .a8, flags: [])))
        // Mask: alpha 0xFF then 0x80 (filled through a composite SRC of an A8 bitmap).
        let a8 = D.Bitmap(format: .eightBitA, flags: .topDown, width: 2, height: 1, stride: 2, data: buffer([0xFF, 0x80]))
        try c.apply(.drawComposite(D.DrawComposite(base: base(0, 0, 2, 1, surface: 5), flags: D.CompositeFlags(rawValue: 1),
                                                   sourceBitmap: D.Image(id: 3, width: 2, height: 1, content: .bitmap(a8)),
                                                   sourceOrigin: SpicePoint16(x: 0, y: 0), maskOrigin: SpicePoint16(x: 0, y: 0))))
        #expect(c.pixel(0, 0, surface: 5) == 0xFF00_0000 && c.pixel(1, 0, surface: 5) == 0x8000_0000)
        // Red OVER black through the mask (source repeats: a 1×1 red pixel).
        let red = bitmap32(1, 1, [0xFF0000], id: 4)
        try c.apply(.drawComposite(D.DrawComposite(base: base(0, 0, 2, 1), flags: D.CompositeFlags(rawValue: 3 | 1 << 14),
                                                   sourceBitmap: red, maskBitmap: D.Image(id: 0, width: 2, height: 1, content: .surface(surfaceID: 5)),
                                                   sourceOrigin: SpicePoint16(x: 0, y: 0), maskOrigin: SpicePoint16(x: 0, y: 0))))
        #expect(c.pixel(0, 0) == 0xFF0000)
        #expect(c.pixel(1, 0) == 0x800000)
        try c.apply(.surfaceDestroy(D.SurfaceDestroy(surfaceID: 5)))
        #expect(c.surfaces[5] == nil)
    }

    @Test("TEXT: A1 glyph rows bottom-up, back area filled first")
    func textA1() throws {
        let c = try makeCanvas(4, 3)
        // 2×2 glyph "10"/"01" stored bottom-up: first stored row is the glyph's bottom row.
        let glyph = D.RasterGlyph(renderPosition: SpicePoint(x: 1, y: 1), glyphOrigin: SpicePoint(x: 0, y: 0), width: 2, height: 2,
                                  data: buffer([0x40, 0x80]))
        try c.apply(.drawText(D.DrawText(base: base(0, 0, 4, 3), string: D.GlyphString(flags: .rasterA1, glyphs: [glyph]),
                                         backArea: rect(0, 0, 4, 1), foreBrush: .solid(color: 0xFFFFFF), backBrush: .solid(color: 0x0000FF),
                                         foreMode: .opPut, backMode: .opPut)))
        #expect(c.rows(legend) == ["BBBB", ".W..", "..W."])
    }

    @Test("TEXT: glyphs partly or far off the surface are cut to it; short glyph data is refused even off-surface")
    func textClippedToSurface() throws {
        let c = try makeCanvas(4, 3)
        // A8 glyphs, top-down: one straddling the left edge, one 30000 px away (a mask of the
        // union would be 30000×30000).
        let edge = D.RasterGlyph(renderPosition: SpicePoint(x: -1, y: 0), glyphOrigin: SpicePoint(x: 0, y: 0), width: 3, height: 2,
                                 data: buffer([0xFF, 0xFF, 0x00, 0x00, 0x00, 0xFF]))
        let far = D.RasterGlyph(renderPosition: SpicePoint(x: 30000, y: 30000), glyphOrigin: SpicePoint(x: 0, y: 0), width: 1, height: 1,
                                data: buffer([0xFF]))
        let flags: D.StringFlags = [.rasterA8, .rasterTopDown]
        func text(_ glyphs: [D.RasterGlyph]) -> D.ServerMessage {
            .drawText(D.DrawText(base: base(0, 0, 4, 3), string: D.GlyphString(flags: flags, glyphs: glyphs), backArea: rect(0, 0, 0, 0),
                                 foreBrush: .solid(color: 0xFFFFFF), backBrush: .solid(color: 0), foreMode: .opPut, backMode: .opPut))
        }
        try c.apply(text([edge, far]))
        #expect(c.rows(legend) == ["W...", ".W..", "...."])
        let short = D.RasterGlyph(renderPosition: SpicePoint(x: 30000, y: 0), glyphOrigin: SpicePoint(x: 0, y: 0), width: 2, height: 2,
                                  data: buffer([0xFF]))
        #expect(throws: CanvasError.self) { try c.apply(text([short])) }
    }

    @Test("STROKE: zero-width line, last point excluded")
    func stroke() throws {
        let c = try makeCanvas(5, 2)
        let path = D.Path(segments: [D.PathSegment(flags: [.begin, .end], points: [SpicePoint(x: 0, y: 16), SpicePoint(x: 4 << 4, y: 16)])])
        try c.apply(.drawStroke(D.DrawStroke(base: base(0, 0, 5, 2), path: path, attributes: D.LineAttr(flags: []), brush: .solid(color: 0xFF0000), foreMode: .opPut, backMode: .opPut)))
        #expect(c.rows(legend) == [".....", "RRRR."])
    }

    @Test("COPY_BITS moves pixels, overlap-safe")
    func copyBits() throws {
        let c = try makeCanvas(4, 1)
        try c.apply(.drawCopy(D.DrawCopy(base: base(0, 0, 3, 1), sourceBitmap: bitmap32(3, 1, [0xFF0000, 0x00FF00, 0x0000FF]), sourceArea: rect(0, 0, 3, 1))))
        try c.apply(.copyBits(D.CopyBits(base: base(1, 0, 3, 1), sourcePosition: SpicePoint(x: 0, y: 0))))
        #expect(c.rows(legend) == ["RRGB"])
    }

    @Test("Malformed input is refused, not a crash")
    func malformed() throws {
        let c = try makeCanvas(2, 2)
        #expect(throws: CanvasError.self) { try c.apply(.drawFill(D.DrawFill(base: base(0, 0, 1, 1, surface: 9), brush: .solid(color: 1), ropDescriptor: .opPut))) }
        let short = D.Bitmap(format: .thirtyTwoBit, flags: .topDown, width: 4, height: 4, stride: 16, data: buffer([1, 2, 3]))
        #expect(throws: CanvasError.self) { try c.apply(.drawCopy(D.DrawCopy(base: base(0, 0, 1, 1), sourceBitmap: D.Image(id: 1, width: 4, height: 4, content: .bitmap(short)), sourceArea: rect(0, 0, 1, 1)))) }
        #expect(throws: CanvasError.self) { try c.apply(.drawCopy(D.DrawCopy(base: base(0, 0, 2, 2), sourceBitmap: bitmap32(1, 1, [0]), sourceArea: rect(0, 0, 2, 2)))) }
        #expect(throws: CanvasError.self) { try c.apply(.surfaceCreate(D.SurfaceCreate(surfaceID: 1, width: 1 << 20, height: 1 << 20, format: .xrgb32, flags: []))) }
        // Boxes outside the surface are cut, not written out of bounds.
        try c.apply(.drawFill(D.DrawFill(base: base(-5, -5, 100, 100), brush: .solid(color: 0xFF0000), ropDescriptor: .opPut)))
        #expect(c.pixel(1, 1) == 0xFF0000)
    }
}

@Suite("Client canvas: hostile geometry")
struct CanvasHostileTests {
    @Test("Rectangles spanning more than Int32 neither trap nor write outside")
    func hugeRects() throws {
        let c = try makeCanvas(4, 4)
        let huge = SpiceRect(top: Int32.min, left: Int32.min, bottom: Int32.max, right: Int32.max)
        try c.apply(.drawFill(D.DrawFill(base: D.DisplayBase(surfaceID: 0, box: huge), brush: .solid(color: 0xFF0000), ropDescriptor: .opPut)))
        #expect(c.pixel(3, 3) == 0xFF0000)
        try c.apply(.copyBits(D.CopyBits(base: D.DisplayBase(surfaceID: 0, box: huge), sourcePosition: SpicePoint(x: Int32.max, y: Int32.min))))
        #expect(throws: CanvasError.self) {
            try c.apply(.drawCopy(D.DrawCopy(base: D.DisplayBase(surfaceID: 0, box: huge), sourceBitmap: bitmap32(1, 1, [0]), sourceArea: huge)))
        }
    }
}
