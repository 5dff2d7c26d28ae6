import SpiceProtocol

/// DRAW_COMPOSITE: pixman_image_composite32(op, src, mask, dest-box) as spice-common calls it,
/// with the source/mask transforms, repeat modes and component alpha; nearest sampling.
extension ClientCanvas {
    /// How an image is read outside its bounds (`pixman_repeat_t`).
    enum Repeat: UInt32 { case none = 0, normal, pad, reflect }

    /// A composite operand: pixels, an optional 16.16 affine transform, a repeat mode.
    struct Operand {
        var image: CanvasImage
        var forceOpaque: Bool
        var transform: DisplayChannel.Transform?
        var repeatMode: Repeat

        @inline(__always)
        func sample(_ x: Int, _ y: Int) -> UInt32 {
            var sx = x, sy = y
            if let t = transform {
                // Pixel centre through the matrix, then the pixel that contains it.
                let cx = Int64(x) << 16 + 0x8000, cy = Int64(y) << 16 + 0x8000
                // Wrapping arithmetic: a hostile matrix gives a wrong pixel, never a trap.
                let tx = (Int64(Int32(bitPattern: t.t00)) &* cx &+ Int64(Int32(bitPattern: t.t01)) &* cy) >> 16 &+ Int64(Int32(bitPattern: t.t02))
                let ty = (Int64(Int32(bitPattern: t.t10)) &* cx &+ Int64(Int32(bitPattern: t.t11)) &* cy) >> 16 &+ Int64(Int32(bitPattern: t.t12))
                sx = Int((tx &- 1) >> 16)
                sy = Int((ty &- 1) >> 16)
            }
            let w = image.width, h = image.height
            guard w > 0, h > 0 else { return 0 }
            switch repeatMode {
            case .none:
                guard sx >= 0, sy >= 0, sx < w, sy < h else { return 0 }
            case .normal:
                sx = ((sx % w) + w) % w
                sy = ((sy % h) + h) % h
            case .pad:
                sx = min(max(sx, 0), w - 1)
                sy = min(max(sy, 0), h - 1)
            case .reflect:
                sx = ((sx % (2 * w)) + 2 * w) % (2 * w)
                if sx >= w { sx = 2 * w - 1 - sx }
                sy = ((sy % (2 * h)) + 2 * h) % (2 * h)
                if sy >= h { sy = 2 * h - 1 - sy }
            }
            let p = image.argb(sx, sy)
            return forceOpaque ? p | 0xFF00_0000 : p
        }
    }

    func composite(_ m: DisplayChannel.DrawComposite) throws -> Damage? {
        let flags = m.flags.rawValue
        func bits(_ lo: UInt32, _ hi: UInt32) -> UInt32 { (flags >> lo) & ((1 << (hi - lo)) - 1) }
        let op = UInt8(bits(0, 8))
        guard op <= 13 else { throw CanvasError("composite operator \(op) is not supported") }
        let src = Operand(image: try image(m.sourceBitmap), forceOpaque: m.flags.contains(.sourceOpaque),
                          transform: m.sourceTransform, repeatMode: Repeat(rawValue: bits(14, 16)) ?? .none)
        var mask: Operand?
        if let mb = m.maskBitmap {
            mask = Operand(image: try image(mb), forceOpaque: false, transform: m.maskTransform,
                           repeatMode: Repeat(rawValue: bits(16, 18)) ?? .none)
        }
        let componentAlpha = m.flags.contains(.componentAlpha)
        let destOpaque = m.flags.contains(.destOpaque)
        let box = m.base.box
        let so = (Int(m.sourceOrigin.x), Int(m.sourceOrigin.y)), mo = (Int(m.maskOrigin.x), Int(m.maskOrigin.y))
        try withSurface(m.base.surfaceID) { s in
            let r = try region(m.base, on: s)
            r.forEach { x, y in
                let i = x - Int(box.left), j = y - Int(box.top)
                var sp = src.sample(so.0 + i, so.1 + j)
                var d = s.argb(x, y)
                if destOpaque { d |= 0xFF00_0000 }
                let result: UInt32?
                if let mask {
                    let mp = mask.sample(mo.0 + i, mo.1 + j)
                    if componentAlpha && mask.image.format != .a8 && mask.image.format != .a1 {
                        let sa = sp >> 24
                        sp = Pixman.map { Pixman.mul(Pixman.channel(sp, $0), Pixman.channel(mp, $0)) }
                        result = Pixman.combine(op: op, s: sp, d: d) { Pixman.mul(sa, Pixman.channel(mp, $0)) }
                    } else {
                        sp = Pixman.mulPixel(sp, mp >> 24)
                        let sa = sp >> 24
                        result = Pixman.combine(op: op, s: sp, d: d) { _ in sa }
                    }
                } else {
                    let sa = sp >> 24
                    result = Pixman.combine(op: op, s: sp, d: d) { _ in sa }
                }
                guard var v = result else { return }
                if destOpaque { v |= 0xFF00_0000 }
                s.store(x, y, v)
            }
        }
        return damage(m.base)
    }
}
