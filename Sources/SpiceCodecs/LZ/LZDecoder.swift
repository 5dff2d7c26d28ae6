/// Decoder of SPICE LZ streams (spice-common `lz_decompress_tmpl.c`), written for hostile input:
/// the header is validated and the image size bounded before anything is allocated, every
/// back-reference is checked against what has been produced and every length against what
/// remains, and every read against the end of the input.

/// How literal units are stored: stream bytes per unit, output bytes per unit.
protocol LZUnitLayout {
    static var inBytes: Int { get }
    static var outBytes: Int { get }
    /// Copies back-references only into the alpha byte (offset 3) of 4-byte pixels.
    static var alphaOnly: Bool { get }
    static func literal(_ src: UnsafePointer<UInt8>, _ dst: UnsafeMutablePointer<UInt8>)
}

/// RGB24/RGB32 stream (B, G, R) into 4-byte B, G, R, 0.
enum UnitRGB32: LZUnitLayout {
    static var inBytes: Int { 3 }
    static var outBytes: Int { 4 }
    static var alphaOnly: Bool { false }
    @inline(__always) static func literal(_ s: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>) {
        d[0] = s[0]; d[1] = s[1]; d[2] = s[2]; d[3] = 0
    }
}

/// RGB24/RGB32 stream into 3-byte B, G, R.
enum UnitRGB24: LZUnitLayout {
    static var inBytes: Int { 3 }
    static var outBytes: Int { 3 }
    static var alphaOnly: Bool { false }
    @inline(__always) static func literal(_ s: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>) {
        d[0] = s[0]; d[1] = s[1]; d[2] = s[2]
    }
}

/// RGB16 stream (high byte first) into little-endian u16.
enum UnitRGB16: LZUnitLayout {
    static var inBytes: Int { 2 }
    static var outBytes: Int { 2 }
    static var alphaOnly: Bool { false }
    @inline(__always) static func literal(_ s: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>) {
        d[0] = s[1]; d[1] = s[0]
    }
}

/// RGB16 stream widened to 4-byte B, G, R, 0 (what spice-gtk's GLZ decoder produces).
enum UnitRGB16To32: LZUnitLayout {
    static var inBytes: Int { 2 }
    static var outBytes: Int { 4 }
    static var alphaOnly: Bool { false }
    @inline(__always) static func literal(_ s: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>) {
        let p = Int(s[0]) << 8 | Int(s[1])
        let r = (p >> 10) & 31, g = (p >> 5) & 31, b = p & 31
        d[0] = UInt8((b << 3) | (b >> 2)); d[1] = UInt8((g << 3) | (g >> 2))
        d[2] = UInt8((r << 3) | (r >> 2)); d[3] = 0
    }
}

/// One byte per unit: palette bytes, A8, XXXA decoded to a plane.
enum UnitByte: LZUnitLayout {
    static var inBytes: Int { 1 }
    static var outBytes: Int { 1 }
    static var alphaOnly: Bool { false }
    @inline(__always) static func literal(_ s: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>) {
        d[0] = s[0]
    }
}

/// The alpha pass of RGBA: one stream byte into byte 3 of a 4-byte pixel.
enum UnitAlpha: LZUnitLayout {
    static var inBytes: Int { 1 }
    static var outBytes: Int { 4 }
    static var alphaOnly: Bool { true }
    @inline(__always) static func literal(_ s: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>) {
        d[3] = s[0]
    }
}

/// Literal runs and back-reference copies, shared by the LZ and GLZ decoders.
enum LZCopy {
    /// Decodes `n` literal units at unit `op`; the caller has checked `n` against the output.
    @inline(__always)
    static func literals<L: LZUnitLayout>(_: L.Type, _ cur: inout ByteCursor, n: Int,
                                          out: UnsafeMutablePointer<UInt8>, op: Int) throws(CodecError) {
        guard cur.remaining >= n * L.inBytes else { throw cur.truncated() }
        var s = cur.base + cur.pos
        var d = out + op * L.outBytes
        for _ in 0..<n {
            L.literal(s, d)
            s += L.inBytes
            d += L.outBytes
        }
        cur.pos += n * L.inBytes
    }

    /// Copies `len` units from `src` to `dst` (both unit-aligned, `src` before `dst` when they
    /// share a buffer), replicating like a byte-wise forward copy when they overlap.
    @inline(__always)
    static func copy<L: LZUnitLayout>(_: L.Type, src: UnsafeMutablePointer<UInt8>,
                                      dst: UnsafeMutablePointer<UInt8>, len: Int) {
        let ob = L.outBytes
        if L.alphaOnly {
            for i in 0..<len { dst[i * 4 + 3] = src[i * 4 + 3] }
            return
        }
        let bytes = len * ob
        let gap = dst - src
        if gap >= bytes || gap < 0 {
            dst.update(from: src, count: bytes)
        } else if gap == ob && ob == 4 {
            let v = UnsafeRawPointer(src).loadUnaligned(as: UInt32.self)
            let raw = UnsafeMutableRawPointer(dst)
            for i in 0..<len { raw.storeBytes(of: v, toByteOffset: i * 4, as: UInt32.self) }
        } else if gap == 1 {
            dst.update(repeating: src[0], count: bytes)
        } else {
            for i in 0..<bytes { dst[i] = src[i] }
        }
    }
}

extension LZ {
    /// Decodes an LZ stream into its own format (rgb32 as B, G, R, 0; rgba; rgb24; rgb16 LE;
    /// a8 for A8 and XXXA; plt* as packed bytes with `palette` attached), rows in stream order
    /// with `topDown` from the header.
    public static func decode(_ bytes: [UInt8], palette: [UInt32]? = nil,
                              maxPixels: Int = maxDecodedPixels) throws(CodecError) -> PixelImage {
        try decodePrefix(bytes, palette: palette, maxPixels: maxPixels).image
    }

    /// Decodes and expands to xRGB rgb32 (palettes through `palette`, see `expandedToRGB32`).
    public static func decodeToRGB32(_ bytes: [UInt8], palette: [UInt32]? = nil,
                                     maxPixels: Int = maxDecodedPixels) throws(CodecError) -> PixelImage {
        try decode(bytes, palette: palette, maxPixels: maxPixels).expandedToRGB32()
    }

    /// Decodes one stream at the start of `bytes`; also returns how many bytes it used.
    public static func decodePrefix(_ bytes: [UInt8], palette: [UInt32]? = nil,
                                    maxPixels: Int = maxDecodedPixels) throws(CodecError)
        -> (image: PixelImage, consumed: Int)
    {
        let codec = "LZ"
        return try bytes.withUnsafeBufferPointer { (buf) throws(CodecError) -> (image: PixelImage, consumed: Int) in
            var cur = ByteCursor(buf, codec: codec)
            try cur.lzPreamble()
            let rawType = try cur.u32()
            let w = try cur.u32(), h = try cur.u32(), s = try cur.u32()
            let td = try cur.u32()
            let g = try LZGeometry(codec: codec, rawType: rawType, width: w, height: h, stride: s,
                                   topDown: td != 0, maxPixels: maxPixels)
            let outStride: Int
            switch g.type {
            case .rgb32, .rgba: outStride = g.width * 4
            case .rgb24: outStride = g.width * 3
            case .rgb16: outStride = g.width * 2
            case .a8, .xxxa: outStride = g.width
            default: outStride = g.stride
            }
            var data = [UInt8](repeating: 0, count: outStride * g.height)
            try data.withUnsafeMutableBufferPointer { (ob) throws(CodecError) in
                guard let out = ob.baseAddress else { return }
                switch g.type {
                case .rgb32:
                    try run(UnitRGB32.self, &cur, out: out, units: g.units, bias: 0)
                case .rgba:
                    try run(UnitRGB32.self, &cur, out: out, units: g.units, bias: 0)
                    try run(UnitAlpha.self, &cur, out: out, units: g.units, bias: 2)
                case .rgb24:
                    try run(UnitRGB24.self, &cur, out: out, units: g.units, bias: 0)
                case .rgb16:
                    try run(UnitRGB16.self, &cur, out: out, units: g.units, bias: 1)
                default:
                    try run(UnitByte.self, &cur, out: out, units: g.units, bias: 2)
                }
            }
            let image = PixelImage(width: g.width, height: g.height, stride: outStride, format: g.type.decodedFormat,
                                   topDown: g.topDown, data: data, palette: g.type.isPalette ? palette : nil)
            return (image, cur.pos)
        }
    }

    /// The LZ control-byte loop: fills `units` output units.
    static func run<L: LZUnitLayout>(_ layout: L.Type, _ cur: inout ByteCursor,
                                     out: UnsafeMutablePointer<UInt8>, units: Int, bias: Int) throws(CodecError) {
        var op = 0
        let ob = L.outBytes
        while op < units {
            let ctrl = try cur.u8()
            if ctrl >= LZConst.maxCopy {
                var len = ctrl >> 5
                if len == 7 {
                    var code: Int
                    repeat {
                        code = try cur.u8()
                        len += code
                    } while code == 255
                }
                let code = try cur.u8()
                var ofs = (ctrl & 31) << 8 + code
                if code == 255 && ctrl & 31 == 31 {
                    ofs = try cur.u8() << 8
                    ofs += try cur.u8()
                    ofs += LZConst.maxDistance
                }
                len += bias
                ofs += 1
                guard ofs <= op else {
                    throw CodecError(cur.codec, "reference \(ofs) back from unit \(op)")
                }
                guard len <= units - op else {
                    throw CodecError(cur.codec, "match of \(len) overruns the image at unit \(op)")
                }
                LZCopy.copy(L.self, src: out + (op - ofs) * ob, dst: out + op * ob, len: len)
                op += len
            } else {
                let n = ctrl + 1
                guard n <= units - op else {
                    throw CodecError(cur.codec, "literal run of \(n) overruns the image at unit \(op)")
                }
                try LZCopy.literals(L.self, &cur, n: n, out: out, op: op)
                op += n
            }
        }
    }
}
