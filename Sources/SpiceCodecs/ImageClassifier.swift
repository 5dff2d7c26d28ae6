/// A cheap measure of how "photographic" an image is, from sampled horizontal neighbours:
/// photos and gradients change in small steps almost everywhere; UI and text are flat areas with
/// sharp edges. QUIC wins on the first kind, LZ/GLZ on the second (as the spice server decides
/// with its "graduality" sampling). Public so the codec benchmark can evaluate the server's
/// choice without the server.
public enum ImageClassifier {
    public enum Kind: Equatable, Sendable {
        case photographic
        case synthetic
    }

    /// `pixels` are 32-bit xRGB, rows of `width`; at most `samples` pairs are looked at.
    public static func classify(pixels: UnsafeBufferPointer<UInt32>, width: Int, height: Int, samples: Int = 2048) -> Kind {
        guard width >= 4, height >= 1 else { return .synthetic }
        var flat = 0, gradual = 0, sharp = 0
        // A fixed stride walk, not a random one: the same image always classifies the same way.
        let total = width * height
        let step = max(1, total / samples)
        var i = 0
        while i < total {
            let x = i % width
            if x < width - 1 {
                let a = pixels[i], b = pixels[i + 1]
                if a & 0xFF_FFFF == b & 0xFF_FFFF {
                    flat += 1
                } else {
                    let dr = abs(Int((a >> 16) & 0xFF) - Int((b >> 16) & 0xFF))
                    let dg = abs(Int((a >> 8) & 0xFF) - Int((b >> 8) & 0xFF))
                    let db = abs(Int(a & 0xFF) - Int(b & 0xFF))
                    if max(dr, dg, db) <= 24 { gradual += 1 } else { sharp += 1 }
                }
            }
            i += step
        }
        let counted = flat + gradual + sharp
        guard counted > 0 else { return .synthetic }
        // Photographic: mostly small steps, few flat runs.
        return gradual * 2 > counted && flat * 3 < counted ? .photographic : .synthetic
    }
}
