@testable import SpiceCodecs

/// SplitMix64: a small deterministic PRNG for seeded test images and mutations.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum QuicTestContent: String, CaseIterable, Sendable {
    case noise, gradient, flat, mixed
}

enum QuicTestImages {
    static let formats: [PixelFormat] = [.rgb32, .rgba, .rgb24, .rgb16, .gray8]

    /// Bytes per pixel of the formats QUIC codes.
    static func bytesPerPixel(_ f: PixelFormat) -> Int { f.bitsPerPixel / 8 }

    /// A photo-like / noisy / flat / mixed image; `pad` extra bytes per row, optionally bottom-up.
    static func make(_ format: PixelFormat, width: Int, height: Int, content: QuicTestContent,
                     seed: UInt64, pad: Int = 0, topDown: Bool = true) -> PixelImage {
        var rng = SplitMix64(seed: seed)
        let bpp = bytesPerPixel(format)
        let stride = width * bpp + pad
        var data = [UInt8](repeating: 0, count: stride * height)
        let fx = Double.random(in: 0.02...0.3, using: &rng), fy = Double.random(in: 0.02...0.3, using: &rng)
        for y in 0..<height {
            let row = (topDown ? y : height - 1 - y) * stride
            for x in 0..<width {
                var px = [UInt8](repeating: 0, count: bpp)
                let kind: QuicTestContent
                if content == .mixed {
                    // Bands: flat blocks, gradients and noise side by side.
                    switch ((x / 7) + (y / 5)) % 3 {
                    case 0: kind = .flat
                    case 1: kind = .gradient
                    default: kind = .noise
                    }
                } else {
                    kind = content
                }
                for k in 0..<bpp {
                    switch kind {
                    case .noise:
                        px[k] = UInt8.random(in: 0...255, using: &rng)
                    case .gradient:
                        let v = 128 + 90 * ((Double(x) * fx + Double(k)).sin() * (Double(y) * fy).cos())
                        let jitter = Int.random(in: -2...2, using: &rng)
                        px[k] = UInt8(clamping: Int(v) + x / 3 + y / 4 + jitter)
                    case .flat, .mixed:
                        px[k] = UInt8(truncatingIfNeeded: ((x / 16) * 37 + (y / 9) * 91 + k * 50) & 0xC0)
                    }
                }
                for k in 0..<bpp { data[row + x * bpp + k] = px[k] }
                // Padding bytes are garbage the codec must ignore.
                if x == width - 1 {
                    for p in 0..<pad { data[row + width * bpp + p] = UInt8.random(in: 0...255, using: &rng) }
                }
            }
        }
        return PixelImage(width: width, height: height, stride: stride, format: format, topDown: topDown, data: data)
    }

    /// The visible pixels row by row, top-down, normalised: rgb32's X byte and rgb16's bit 15 are zeroed.
    static func canonicalPixels(_ img: PixelImage) -> [UInt8] {
        let bpp = bytesPerPixel(img.format)
        var out: [UInt8] = []
        out.reserveCapacity(img.width * img.height * bpp)
        for y in 0..<img.height {
            let off = img.rowOffset(visualRow: y)
            for x in 0..<img.width {
                for k in 0..<bpp {
                    var b = img.data[off + x * bpp + k]
                    if img.format == .rgb32 && k == 3 { b = 0 }
                    if img.format == .rgb16 && k == 1 { b &= 0x7F }
                    out.append(b)
                }
            }
        }
        return out
    }
}

extension Double {
    func sin() -> Double { _sin(self) }
    func cos() -> Double { _sin(self + 1.5707963267948966) }
}

/// Taylor-free sine good enough for test images (no Foundation in this target).
private func _sin(_ x: Double) -> Double {
    var x = x.truncatingRemainder(dividingBy: 2 * 3.141592653589793)
    if x > 3.141592653589793 { x -= 2 * 3.141592653589793 }
    if x < -3.141592653589793 { x += 2 * 3.141592653589793 }
    // Bhaskara-like parabola approximation.
    let y = 4 / 3.141592653589793 * x - 4 / (3.141592653589793 * 3.141592653589793) * x * abs(x)
    return 0.775 * y + 0.225 * y * abs(y)
}
