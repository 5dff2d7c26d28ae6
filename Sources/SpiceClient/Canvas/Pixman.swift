/// Pixman's 8-bit-per-channel arithmetic on premultiplied ARGB (pixman-combine32.c), so
/// composited pixels round exactly as spice-gtk's software canvas rounds them.
enum Pixman {
    /// x·a/255, rounded like pixman's MUL_UN8.
    @inline(__always)
    static func mul(_ x: UInt32, _ a: UInt32) -> UInt32 {
        let t = x * a &+ 0x80
        return ((t >> 8) &+ t) >> 8
    }

    /// min(255, (x·a + y·b)/255), like UN8x4_MUL_UN8_ADD_UN8x4_MUL_UN8 per channel.
    @inline(__always)
    static func mulAdd(_ x: UInt32, _ a: UInt32, _ y: UInt32, _ b: UInt32) -> UInt32 {
        let t = x * a &+ y * b &+ 0x80
        return min(255, ((t >> 8) &+ t) >> 8)
    }

    @inline(__always)
    static func channel(_ p: UInt32, _ i: Int) -> UInt32 { (p >> (8 * UInt32(i))) & 0xFF }

    @inline(__always)
    static func map(_ body: (Int) -> UInt32) -> UInt32 {
        body(0) | body(1) << 8 | body(2) << 16 | body(3) << 24
    }

    /// Every channel of `p` times `a`/255.
    @inline(__always)
    static func mulPixel(_ p: UInt32, _ a: UInt32) -> UInt32 { map { mul(channel(p, $0), a) } }

    /// s + d·(1 − αs): OVER.
    @inline(__always)
    static func over(_ s: UInt32, _ d: UInt32) -> UInt32 {
        let ia = 255 - (s >> 24)
        return map { min(255, channel(s, $0) + mul(channel(d, $0), ia)) }
    }

    /// The unified Porter-Duff operators 0...13 of `pixman_op_t` (CLEAR ... SATURATE); nil for
    /// the others. `sa` is the alpha to use for the source in the destination factor (it
    /// differs from s's alpha with component-alpha masks: one value per channel then).
    static func combine(op: UInt8, s: UInt32, d: UInt32, sa: (Int) -> UInt32) -> UInt32? {
        let da = d >> 24
        switch op {
        case 0: return 0
        case 1: return s
        case 2: return d
        case 3: return map { min(255, channel(s, $0) + mul(channel(d, $0), 255 - sa($0))) }
        case 4: return map { min(255, channel(d, $0) + mul(channel(s, $0), 255 - da)) }
        case 5: return map { mul(channel(s, $0), da) }
        case 6: return map { mul(channel(d, $0), sa($0)) }
        case 7: return map { mul(channel(s, $0), 255 - da) }
        case 8: return map { mul(channel(d, $0), 255 - sa($0)) }
        case 9: return map { mulAdd(channel(s, $0), da, channel(d, $0), 255 - sa($0)) }
        case 10: return map { mulAdd(channel(s, $0), 255 - da, channel(d, $0), sa($0)) }
        case 11: return map { mulAdd(channel(s, $0), 255 - da, channel(d, $0), 255 - sa($0)) }
        case 12: return map { min(255, channel(s, $0) + channel(d, $0)) }
        case 13:
            // SATURATE: s scaled down so it fits in what the destination has left, then ADD.
            let room = 255 - da
            return map { i in
                let a = sa(i)
                let si = a > room && a > 0 ? channel(s, i) * room / a : channel(s, i)
                return min(255, si + channel(d, i))
            }
        default: return nil
        }
    }
}
