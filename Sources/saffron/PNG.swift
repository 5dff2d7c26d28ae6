import SpiceCodecs

/// A minimal PNG encoder (8-bit RGB, no filtering, one zlib IDAT) for `saffron shot --out x.png`.
enum PNG {
    static func encode(width: Int, height: Int, pixels: [UInt32]) throws -> [UInt8] {
        var raw = [UInt8]()
        raw.reserveCapacity(height * (1 + width * 3))
        for y in 0..<height {
            raw.append(0)  // filter: none
            for x in 0..<width {
                let p = pixels[y * width + x]
                raw.append(UInt8(truncatingIfNeeded: p >> 16))
                raw.append(UInt8(truncatingIfNeeded: p >> 8))
                raw.append(UInt8(truncatingIfNeeded: p))
            }
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr = [UInt8]()
        ihdr += be32(UInt32(width)) + be32(UInt32(height))
        ihdr += [8, 2, 0, 0, 0]  // 8 bits, truecolour, deflate, no filter method, no interlace
        chunk("IHDR", ihdr, into: &out)
        chunk("IDAT", try SpiceZlib.compress(raw, level: 6), into: &out)
        chunk("IEND", [], into: &out)
        return out
    }

    private static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }

    private static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        out += be32(UInt32(data.count))
        out += typeBytes + data
        out += be32(crc32(typeBytes + data))
    }

    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
