import Foundation

/// An `xwd -root` dump (X Window Dump, version 7): big-endian header, then a 32-bpp ZPixmap.
struct XWDImage {
    let width: Int
    let height: Int
    /// 0x00RRGGBB per pixel, rows top-down.
    let pixels: [UInt32]

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw HarnessError("cannot read \(path)") }
        let b = [UInt8](data)
        guard b.count >= 100 else { throw HarnessError("\(path): too short for an XWD header") }
        func field(_ i: Int) -> Int {
            Int(b[4 * i]) << 24 | Int(b[4 * i + 1]) << 16 | Int(b[4 * i + 2]) << 8 | Int(b[4 * i + 3])
        }
        let headerSize = field(0), version = field(1), format = field(2)
        let w = field(4), h = field(5), byteOrder = field(7), bpp = field(11), stride = field(12), ncolors = field(19)
        guard version == 7, format == 2, bpp == 32 else {
            throw HarnessError("\(path): want XWD v7 ZPixmap 32 bpp, got version \(version) format \(format) bpp \(bpp)")
        }
        let start = headerSize + ncolors * 12
        guard b.count >= start + stride * h else { throw HarnessError("\(path): truncated raster") }
        var px = [UInt32](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                let o = start + y * stride + 4 * x
                let v = byteOrder == 0
                    ? UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16
                    : UInt32(b[o + 3]) | UInt32(b[o + 2]) << 8 | UInt32(b[o + 1]) << 16
                px[y * w + x] = v
            }
        }
        width = w
        height = h
        pixels = px
    }

    /// A PPM's pixels in the same form (to compare captures with expected frames).
    init(_ ppm: PPMImage) {
        width = ppm.width
        height = ppm.height
        pixels = (0..<(ppm.width * ppm.height)).map { i in
            UInt32(ppm.rgb[3 * i]) << 16 | UInt32(ppm.rgb[3 * i + 1]) << 8 | UInt32(ppm.rgb[3 * i + 2])
        }
    }

    /// Pixels differing from a PPM of the same size (nil if the sizes differ).
    func mismatches(with ppm: PPMImage) -> Int? {
        guard ppm.width == width, ppm.height == height else { return nil }
        var n = 0
        for i in 0..<(width * height) {
            let v = UInt32(ppm.rgb[3 * i]) << 16 | UInt32(ppm.rgb[3 * i + 1]) << 8 | UInt32(ppm.rgb[3 * i + 2])
            if v != pixels[i] { n += 1 }
        }
        return n
    }
}
