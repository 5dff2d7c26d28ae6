import SpiceProtocol

/// DRAW_TEXT: the back brush over `back_area`, then the fore brush OVER the glyph mask (A1, A4
/// or A8 glyphs, rows bottom-up as spice-common reads them).
extension ClientCanvas {
    func text(_ m: DisplayChannel.DrawText) throws -> Damage? {
        guard let bpp = m.string.flags.bitsPerPixel else { throw CanvasError("text without raster glyphs") }
        let fore = try paint(m.foreBrush)
        let back = try paint(m.backBrush)
        try withSurface(m.base.surfaceID) { s in
            let r = try region(m.base, on: s)
            // Only the part of the glyphs' box inside the drawn region is ever read: a server
            // cannot make the mask larger than the surface by spreading glyphs far apart.
            let mask = try glyphMask(m.string, bitsPerPixel: bpp, within: r)
            if m.backArea.right > m.backArea.left && m.backArea.bottom > m.backArea.top {
                var backRegion = r
                backRegion.intersect(m.backArea)
                drawBrush(back, rop: .copy, region: backRegion, on: &s)
            }
            guard let mask else { return }
            r.forEach { x, y in
                let mx = x - mask.x, my = y - mask.y
                guard mx >= 0, my >= 0, mx < mask.image.width, my < mask.image.height else { return }
                let a = mask.image.pixels[my * mask.image.width + mx] >> 24
                guard a != 0 else { return }
                let src = Pixman.mulPixel(fore.pixel(x, y) | 0xFF00_0000, a)
                var v = Pixman.over(src, s.argb(x, y))
                if s.format == .xrgb { v &= 0x00FF_FFFF }  // spice-gtk clears the alpha of xRGB text
                s.store(x, y, v)
            }
        }
        return damage(m.base)
    }

    /// The union of the glyph boxes, cut to the bounds of `region`, as an alpha image and its
    /// top-left corner; nil when nothing of it is inside. Every glyph's data is checked, drawn or not.
    func glyphMask(_ string: DisplayChannel.GlyphString, bitsPerPixel bpp: Int,
                   within region: CanvasRegion) throws -> (image: CanvasImage, x: Int, y: Int)? {
        guard !string.glyphs.isEmpty else { return nil }
        var l = Int.max, t = Int.max, r = Int.min, b = Int.min
        for g in string.glyphs {
            let gl = Int(g.renderPosition.x) + Int(g.glyphOrigin.x), gt = Int(g.renderPosition.y) + Int(g.glyphOrigin.y)
            l = min(l, gl); t = min(t, gt); r = max(r, gl + Int(g.width)); b = max(b, gt + Int(g.height))
            guard g.data.readableBytes >= (bpp * Int(g.width) + 7) / 8 * Int(g.height) else { throw CanvasError("glyph data is too short") }
        }
        l = max(l, region.x0); t = max(t, region.y0); r = min(r, region.x1); b = min(b, region.y1)
        let w = r - l, h = b - t
        guard w > 0, h > 0 else { return nil }
        var out = CanvasImage(width: w, height: h, format: .a8)
        let topDown = string.flags.contains(.rasterTopDown)
        for g in string.glyphs {
            let gw = Int(g.width), gh = Int(g.height)
            let stride = (bpp * gw + 7) / 8
            let ox = Int(g.renderPosition.x) + Int(g.glyphOrigin.x) - l
            let oy = Int(g.renderPosition.y) + Int(g.glyphOrigin.y) - t
            // The glyph's rows and columns that fall inside the mask.
            let x0 = max(0, -ox), x1 = min(gw, w - ox), y0 = max(0, -oy), y1 = min(gh, h - oy)
            guard x0 < x1, y0 < y1 else { continue }
            g.data.withUnsafeReadableBytes { data in
                for row in y0..<y1 {
                    let src = (topDown ? row : gh - 1 - row) * stride
                    for x in x0..<x1 {
                        let a: UInt32
                        switch bpp {
                        case 1: a = (data[src + x / 8] >> (7 - UInt8(x & 7))) & 1 != 0 ? 255 : 0
                        case 4: a = UInt32(x & 1 == 0 ? data[src + x / 2] & 0xF0 : (data[src + x / 2] << 4) & 0xF0)
                        default: a = UInt32(data[src + x])
                        }
                        let i = (oy + row) * w + ox + x
                        if a << 24 > out.pixels[i] { out.pixels[i] = a << 24 }
                    }
                }
            }
        }
        return (out, l, t)
    }
}
