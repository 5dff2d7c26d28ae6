import SaffronDesktop

/// The line of text the viewer shows over the bottom of the desktop while something is wrong
/// (connecting, connection lost, refused): white bitmap-font text on a dark translucent bar.
public enum StatusBar {
    public static let scale = 2
    public static let padding = 6
    public static var height: Int { BitmapFont.cellHeight * scale + 2 * padding }

    /// ARGB pixels (rows top-down) of a bar `width` wide; text beyond the width is cut with "...".
    public static func render(_ text: String, width: Int) -> (width: Int, height: Int, pixels: [UInt32]) {
        let w = max(width, 1), h = height
        var pixels = [UInt32](repeating: 0xD020_2020, count: w * h)
        let cell = BitmapFont.cellWidth * scale
        let fits = max((w - 2 * padding) / cell, 0)
        var line = Array(text)
        if line.count > fits { line = Array(line.prefix(max(fits - 3, 0))) + Array("...".prefix(fits)) }
        var penX = padding
        for character in line {
            var y = padding
            for bits in BitmapFont.rows(for: character) {
                for col in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(col)) != 0 {
                    for dy in 0..<scale {
                        for dx in 0..<scale {
                            let px = penX + col * scale + dx, py = y + dy
                            if px < w, py < h { pixels[py * w + px] = 0xFFFF_FFFF }
                        }
                    }
                }
                y += scale
            }
            penX += cell
        }
        return (w, h, pixels)
    }
}
