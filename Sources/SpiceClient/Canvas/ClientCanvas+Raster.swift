import SpiceProtocol

/// The building blocks of the draw commands: regions, brushes, blits (plain, ROP, colour key,
/// scaled). Semantics follow spice-common's canvas_base.c / sw_canvas.c.
extension ClientCanvas {
    /// box ∩ surface ∩ clip ∩ mask, as `canvas_clip_pixman` + `canvas_mask_pixman` build it.
    /// The mask is resolved before: its image may be a surface, and a draw holds its target
    /// surface exclusively while it builds the region (`resolve(mask:)` outside `withSurface`).
    func region(_ base: DisplayChannel.DisplayBase, on s: CanvasImage, mask: ResolvedMask? = nil) throws -> CanvasRegion {
        var r = CanvasRegion(rect: base.box, surfaceWidth: s.width, surfaceHeight: s.height)
        r.clip(base.clip)
        if let mask {
            r.apply(mask: mask.image, maskOrigin: mask.origin, at: (Int(base.box.left), Int(base.box.top)), inverted: mask.inverted)
        }
        return r
    }

    /// A QMask's 1-bit image with where and how it applies.
    struct ResolvedMask {
        let image: CanvasImage
        let origin: (x: Int, y: Int)
        let inverted: Bool
    }

    /// The mask's pixels (from the wire, the cache or a surface); nil when the draw has none.
    func resolve(mask: DisplayChannel.QMask) throws -> ResolvedMask? {
        guard let bitmap = mask.bitmap else { return nil }
        return ResolvedMask(image: try self.mask(bitmap), origin: (Int(mask.position.x), Int(mask.position.y)),
                            inverted: mask.flags.contains(.invers))
    }

    /// A brush resolved to something that gives a pixel per destination position.
    enum Paint {
        case none
        case solid(UInt32)
        case tile(CanvasImage, x: Int, y: Int)

        @inline(__always)
        func pixel(_ x: Int, _ y: Int) -> UInt32 {
            switch self {
            case .none: return 0
            case .solid(let c): return c
            case .tile(let t, let ox, let oy):
                let tx = ((x - ox) % t.width + t.width) % t.width
                let ty = ((y - oy) % t.height + t.height) % t.height
                return t.argb(tx, ty)
            }
        }
    }

    func paint(_ brush: DisplayChannel.Brush) throws -> Paint {
        switch brush {
        case .none: return .none
        case .solid(let c): return .solid(c)
        case .pattern(let p):
            let tile = try image(p.image)
            guard tile.width > 0, tile.height > 0 else { throw CanvasError("empty pattern") }
            return .tile(tile, x: Int(p.position.x), y: Int(p.position.y))
        }
    }

    /// `draw_brush`: the brush through `rop` onto every pixel of `region`.
    func drawBrush(_ paint: Paint, rop: CanvasROP, region: CanvasRegion, on s: inout CanvasImage) {
        if rop == .copy, case .solid(let c) = paint, s.format == .xrgb || s.format == .argb {
            // A plain fill by runs (most FILLs).
            let w = s.width
            s.pixels.withUnsafeMutableBufferPointer { d in
                region.forEachRun { y, a, b in
                    let row = y * w
                    for x in a..<b { d[row + x] = c }
                }
            }
            return
        }
        region.forEach { x, y in
            let i = y * s.width + x
            s.pixels[i] = rop.apply(source: paint.pixel(x, y), dest: s.pixels[i])
        }
    }

    /// Where each destination pixel of `box` reads from in `src` (`area` of it): same size is a
    /// translation, otherwise nearest-neighbour scaling sampled at pixel centres.
    struct SourceMap {
        let box: SpiceRect
        let area: SpiceRect
        let scaled: Bool

        init(box: SpiceRect, area: SpiceRect) {
            self.box = box
            self.area = area
            scaled = box.spanX != area.spanX || box.spanY != area.spanY
        }

        @inline(__always)
        func source(_ x: Int, _ y: Int) -> (Int, Int) {
            let dx = x - Int(box.left), dy = y - Int(box.top)
            if !scaled { return (Int(area.left) + dx, Int(area.top) + dy) }
            let bw = max(1, box.spanX), bh = max(1, box.spanY)
            return (Int(area.left) + (2 * dx + 1) * area.spanX / (2 * bw),
                    Int(area.top) + (2 * dy + 1) * area.spanY / (2 * bh))
        }
    }

    /// Checks that `area` lies inside the source image (spice-gtk refuses such draws).
    func checkArea(_ area: SpiceRect, in src: CanvasImage) throws {
        try checkArea(area, width: src.width, height: src.height)
    }

    func checkArea(_ area: SpiceRect, width: Int, height: Int) throws {
        guard area.left >= 0, area.top >= 0, area.right >= area.left, area.bottom >= area.top,
              Int(area.right) <= width, Int(area.bottom) <= height else {
            throw CanvasError("source area \(area) is outside the \(width)x\(height) image")
        }
    }

    /// `blit_image` / `blit_image_rop` / `scale_image(_rop)`.
    func blit(_ src: CanvasImage, area: SpiceRect, box: SpiceRect, rop: CanvasROP, region: CanvasRegion, on s: inout CanvasImage) {
        let map = SourceMap(box: box, area: area)
        if !map.scaled, rop == .copy, s.format == .xrgb || s.format == .argb {
            copyRuns(src, dx: Int(area.left) - Int(box.left), dy: Int(area.top) - Int(box.top), region: region, on: &s)
            return
        }
        region.forEach { x, y in
            let (sx, sy) = map.source(x, y)
            guard sx >= 0, sy >= 0, sx < src.width, sy < src.height else { return }
            let v = src.argb(sx, sy)
            let i = y * s.width + x
            s.store(x, y, rop == .copy ? v : rop.apply(source: v, dest: s.pixels[i]))
        }
    }

    /// The unscaled COPY blit by runs: what `argb` + `store` do per pixel, without the per-pixel
    /// calls (every full-screen frame of a bitmap, QUIC, LZ or GLZ image goes through here).
    private func copyRuns(_ src: CanvasImage, dx: Int, dy: Int, region: CanvasRegion, on s: inout CanvasImage) {
        let sw = src.width, sh = src.height
        src.pixels.withUnsafeBytes { raw in
            switch src.format {
            case .xrgb, .argb:
                copyRows32(raw, width: sw, height: sh, stride: sw * 4, topDown: true, alpha: src.format == .argb,
                           dx: dx, dy: dy, region: region, on: &s)
            case .a8, .a1:
                let sp = raw.bindMemory(to: UInt32.self), w = s.width
                s.pixels.withUnsafeMutableBufferPointer { d in
                    region.forEachRun { y, a, b in
                        let sy = y + dy
                        guard sy >= 0, sy < sh else { return }
                        let from = max(a, -dx), to = min(b, sw - dx)
                        guard from < to else { return }
                        let srow = sy * sw + dx, drow = y * w
                        for x in from..<to { d[drow + x] = sp[srow + x] & 0xFF00_0000 }
                    }
                }
            }
        }
    }

    /// COPY from 32-bit little-endian rows (xRGB, or ARGB when `alpha`) at offset (dx, dy) into
    /// an xRGB/ARGB surface: a row copy when the surface does not keep alpha or the source has
    /// it, else the rows with alpha forced opaque (what `argb` + `store` give).
    func copyRows32(_ raw: UnsafeRawBufferPointer, width sw: Int, height sh: Int, stride: Int, topDown: Bool, alpha: Bool,
                    dx: Int, dy: Int, region: CanvasRegion, on s: inout CanvasImage) {
        guard let base = raw.baseAddress, sw > 0, sh > 0, raw.count >= stride * (sh - 1) + sw * 4 else { return }
        let w = s.width
        let plain = s.format == .xrgb || alpha
        s.pixels.withUnsafeMutableBufferPointer { d in
            guard let dst = d.baseAddress else { return }
            region.forEachRun { y, a, b in
                let sy = y + dy
                guard sy >= 0, sy < sh else { return }
                let from = max(a, -dx), to = min(b, sw - dx)
                guard from < to else { return }
                let row = base + (topDown ? sy : sh - 1 - sy) * stride + (from + dx) * 4
                let out = dst + y * w + from
                #if _endian(little)
                if plain {
                    UnsafeMutableRawPointer(out).copyMemory(from: row, byteCount: (to - from) * 4)
                    return
                }
                #endif
                for i in 0..<(to - from) {
                    let v = row.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self).littleEndian
                    out[i] = alpha ? v : v | 0xFF00_0000
                }
            }
        }
    }
}
