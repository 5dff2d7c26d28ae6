import SpiceCodecs

// Seeds come from SplitMix64 (QuicTestSupport.swift), so a failure reproduces.
enum TestImages {
    enum Content: CaseIterable { case noise, gradient, flat, text, smooth }

    static func make(_ content: Content, width: Int, height: Int, format: PixelFormat, seed: UInt64 = 1, topDown: Bool = true) -> PixelImage {
        var rng = SplitMix64(seed: seed)
        let bpp = format.bitsPerPixel / 8
        var data = [UInt8](repeating: 0, count: width * height * bpp)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<bpp {
                    let v: UInt8
                    switch content {
                    case .noise: v = UInt8.random(in: 0...255, using: &rng)
                    case .gradient: v = UInt8(truncatingIfNeeded: (x * 3 + y * 2 + c * 40) / 2)
                    case .flat: v = UInt8(truncatingIfNeeded: 0x40 + c * 16)
                    case .text: v = ((x / 3 + y / 5) % 7 == 0) ? 0x10 : 0xF0
                    case .smooth: v = UInt8(min(255, x * (150 + c * 30) / max(1, width) + y * 50 / max(1, height)))
                    }
                    data[(y * width + x) * bpp + c] = v
                }
            }
        }
        return PixelImage(width: width, height: height, format: format, topDown: topDown, data: data)
    }

    /// Peak signal-to-noise ratio over the B, G, R bytes of two 4-byte-per-pixel images.
    static func psnr(_ a: PixelImage, _ b: PixelImage) -> Double {
        var sum = 0.0
        var n = 0
        for y in 0..<a.height {
            let ra = a.rowOffset(visualRow: y), rb = b.rowOffset(visualRow: y)
            for x in 0..<a.width {
                for c in 0..<3 {
                    let d = Double(a.data[ra + x * 4 + c]) - Double(b.data[rb + x * 4 + c])
                    sum += d * d
                    n += 1
                }
            }
        }
        let mse = sum / Double(n)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }
}

#if canImport(Glibc)
import Glibc
#endif
