// Seed inputs for the codec targets, made with the project's own encoders
// (`SAFFRON_FUZZ_WRITE_SEEDS=DIR` makes the fuzz binary write them; scripts/fuzz.sh --make-seeds).

private func sampleImage(_ w: Int, _ h: Int, _ format: PixelFormat, seed: Int) -> PixelImage {
    let bpp: Int
    switch format {
    case .rgb32, .rgba: bpp = 4
    case .rgb24: bpp = 3
    case .rgb16: bpp = 2
    default: bpp = 1
    }
    var data = [UInt8](repeating: 0, count: w * h * bpp)
    for y in 0..<h {
        for x in 0..<(w * bpp) {
            // Runs, gradients and a little noise, so every encoder path shows up.
            let v = x / bpp < w / 2 ? (x / bpp / 3 + y) * 5 : ((x &* 31 &+ y &* 17 &+ seed) ^ (x >> 2)) & 0xFF
            data[y * w * bpp + x] = UInt8(truncatingIfNeeded: v)
        }
    }
    if format == .rgb16 { for i in stride(from: 1, to: data.count, by: 2) { data[i] &= 0x7F } }
    return PixelImage(width: w, height: h, format: format, data: data)
}

private func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }

func codecSeeds() -> [String: [[UInt8]]] {
    var seeds: [String: [[UInt8]]] = [:]
    let sizes = [(1, 1), (7, 5), (33, 9)]
    for (w, h) in sizes {
        for format in [PixelFormat.rgb32, .rgba, .rgb24, .rgb16, .gray8] {
            if let q = try? Quic.encode(sampleImage(w, h, format, seed: w)) { seeds["quic", default: []].append(q) }
        }
        for format in [PixelFormat.rgb32, .rgba, .rgb24, .rgb16] {
            if let l = try? LZ.encode(sampleImage(w, h, format, seed: h)) { seeds["lz", default: []].append(l) }
        }
        if let a = try? LZ.encodeAlpha(sampleImage(w, h, .rgba, seed: 3)) { seeds["lz", default: []].append(a) }
        // Two GLZ images from one dictionary, concatenated with the split byte the target reads.
        let dict = GLZEncoderDictionary(windowSize: 1 << 16)
        if let g1 = try? GLZEncoder.encode(sampleImage(w, h, .rgb32, seed: 1), dictionary: dict),
           let g2 = try? GLZEncoder.encode(sampleImage(w, h, .rgb32, seed: 1), dictionary: dict) {
            let all = g1 + g2
            seeds["glz", default: []].append(all + [UInt8(((g1.count - 1) * 255 + all.count - 1) / all.count)])
            seeds["glz", default: []].append(g1)
        }
        for format in [PixelFormat.rgb32, .rgba, .rgb24] {
            if let l4 = try? SpiceLZ4.encode(sampleImage(w, h, format, seed: 9)) {
                seeds["lz4", default: []].append(le16(w - 1) + le16(h - 1) + l4)
            }
        }
        if let j = try? SpiceJPEG.encode(sampleImage(w * 2, h * 2, .rgb32, seed: 5), quality: 50) { seeds["jpeg", default: []].append(j) }
        let raw = sampleImage(w, h, .rgb32, seed: 7).data
        if let z = try? SpiceZlib.compress(raw) {
            seeds["zlib", default: []].append([UInt8(raw.count & 0xFF), UInt8(raw.count >> 8 & 0xFF), UInt8(raw.count >> 16)] + z)
        }
    }
    return seeds
}
