import Foundation
import Testing

/// A binary PPM (P6, maxval 255) image: what spicy-screenshot, gi-client and `saffron demo-frame` write.
struct PPMImage: Equatable {
    let width: Int
    let height: Int
    let rgb: [UInt8]   // width * height * 3

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw HarnessError("cannot read \(path)") }
        let bytes = [UInt8](data)
        var pos = 0
        func token() throws -> String {
            while pos < bytes.count {   // skip whitespace and # comments
                if bytes[pos] == UInt8(ascii: "#") {
                    while pos < bytes.count && bytes[pos] != 0x0A { pos += 1 }
                } else if [0x20, 0x09, 0x0A, 0x0D].contains(bytes[pos]) { pos += 1 } else { break }
            }
            let start = pos
            while pos < bytes.count && ![0x20, 0x09, 0x0A, 0x0D].contains(bytes[pos]) { pos += 1 }
            guard pos > start else { throw HarnessError("\(path): truncated PPM header") }
            return String(decoding: bytes[start..<pos], as: UTF8.self)
        }
        guard try token() == "P6" else { throw HarnessError("\(path): not a binary PPM (P6)") }
        guard let w = Int(try token()), let h = Int(try token()), let maxval = Int(try token()),
              w > 0, h > 0, maxval == 255 else { throw HarnessError("\(path): bad PPM header") }
        pos += 1   // the single whitespace byte before the raster
        guard bytes.count - pos >= w * h * 3 else {
            throw HarnessError("\(path): PPM raster has \(bytes.count - pos) bytes, want \(w * h * 3)")
        }
        width = w
        height = h
        rgb = Array(bytes[pos..<(pos + w * h * 3)])
    }

    init(width: Int, height: Int, rgb: [UInt8]) {
        self.width = width
        self.height = height
        self.rgb = rgb
    }

    var size: String { "\(width)x\(height)" }

    /// A copy with the rectangle painted black (to leave out a part that changes by itself).
    func masking(x: Int, y: Int, width w: Int, height h: Int) -> PPMImage {
        var out = rgb
        for row in max(0, y)..<min(height, y + h) {
            for col in max(0, x)..<min(width, x + w) { for c in 0..<3 { out[(row * width + col) * 3 + c] = 0 } }
        }
        return PPMImage(width: width, height: height, rgb: out)
    }

    /// Pixels that are not black.
    var nonBlack: Int { stride(from: 0, to: rgb.count, by: 3).filter { rgb[$0] | rgb[$0 + 1] | rgb[$0 + 2] != 0 }.count }

    /// The pixels that differ from `other` (same size required): count and bounding box.
    /// Peak signal-to-noise ratio in dB over all channels (infinity when identical).
    func psnr(against other: PPMImage) -> Double {
        precondition(rgb.count == other.rgb.count, "sizes differ")
        var sum = 0.0
        for i in rgb.indices {
            let d = Double(rgb[i]) - Double(other.rgb[i])
            sum += d * d
        }
        let mse = sum / Double(rgb.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    func difference(from other: PPMImage) -> (count: Int, minX: Int, minY: Int, maxX: Int, maxY: Int) {
        precondition(width == other.width && height == other.height)
        var count = 0, minX = Int.max, minY = Int.max, maxX = -1, maxY = -1
        rgb.withUnsafeBufferPointer { a in
            other.rgb.withUnsafeBufferPointer { b in
                for y in 0..<height {
                    for x in 0..<width {
                        let i = (y * width + x) * 3
                        if a[i] != b[i] || a[i + 1] != b[i + 1] || a[i + 2] != b[i + 2] {
                            count += 1
                            minX = min(minX, x); maxX = max(maxX, x)
                            minY = min(minY, y); maxY = max(maxY, y)
                        }
                    }
                }
            }
        }
        return (count, minX, minY, maxX, maxY)
    }

    /// A short description of how two frames differ, for failure messages.
    func describeDifference(from other: PPMImage) -> String {
        guard width == other.width && height == other.height else { return "sizes differ: \(size) vs \(other.size)" }
        let d = difference(from: other)
        return d.count == 0 ? "identical" : "\(d.count) pixels differ, within x \(d.minX)...\(d.maxX), y \(d.minY)...\(d.maxY)"
    }
}

/// How a picture shows in a failed expectation: its size and a checksum, not millions of bytes.
extension PPMImage: CustomTestStringConvertible {
    var testDescription: String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in rgb { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return "PPMImage \(width)x\(height) fnv1a \(String(h, radix: 16))"
    }
}
