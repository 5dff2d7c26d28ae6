/// Encoder of SPICE LZ streams: an LZ77 in the format of spice-common's `lz_compress_tmpl.c`
/// (FastLZ level 2 style): a hash table of 3-unit words, runs as distance-1 matches, near
/// (13-bit) and far (16-bit + 8191) distances up to MAX_FARDISTANCE, literal runs of up to
/// MAX_COPY units, lengths in 3 bits plus 255-continued extension bytes.

/// The units an encoder compares: each unit reduced to a key (the bits the format compares and
/// emits), read straight from the source bytes.
protocol LZKeySource {
    /// Stream bytes per literal unit (the key's low bytes, emitted in this order: see `emit`).
    static var inBytes: Int { get }
    var base: UnsafePointer<UInt8> { get }
    func key(_ i: Int) -> UInt32
}

/// 4-byte B, G, R, X pixels: key = 0x00RRGGBB.
struct KeysRGB32: LZKeySource {
    static var inBytes: Int { 3 }
    let base: UnsafePointer<UInt8>
    @inline(__always) func key(_ i: Int) -> UInt32 {
        UnsafeRawPointer(base).u32LE(at: i &* 4) & 0xFF_FFFF
    }
}

/// 3-byte B, G, R pixels.
struct KeysRGB24: LZKeySource {
    static var inBytes: Int { 3 }
    let base: UnsafePointer<UInt8>
    @inline(__always) func key(_ i: Int) -> UInt32 {
        let p = base + i &* 3
        return UInt32(p[0]) | UInt32(p[1]) << 8 | UInt32(p[2]) << 16
    }
}

/// Little-endian x1r5g5b5: key = the 15 colour bits.
struct KeysRGB16: LZKeySource {
    static var inBytes: Int { 2 }
    let base: UnsafePointer<UInt8>
    @inline(__always) func key(_ i: Int) -> UInt32 {
        (UInt32(base[i &* 2]) | UInt32(base[i &* 2 &+ 1]) << 8) & 0x7FFF
    }
}

/// One byte per unit (palette bytes, A8).
struct KeysByte: LZKeySource {
    static var inBytes: Int { 1 }
    let base: UnsafePointer<UInt8>
    @inline(__always) func key(_ i: Int) -> UInt32 { UInt32(base[i]) }
}

/// The alpha byte of 4-byte B, G, R, A pixels.
struct KeysAlpha: LZKeySource {
    static var inBytes: Int { 1 }
    let base: UnsafePointer<UInt8>
    @inline(__always) func key(_ i: Int) -> UInt32 { UInt32(base[i &* 4 &+ 3]) }
}

enum LZWire {
    /// Writes a literal unit: B, G, R for 3-byte keys; high then low byte for RGB16; else the byte.
    @inline(__always) static func emit(_ key: UInt32, inBytes: Int, _ sink: inout ByteSink) {
        switch inBytes {
        case 3:
            sink.put(UInt8(truncatingIfNeeded: key)); sink.put(UInt8(truncatingIfNeeded: key >> 8))
            sink.put(UInt8(truncatingIfNeeded: key >> 16))
        case 2:
            sink.put(UInt8(truncatingIfNeeded: key >> 8)); sink.put(UInt8(truncatingIfNeeded: key))
        default:
            sink.put(UInt8(truncatingIfNeeded: key))
        }
    }

    /// Literal runs of `from..<to`, at most MAX_COPY units per control byte.
    @inline(__always)
    static func literals<S: LZKeySource>(_ src: S, from: Int, to: Int, _ sink: inout ByteSink) {
        var i = from
        while i < to {
            let n = min(LZConst.maxCopy, to - i)
            sink.reserve(1 + n * S.inBytes)
            sink.put(UInt8(n - 1))
            for j in i..<(i + n) { emit(src.key(j), inBytes: S.inBytes, &sink) }
            i += n
        }
    }

    /// The 3-bit length field plus extension bytes (`len` ≥ 1, already unbiased).
    @inline(__always) static func lengthHead(_ len: Int, low5: Int, _ sink: inout ByteSink) {
        if len < 7 {
            sink.put(UInt8(len << 5 + low5))
        } else {
            sink.put(UInt8(7 << 5 + low5))
            var l = len - 7
            while l >= 255 { sink.put(255); l -= 255 }
            sink.put(UInt8(l))
        }
    }

    /// An LZ match: `len` wire length (≥ 1), `dist` = distance − 1.
    @inline(__always) static func lzMatch(len: Int, dist: Int, _ sink: inout ByteSink) {
        sink.reserve(8 + len / 255)
        if dist < LZConst.maxDistance {
            lengthHead(len, low5: dist >> 8, &sink)
            sink.put(UInt8(dist & 255))
        } else {
            let far = dist - LZConst.maxDistance
            lengthHead(len, low5: 31, &sink)
            sink.put(255)
            sink.put(UInt8(far >> 8))
            sink.put(UInt8(far & 255))
        }
    }
}

@inline(__always) func lzHash(_ a: UInt32, _ b: UInt32, _ c: UInt32, bits: Int) -> Int {
    var h = a &* 0x9E37_79B1
    h ^= b &* 0x85EB_CA77
    h ^= (c &* 0xC2B2_AE3D) >> 7
    h ^= h >> 15
    h = h &* 0x2C1B_3C6D
    return Int(h >> UInt32(32 - bits))
}

public enum LZ {
    static let hashBits = 15

    /// Encodes `image` as an LZ stream of its own type (rgb32, rgba, rgb24, rgb16, a8, plt*).
    public static func encode(_ image: PixelImage) throws(CodecError) -> [UInt8] {
        guard let type = LZImageType(format: image.format) else {
            throw CodecError("LZ", "no LZ type for \(image.format)")
        }
        return try encode(image, as: type)
    }

    /// The XXXA stream (alpha only) of an rgba image, as JPEG_ALPHA carries it.
    public static func encodeAlpha(_ image: PixelImage) throws(CodecError) -> [UInt8] {
        guard image.format == .rgba else { throw CodecError("LZ", "encodeAlpha needs an rgba image") }
        return try encode(image, as: .xxxa)
    }

    static func encode(_ image: PixelImage, as type: LZImageType) throws(CodecError) -> [UInt8] {
        let tight = try LZ.tightRows(image)
        let units = type.isPalette ? type.headerStride(width: image.width) * image.height
            : image.width * image.height
        var sink = ByteSink(capacity: 64 + units * (type.bytesPerPixel + 1) + units / 16)
        sink.putU32(LZConst.magic)
        sink.putU32(LZConst.version)
        sink.putU32(type.rawValue)
        sink.putU32(UInt32(image.width))
        sink.putU32(UInt32(image.height))
        sink.putU32(UInt32(type.headerStride(width: image.width)))
        sink.putU32(image.topDown ? 1 : 0)
        tight.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress, units > 0 else { return }
            let table = UnsafeMutablePointer<Int32>.allocate(capacity: 1 << hashBits)
            defer { table.deallocate() }
            func pass<S: LZKeySource>(_ s: S, bias: Int) {
                table.initialize(repeating: -1, count: 1 << hashBits)
                compress(s, count: units, bias: bias, table: table, &sink)
            }
            switch type {
            case .rgb32: pass(KeysRGB32(base: base), bias: 0)
            case .rgba:
                pass(KeysRGB32(base: base), bias: 0)
                pass(KeysAlpha(base: base), bias: 2)
            case .xxxa: pass(KeysAlpha(base: base), bias: 2)
            case .rgb24: pass(KeysRGB24(base: base), bias: 0)
            case .rgb16: pass(KeysRGB16(base: base), bias: 1)
            default: pass(KeysByte(base: base), bias: 2)
            }
        }
        return sink.finish()
    }

    /// The image's rows without padding (the stream has none), in storage order.
    static func tightRows(_ image: PixelImage) throws(CodecError) -> [UInt8] {
        guard image.width >= 0, image.height >= 0, image.width <= Int(UInt32.max), image.height <= Int(UInt32.max)
        else { throw CodecError("LZ", "bad dimensions") }
        let row = image.format.rowBytes(width: image.width)
        guard image.stride >= row, image.height == 0 || image.data.count >= (image.height - 1) * image.stride + row
        else { throw CodecError("LZ", "image data shorter than \(image.height) rows of \(image.stride)") }
        if image.stride == row && image.data.count == row * image.height { return image.data }
        var out = [UInt8](repeating: 0, count: row * image.height)
        for y in 0..<image.height {
            out.replaceSubrange(y * row..<(y + 1) * row,
                                with: image.data[(y * image.stride)..<(y * image.stride + row)])
        }
        return out
    }

    /// One LZ pass over `count` units. `bias` is what the decoder adds to a wire length.
    static func compress<S: LZKeySource>(_ src: S, count n: Int, bias: Int,
                                         table: UnsafeMutablePointer<Int32>, _ sink: inout ByteSink) {
        // Shortest matches worth coding (and representable: wire length = len − bias ≥ 1).
        let minNear = bias + 1 < 2 ? 2 : bias + 1
        let minFar = S.inBytes == 1 ? 5 : (S.inBytes == 2 ? 3 : 2)
        var ip = 0
        var litStart = 0
        while ip + 2 < n {
            let k0 = src.key(ip)
            var len = 0
            var dist = 0
            if ip > 0 && src.key(ip - 1) == k0 && src.key(ip + 1) == k0 && src.key(ip + 2) == k0 {
                dist = 1
                len = 3
                while ip + len < n && src.key(ip + len) == k0 { len += 1 }
            } else {
                let h = lzHash(k0, src.key(ip + 1), src.key(ip + 2), bits: hashBits)
                let ref = Int(table[h])
                table[h] = Int32(truncatingIfNeeded: ip)
                if ref >= 0 && ref < ip && ip - ref < LZConst.maxFarDistance && src.key(ref) == k0 {
                    dist = ip - ref
                    len = 1
                    while ip + len < n && src.key(ref + len) == src.key(ip + len) { len += 1 }
                    if len < (dist - 1 < LZConst.maxDistance ? minNear : minFar) { len = 0 }
                }
            }
            if len >= minNear {
                LZWire.literals(src, from: litStart, to: ip, &sink)
                LZWire.lzMatch(len: len - bias, dist: dist - 1, &sink)
                ip += len
                // Index the last two positions of the match, like the reference.
                for p in (ip - 2)..<ip where p + 2 < n {
                    table[lzHash(src.key(p), src.key(p + 1), src.key(p + 2), bits: hashBits)] =
                        Int32(truncatingIfNeeded: p)
                }
                litStart = ip
            } else {
                ip += 1
            }
        }
        LZWire.literals(src, from: litStart, to: n, &sink)
    }
}
