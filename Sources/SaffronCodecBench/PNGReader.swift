import SpiceCodecs

/// Just enough PNG to read the corpus: 8-bit RGB or RGBA, grey or grey+alpha, not interlaced.
/// Returns rgb32 (B, G, R, 0), top-down, packed rows, as the server's framebuffer holds pixels.
enum PNGReader {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ file: [UInt8]) throws -> PixelImage {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard file.count > 8, Array(file[0..<8]) == signature else { throw Failure(description: "not a PNG") }
        func u32(_ at: Int) -> Int {
            Int(file[at]) << 24 | Int(file[at + 1]) << 16 | Int(file[at + 2]) << 8 | Int(file[at + 3])
        }
        var at = 8
        var width = 0, height = 0, channels = 0
        var idat: [UInt8] = []
        while at + 12 <= file.count {
            let length = u32(at)
            let type = String(decoding: file[(at + 4)..<(at + 8)], as: UTF8.self)
            let body = at + 8
            guard body + length + 4 <= file.count else { throw Failure(description: "truncated chunk \(type)") }
            switch type {
            case "IHDR":
                width = u32(body)
                height = u32(body + 4)
                let depth = file[body + 8], colour = file[body + 9], interlace = file[body + 12]
                guard depth == 8, interlace == 0 else {
                    throw Failure(description: "only 8-bit non-interlaced PNGs (depth \(depth), interlace \(interlace))")
                }
                switch colour {
                case 0: channels = 1
                case 2: channels = 3
                case 4: channels = 2
                case 6: channels = 4
                default: throw Failure(description: "PNG colour type \(colour) not supported (palette? re-save as RGB)")
                }
            case "IDAT":
                idat.append(contentsOf: file[body..<(body + length)])
            case "IEND":
                at = file.count
                continue
            default:
                break
            }
            at = body + length + 4
        }
        guard width > 0, height > 0, channels > 0 else { throw Failure(description: "no IHDR") }
        let rowBytes = width * channels
        let raw = try SpiceZlib.decompress(idat, expectedSize: height * (rowBytes + 1))
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        var previous = [UInt8](repeating: 0, count: rowBytes)
        var current = [UInt8](repeating: 0, count: rowBytes)
        for y in 0..<height {
            let start = y * (rowBytes + 1)
            let filter = raw[start]
            for i in 0..<rowBytes {
                let x = raw[start + 1 + i]
                let a = i >= channels ? current[i - channels] : 0
                let b = previous[i]
                let c = i >= channels ? previous[i - channels] : 0
                let v: UInt8
                switch filter {
                case 0: v = x
                case 1: v = x &+ a
                case 2: v = x &+ b
                case 3: v = x &+ UInt8((Int(a) + Int(b)) / 2)
                case 4:
                    let p = Int(a) + Int(b) - Int(c)
                    let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
                    v = x &+ (pa <= pb && pa <= pc ? a : (pb <= pc ? b : c))
                default: throw Failure(description: "bad filter \(filter) in row \(y)")
                }
                current[i] = v
            }
            for x in 0..<width {
                let o = (y * width + x) * 4, s = x * channels
                let (r, g, b): (UInt8, UInt8, UInt8) = channels >= 3
                    ? (current[s], current[s + 1], current[s + 2])
                    : (current[s], current[s], current[s])
                pixels[o] = b
                pixels[o + 1] = g
                pixels[o + 2] = r
            }
            swap(&previous, &current)
        }
        return PixelImage(width: width, height: height, format: .rgb32, data: pixels)
    }
}
