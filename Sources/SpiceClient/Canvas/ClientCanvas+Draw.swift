import SpiceProtocol

/// The draw commands, one function each, as spice-common's canvas renders them.
extension ClientCanvas {
    /// What changed: the surface and the rectangle (the draw's box cut to the surface).
    public struct Damage: Equatable, Sendable {
        public var surfaceID: UInt32
        public var box: SpiceRect
    }

    /// Applies one display-channel message that changes surfaces or caches. Returns the damage
    /// of a draw (nil for other messages). Throws on anything malformed.
    @discardableResult
    public func apply(_ message: DisplayChannel.ServerMessage) throws -> Damage? {
        messageCounts[message.messageType, default: 0] += 1
        switch message {
        case .surfaceCreate(let m):
            try createSurface(id: m.surfaceID, width: Int(m.width), height: Int(m.height), format: m.format,
                              primary: m.flags.contains(.primary))
            return nil
        case .surfaceDestroy(let m):
            destroySurface(id: m.surfaceID)
            return nil
        case .reset:
            reset()
            return nil
        case .invalList(let m):
            invalidatePixmaps(m.resources.map(\.id))
            return nil
        case .invalAllPixmaps:
            invalidateAllPixmaps()
            return nil
        case .invalPalette(let m):
            invalidatePalette(m.id)
            return nil
        case .invalAllPalettes:
            invalidateAllPalettes()
            return nil
        case .drawFill(let m): return try fill(m)
        case .drawCopy(let m):
            return try copy(base: m.base, source: m.sourceBitmap, area: m.sourceArea,
                            rop: CanvasROP(m.ropDescriptor, source: .source, dest: .dest), mask: m.mask)
        case .drawBlend(let m):
            return try copy(base: m.base, source: m.sourceBitmap, area: m.sourceArea,
                            rop: CanvasROP(m.ropDescriptor, source: .source, dest: .dest), mask: m.mask)
        case .drawOpaque(let m): return try opaque(m)
        case .drawBlackness(let m): return try solid(base: m.base, mask: m.mask, rop: .clear)
        case .drawWhiteness(let m): return try solid(base: m.base, mask: m.mask, rop: .set)
        case .drawInvers(let m): return try solid(base: m.base, mask: m.mask, rop: .invert)
        case .drawRop3(let m): return try rop3(m)
        case .drawTransparent(let m): return try transparent(m)
        case .drawAlphaBlend(let m): return try alphaBlend(m)
        case .drawComposite(let m): return try composite(m)
        case .drawText(let m): return try text(m)
        case .drawStroke(let m): return try stroke(m)
        case .copyBits(let m): return try copyBits(m)
        case .streamCreate(let m):
            try createStream(m)
            return nil
        case .streamData(let m): return try streamFrame(id: m.id, data: m.data)
        case .streamDataSized(let m):
            return try streamFrame(id: m.id, data: m.data, sized: (m.width, m.height, m.destination))
        case .streamClip(let m):
            try clipStream(m)
            return nil
        case .streamDestroy(let m):
            try destroyStream(m.id)
            return nil
        case .streamDestroyAll:
            streams.removeAll()
            return nil
        // STREAM_ACTIVATE_REPORT is for clients with the STREAM_REPORT capability, which we do
        // not advertise: ignored like the other messages without pixels.
        default:
            return nil
        }
    }

    func damage(_ base: DisplayChannel.DisplayBase) -> Damage { Damage(surfaceID: base.surfaceID, box: base.box) }

    func fill(_ m: DisplayChannel.DrawFill) throws -> Damage? {
        let paint = try self.paint(m.brush)
        let resolvedMask = try resolve(mask: m.mask)
        try withSurface(m.base.surfaceID) { s in
            let r = try region(m.base, on: s, mask: resolvedMask)
            drawBrush(paint, rop: CanvasROP(m.ropDescriptor, source: .brush, dest: .dest), region: r, on: &s)
        }
        return damage(m.base)
    }

    /// DRAW_COPY and DRAW_BLEND: the source image through the ROP (scaled when the sizes differ).
    func copy(base: DisplayChannel.DisplayBase, source: DisplayChannel.Image, area: SpiceRect, rop: CanvasROP,
              mask: DisplayChannel.QMask) throws -> Damage? {
        var decoded: CanvasImage?
        if rop == .copy {
            switch try copyDirect(base: base, source: source, area: area, mask: mask) {
            case .drawn: return damage(base)
            case .decoded(let image): decoded = image
            case .notApplicable: break
            }
        }
        let src = try decoded ?? image(source)
        try checkArea(area, in: src)
        let resolvedMask = try resolve(mask: mask)
        try withSurface(base.surfaceID) { s in
            let r = try region(base, on: s, mask: resolvedMask)
            blit(src, area: area, box: base.box, rop: rop, region: r, on: &s)
        }
        return damage(base)
    }

    /// DRAW_OPAQUE: the source copied, then the brush through the ROP (brush = source input,
    /// the copied image = destination input).
    func opaque(_ m: DisplayChannel.DrawOpaque) throws -> Damage? {
        let src = try image(m.sourceBitmap)
        try checkArea(m.sourceArea, in: src)
        let paint = try self.paint(m.brush)
        let resolvedMask = try resolve(mask: m.mask)
        try withSurface(m.base.surfaceID) { s in
            let r = try region(m.base, on: s, mask: resolvedMask)
            blit(src, area: m.sourceArea, box: m.base.box, rop: .copy, region: r, on: &s)
            drawBrush(paint, rop: CanvasROP(m.ropDescriptor, source: .brush, dest: .source), region: r, on: &s)
        }
        return damage(m.base)
    }

    /// BLACKNESS, WHITENESS, INVERS.
    func solid(base: DisplayChannel.DisplayBase, mask: DisplayChannel.QMask, rop: CanvasROP) throws -> Damage? {
        let resolvedMask = try resolve(mask: mask)
        try withSurface(base.surfaceID) { s in
            let r = try region(base, on: s, mask: resolvedMask)
            drawBrush(.none, rop: rop, region: r, on: &s)
        }
        return damage(base)
    }

    /// DRAW_ROP3: `rop3(pattern, source, dest)` per pixel; the brush is a colour or a pattern.
    func rop3(_ m: DisplayChannel.DrawRop3) throws -> Damage? {
        let src = try image(m.sourceBitmap)
        try checkArea(m.sourceArea, in: src)
        let paint = try self.paint(m.brush)
        let map = SourceMap(box: m.base.box, area: m.sourceArea)
        // spice-common aligns the pattern to the box: (box.left - pos.x) mod width is its first column.
        let resolvedMask = try resolve(mask: m.mask)
        try withSurface(m.base.surfaceID) { s in
            let r = try region(m.base, on: s, mask: resolvedMask)
            r.forEach { x, y in
                let (sx, sy) = map.source(x, y)
                guard sx >= 0, sy >= 0, sx < src.width, sy < src.height else { return }
                let i = y * s.width + x
                s.pixels[i] = SpiceClient.rop3(m.rop3, pattern: paint.pixel(x, y), source: src.pixels[sy * src.width + sx], dest: s.pixels[i])
            }
        }
        return damage(m.base)
    }

    /// DRAW_TRANSPARENT: the source where its RGB differs from `trueColor` (colour key).
    func transparent(_ m: DisplayChannel.DrawTransparent) throws -> Damage? {
        let src = try image(m.sourceBitmap)
        try checkArea(m.sourceArea, in: src)
        let map = SourceMap(box: m.base.box, area: m.sourceArea)
        let key = m.trueColor & 0xFF_FFFF
        try withSurface(m.base.surfaceID) { s in
            let r = try region(m.base, on: s)
            r.forEach { x, y in
                let (sx, sy) = map.source(x, y)
                guard sx >= 0, sy >= 0, sx < src.width, sy < src.height else { return }
                let v = src.argb(sx, sy)
                if v & 0xFF_FFFF != key { s.store(x, y, v) }
            }
        }
        return damage(m.base)
    }

    /// DRAW_ALPHA_BLEND: source OVER destination with a global alpha (source alpha only when the
    /// source has it), nearest-neighbour when scaled.
    func alphaBlend(_ m: DisplayChannel.DrawAlphaBlend) throws -> Damage? {
        let src = try image(m.sourceBitmap)
        guard m.alpha != 0 else { return nil }
        try checkArea(m.sourceArea, in: src)
        let map = SourceMap(box: m.base.box, area: m.sourceArea)
        let srcHasAlpha = src.format == .argb || src.format == .a8 ||
            (m.alphaFlags.contains(.srcSurfaceHasAlpha) && src.format != .xrgb)
        let alpha = UInt32(m.alpha)
        try withSurface(m.base.surfaceID) { s in
            let r = try region(m.base, on: s)
            r.forEach { x, y in
                let (sx, sy) = map.source(x, y)
                guard sx >= 0, sy >= 0, sx < src.width, sy < src.height else { return }
                var v = src.argb(sx, sy)
                if !srcHasAlpha { v |= 0xFF00_0000 }
                let sIn = alpha == 255 ? v : Pixman.mulPixel(v, alpha)
                s.store(x, y, Pixman.over(sIn, s.argb(x, y)))
            }
        }
        return damage(m.base)
    }

    /// COPY_BITS: a rectangle of the surface moves by (box.left - src.x, box.top - src.y).
    func copyBits(_ m: DisplayChannel.CopyBits) throws -> Damage? {
        try withSurface(m.base.surfaceID) { s in
            var r = try region(m.base, on: s)
            let dx = Int(m.base.box.left) - Int(m.sourcePosition.x), dy = Int(m.base.box.top) - Int(m.sourcePosition.y)
            guard dx != 0 || dy != 0 else { return }
            r.intersect(left: dx, top: dy, right: dx + s.width, bottom: dy + s.height)
            let old = s.pixels
            let w = s.width
            r.forEach { x, y in s.pixels[y * w + x] = old[(y - dy) * w + (x - dx)] }
        }
        return damage(m.base)
    }
}
