import SaffronDesktop

/// Drawing primitives over a borrowed xRGB pixel buffer, all clipped to `clip` (which is already
/// inside the surface). Used only while the framebuffer lock is held.
struct Canvas {
    let pixels: UnsafeMutableBufferPointer<UInt32>
    let width: Int
    let height: Int
    let clip: Rect

    init(pixels: UnsafeMutableBufferPointer<UInt32>, size: Size, clip: Rect) {
        self.pixels = pixels
        self.width = size.width
        self.height = size.height
        self.clip = clip.clamped(to: size)
    }

    @inline(__always)
    func fill(_ r: Rect, _ color: UInt32) {
        let c = r.intersection(clip)
        guard !c.isEmpty else { return }
        for y in c.y..<c.maxY {
            let row = y * width
            for x in c.x..<c.maxX { pixels[row + x] = color }
        }
    }

    /// Draws `color` over `r` with `alpha` (0...256).
    func blend(_ r: Rect, _ color: UInt32, alpha: Int) {
        let c = r.intersection(clip)
        guard !c.isEmpty else { return }
        for y in c.y..<c.maxY {
            let row = y * width
            for x in c.x..<c.maxX { pixels[row + x] = Canvas.mix(pixels[row + x], color, alpha) }
        }
    }

    /// A one-pixel-wide (times `thickness`) rectangle outline.
    func frame(_ r: Rect, _ color: UInt32, thickness t: Int = 1) {
        fill(Rect(x: r.x, y: r.y, width: r.width, height: t), color)
        fill(Rect(x: r.x, y: r.maxY - t, width: r.width, height: t), color)
        fill(Rect(x: r.x, y: r.y, width: t, height: r.height), color)
        fill(Rect(x: r.maxX - t, y: r.y, width: t, height: r.height), color)
    }

    /// Vertical gradient from `top` to `bottom` colours across `r`.
    func verticalGradient(_ r: Rect, top: UInt32, bottom: UInt32) {
        let c = r.intersection(clip)
        guard !c.isEmpty, r.height > 0 else { return }
        for y in c.y..<c.maxY {
            let a = (y - r.y) * 256 / max(r.height - 1, 1)
            let color = Canvas.mix(top, bottom, a)
            let row = y * width
            for x in c.x..<c.maxX { pixels[row + x] = color }
        }
    }

    /// A filled disc, anti-aliased at the rim, blended with `alpha` (0...256).
    func disc(center: Point, radius: Int, _ color: UInt32, alpha: Int = 256) {
        guard radius >= 0 else { return }
        let box = Rect(center: center, radius: radius + 1)
        let c = box.intersection(clip)
        guard !c.isEmpty else { return }
        // Distances in 1/16 pixel: full inside r - 0.5, fading to zero at r + 0.5.
        let r16 = radius * 16 + 8
        for y in c.y..<c.maxY {
            let dy = y - center.y
            let row = y * width
            for x in c.x..<c.maxX {
                let dx = x - center.x
                let d2 = (dx * dx + dy * dy) * 256
                if d2 >= r16 * r16 { continue }
                let inner = max(r16 - 16, 0)
                var a = alpha
                if d2 > inner * inner {
                    let d = Canvas.isqrt(d2)
                    a = alpha * (r16 - d) / 16
                }
                pixels[row + x] = Canvas.mix(pixels[row + x], color, a)
            }
        }
    }

    /// Draws `text` with the bitmap font at `origin` (top-left of the first cell). Returns the pen
    /// position after the text. `dots` draws each font pixel as a slightly smaller square (an LED
    /// look for big digits).
    @discardableResult
    func text(_ text: some StringProtocol, at origin: Point, scale: Int, _ color: UInt32, dots: Bool = false) -> Point {
        var pen = origin
        let cw = BitmapFont.cellWidth * scale, ch = BitmapFont.cellHeight * scale
        for character in text {
            let cell = Rect(x: pen.x, y: pen.y, width: cw, height: ch)
            if cell.intersects(clip) { glyph(character, at: pen, scale: scale, color, dots: dots) }
            pen.x += cw
        }
        return pen
    }

    func glyph(_ character: Character, at origin: Point, scale: Int, _ color: UInt32, dots: Bool = false) {
        let rows = BitmapFont.rows(for: character)
        let gap = dots && scale >= 4 ? max(1, scale / 6) : 0
        var y = origin.y
        for bits in rows {
            if bits != 0 {
                for col in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(col)) != 0 {
                    fill(Rect(x: origin.x + col * scale, y: y, width: scale - gap, height: scale - gap), color)
                }
            }
            y += scale
        }
    }

    // MARK: - Colour helpers

    /// Linear mix of two xRGB colours: `a` = 0 gives `from`, 256 gives `to`.
    @inline(__always)
    static func mix(_ from: UInt32, _ to: UInt32, _ a: Int) -> UInt32 {
        let a = UInt32(min(max(a, 0), 256)), b = 256 - a
        let rb = ((from & 0xFF00FF) * b + (to & 0xFF00FF) * a) >> 8
        let g = ((from & 0x00FF00) * b + (to & 0x00FF00) * a) >> 8
        return (rb & 0xFF00FF) | (g & 0x00FF00)
    }

    static func rgb(_ r: Int, _ g: Int, _ b: Int) -> UInt32 {
        UInt32(min(max(r, 0), 255)) << 16 | UInt32(min(max(g, 0), 255)) << 8 | UInt32(min(max(b, 0), 255))
    }

    static func isqrt(_ n: Int) -> Int {
        guard n > 0 else { return 0 }
        var x = Int(Double(n).squareRoot())
        while x * x > n { x -= 1 }
        while (x + 1) * (x + 1) <= n { x += 1 }
        return x
    }
}
