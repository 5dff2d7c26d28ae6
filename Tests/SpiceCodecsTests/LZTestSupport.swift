import SpiceCodecs

// SplitMix64 itself is in QuicTestSupport.swift; the LZ tests add two conveniences.
extension SplitMix64 {
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

enum Content: CaseIterable, Sendable {
    case noise, flat, pattern, text
}

/// Synthetic pixel content: `bytes` of data for a `rows`×`rowBytes` image.
func makeBytes(_ content: Content, rows: Int, rowBytes: Int, unit: Int, seed: UInt64) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    var out = [UInt8](repeating: 0, count: rows * rowBytes)
    switch content {
    case .noise:
        for i in out.indices { out[i] = rng.byte() }
    case .flat:
        let px = (0..<unit).map { _ in rng.byte() }
        for i in out.indices { out[i] = px[i % unit] }
    case .pattern:
        let period = 1 + rng.below(7)
        let tile = (0..<(period * unit)).map { _ in rng.byte() }
        for y in 0..<rows {
            for x in 0..<rowBytes { out[y * rowBytes + x] = tile[(x + y * unit) % tile.count] }
        }
    case .text:
        // A light background with dark glyph-like strokes: runs, repeats and a few colours.
        let bg = (0..<unit).map { _ in UInt8(200 + rng.below(50)) }
        let fg = (0..<unit).map { _ in UInt8(rng.below(60)) }
        let glyphs = (0..<8).map { _ in (0..<8).map { _ in rng.below(3) == 0 } }
        let px = rowBytes / max(unit, 1)
        for y in 0..<rows {
            for x in 0..<max(px, 1) {
                let g = glyphs[(x / 8 + (y / 10) * 3) % 8]
                let on = y % 10 < 8 && g[(y % 8 + x) % 8]
                for b in 0..<unit where x * unit + b < rowBytes {
                    out[y * rowBytes + x * unit + b] = on ? fg[b] : bg[b]
                }
            }
            for x in (px * unit)..<rowBytes { out[y * rowBytes + x] = rng.byte() }
        }
    }
    return out
}

func makeImage(_ format: PixelFormat, width: Int, height: Int, content: Content, topDown: Bool,
               seed: UInt64) -> PixelImage {
    let unit = max(format.bitsPerPixel / 8, 1)
    let row = format.rowBytes(width: width)
    var data = makeBytes(content, rows: height, rowBytes: row, unit: unit, seed: seed)
    if format == .rgb16 { for i in stride(from: 1, to: data.count, by: 2) { data[i] &= 0x7F } }
    return PixelImage(width: width, height: height, format: format, topDown: topDown, data: data)
}

/// Pixels as the codec preserves them: rgb32's X byte and rgb16's top bit are not coded.
func comparable(_ img: PixelImage) -> [UInt8] {
    var d = img.data
    switch img.format {
    case .rgb32: for i in stride(from: 3, to: d.count, by: 4) { d[i] = 0 }
    case .rgb16: for i in stride(from: 1, to: d.count, by: 2) { d[i] &= 0x7F }
    default: break
    }
    return d
}

/// A synthetic 1920x1080 desktop: flat background, window frames, text lines, an icon grid.
func desktopImage(width: Int = 1920, height: Int = 1080, seed: UInt64 = 7) -> PixelImage {
    var rng = SplitMix64(seed: seed)
    var px = [UInt32](repeating: 0x2F4F6F, count: width * height)
    let icon = (0..<(32 * 32)).map { _ in UInt32(truncatingIfNeeded: rng.next()) & 0xFFFFFF }
    for i in 0..<10 {
        for y in 0..<32 { for x in 0..<32 { px[(40 + i * 70 + y) * width + 20 + x] = icon[y * 32 + x] } }
    }
    for w in 0..<3 {
        let x0 = 200 + w * 520, y0 = 100 + w * 120, ww = 700, wh = 600
        for y in y0..<min(y0 + wh, height) {
            for x in x0..<min(x0 + ww, width) {
                let inTitle = y - y0 < 24
                px[y * width + x] = inTitle ? 0x3060A0 : 0xF0F0F0
            }
        }
        // Text: glyph-like strokes from a small font of 60 random 7x12 glyphs.
        let glyphs = (0..<60).map { _ in (0..<84).map { _ in rng.below(4) == 0 } }
        for line in 0..<35 {
            let ty = y0 + 32 + line * 16
            var tx = x0 + 8
            while tx + 8 < x0 + ww - 8 && ty + 12 < min(y0 + wh, height) {
                let g = glyphs[rng.below(60)]
                for gy in 0..<12 { for gx in 0..<7 where g[gy * 7 + gx] {
                    let i = (ty + gy) * width + tx + gx
                    if i < px.count { px[i] = 0x101010 }
                } }
                tx += 8
                if rng.below(9) == 0 { tx += 8 }
            }
        }
    }
    var data = [UInt8](repeating: 0, count: width * height * 4)
    for (i, p) in px.enumerated() {
        data[i * 4] = UInt8(p & 255); data[i * 4 + 1] = UInt8((p >> 8) & 255); data[i * 4 + 2] = UInt8(p >> 16)
    }
    return PixelImage(width: width, height: height, format: .rgb32, data: data)
}
