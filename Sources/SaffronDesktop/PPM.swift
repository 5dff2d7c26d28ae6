import Foundation

/// Binary PPM (P6, 8-bit RGB) reading and writing for framebuffers: screenshots, golden images
/// and test fixtures. Pixels are the framebuffer's xRGB values (0x00RRGGBB).

public enum PPMError: Error, Equatable, CustomStringConvertible {
    case notPPM
    case badHeader(String)
    case unsupportedMaxValue(Int)
    case truncated(expected: Int, got: Int)
    case sizeMismatch(Size, pixelCount: Int)

    public var description: String {
        switch self {
        case .notPPM: "not a binary PPM (P6) file"
        case .badHeader(let why): "bad PPM header: \(why)"
        case .unsupportedMaxValue(let v): "unsupported PPM max value \(v) (only 255)"
        case .truncated(let e, let g): "PPM pixel data truncated: expected \(e) bytes, got \(g)"
        case .sizeMismatch(let s, let n): "\(n) pixels do not make a \(s) image"
        }
    }
}

/// Encodes xRGB pixels (row-major, `size.area` of them) as a P6 PPM file image.
public func encodePPM(size: Size, pixels: [UInt32]) throws -> [UInt8] {
    guard size.width >= 0, size.height >= 0, pixels.count == size.area else {
        throw PPMError.sizeMismatch(size, pixelCount: pixels.count)
    }
    let header = Array("P6\n\(size.width) \(size.height)\n255\n".utf8)
    var out = [UInt8](repeating: 0, count: header.count + size.area * 3)
    out.replaceSubrange(0..<header.count, with: header)
    out.withUnsafeMutableBufferPointer { buf in
        var o = header.count
        for p in pixels {
            buf[o] = UInt8(truncatingIfNeeded: p >> 16)
            buf[o + 1] = UInt8(truncatingIfNeeded: p >> 8)
            buf[o + 2] = UInt8(truncatingIfNeeded: p)
            o += 3
        }
    }
    return out
}

/// Decodes a P6 PPM (max value 255; `#` comments allowed in the header) to xRGB pixels.
public func decodePPM(_ bytes: [UInt8]) throws -> (size: Size, pixels: [UInt32]) {
    var i = 0
    func skipSpaceAndComments() {
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "#") {
                while i < bytes.count && bytes[i] != UInt8(ascii: "\n") { i += 1 }
            } else if bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D {
                i += 1
            } else {
                return
            }
        }
    }
    func number(_ what: String) throws -> Int {
        skipSpaceAndComments()
        var v = 0, digits = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            v = v * 10 + Int(bytes[i] - 0x30)
            digits += 1
            i += 1
            if v > 1 << 24 { throw PPMError.badHeader("\(what) too large") }
        }
        guard digits > 0 else { throw PPMError.badHeader("missing \(what)") }
        return v
    }
    guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "6") else {
        throw PPMError.notPPM
    }
    i = 2
    let width = try number("width")
    let height = try number("height")
    let maxValue = try number("max value")
    guard maxValue == 255 else { throw PPMError.unsupportedMaxValue(maxValue) }
    guard i < bytes.count else { throw PPMError.truncated(expected: width * height * 3, got: 0) }
    i += 1  // exactly one whitespace byte after the max value
    let size = Size(width: width, height: height)
    let need = size.area * 3
    guard bytes.count - i >= need else { throw PPMError.truncated(expected: need, got: bytes.count - i) }
    var pixels = [UInt32](repeating: 0, count: size.area)
    for n in 0..<size.area {
        let o = i + n * 3
        pixels[n] = UInt32(bytes[o]) << 16 | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2])
    }
    return (size, pixels)
}

/// Writes `pixels` (xRGB, row-major) to `path` as a binary PPM, replacing any existing file.
public func writePPM(size: Size, pixels: [UInt32], to path: String) throws {
    let bytes = try encodePPM(size: size, pixels: pixels)
    try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
}

/// Writes a snapshot of `fb` to `path` as a binary PPM (P6, RGB).
public func writePPM(_ fb: Framebuffer, to path: String) throws {
    let (size, pixels) = fb.snapshot()
    try writePPM(size: size, pixels: pixels, to: path)
}

/// Reads a binary PPM file into its size and xRGB pixels (0x00RRGGBB).
public func readPPM(from path: String) throws -> (size: Size, pixels: [UInt32]) {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try decodePPM([UInt8](data))
}
