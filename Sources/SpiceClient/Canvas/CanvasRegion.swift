import SpiceProtocol

/// The pixels a draw may touch: its box, cut to the surface, the clip rectangles and the 1-bit
/// mask (what spice-common builds as a pixman region). Stored as one flag per pixel of `bounds`.
struct CanvasRegion {
    /// Left, top, right, bottom in surface pixels (right/bottom exclusive).
    private(set) var x0 = 0, y0 = 0, x1 = 0, y1 = 0
    /// Per pixel of the box, row by row; empty while every pixel of the box is in (the common
    /// unclipped draw: no per-pixel array to allocate and scan).
    private var inside: [Bool] = []

    var isEmpty: Bool { width == 0 || height == 0 || (!inside.isEmpty && !inside.contains(true)) }
    /// Every pixel of `rect` is in (nothing clipped, masked or outside the surface).
    func coversAll(of rect: SpiceRect) -> Bool {
        inside.isEmpty && x0 == Int(rect.left) && y0 == Int(rect.top) && x1 == Int(rect.right) && y1 == Int(rect.bottom)
            && x1 > x0 && y1 > y0
    }

    var width: Int { x1 - x0 }
    var height: Int { y1 - y0 }

    /// `rect` ∩ the surface.
    init(rect: SpiceRect, surfaceWidth: Int, surfaceHeight: Int) {
        x0 = max(0, Int(rect.left)); y0 = max(0, Int(rect.top))
        x1 = min(surfaceWidth, Int(rect.right)); y1 = min(surfaceHeight, Int(rect.bottom))
        if x1 <= x0 || y1 <= y0 { x1 = x0; y1 = y0 }
    }

    /// The per-pixel array, made when a clip or mask first removes something.
    private mutating func materialize() {
        if inside.isEmpty && width > 0 && height > 0 { inside = [Bool](repeating: true, count: width * height) }
    }

    @inline(__always)
    func contains(_ x: Int, _ y: Int) -> Bool {
        x >= x0 && x < x1 && y >= y0 && y < y1 && (inside.isEmpty || inside[(y - y0) * width + (x - x0)])
    }

    /// Calls `body(x, y)` for every pixel in the region, row by row.
    @inline(__always)
    func forEach(_ body: (Int, Int) -> Void) {
        forEachRun { y, a, b in
            for x in a..<b { body(x, y) }
        }
    }

    /// Calls `body(y, from, to)` for every horizontal run of the region (x in from..<to), top down:
    /// whole rows when nothing was clipped away. The fast paths copy and fill by runs.
    @inline(__always)
    func forEachRun(_ body: (_ y: Int, _ from: Int, _ to: Int) -> Void) {
        guard width > 0 else { return }
        if inside.isEmpty {
            for y in y0..<max(y0, y1) { body(y, x0, x1) }
            return
        }
        var i = 0
        for y in y0..<max(y0, y1) {
            var x = x0
            while x < x1 {
                guard inside[i] else { x += 1; i += 1; continue }
                let start = x
                while x < x1 && inside[i] { x += 1; i += 1 }
                body(y, start, x)
            }
        }
    }

    /// Keeps only the pixels inside the union of `rects` (a RECTS clip).
    mutating func clip(_ clip: DisplayChannel.Clip) {
        guard case .rects(let rects) = clip else { return }
        // One rectangle covering the whole box removes nothing (the usual clip).
        if rects.count == 1, let r = rects.first, Int(r.left) <= x0, Int(r.top) <= y0, Int(r.right) >= x1, Int(r.bottom) >= y1 { return }
        materialize()
        var keep = [Bool](repeating: false, count: inside.count)
        for r in rects {
            let l = max(x0, Int(r.left)), t = max(y0, Int(r.top)), rr = min(x1, Int(r.right)), b = min(y1, Int(r.bottom))
            guard l < rr, t < b else { continue }
            for y in t..<b { for x in l..<rr { keep[(y - y0) * width + (x - x0)] = true } }
        }
        for i in inside.indices where !keep[i] { inside[i] = false }
    }

    /// Keeps only the pixels inside `rect`.
    mutating func intersect(_ rect: SpiceRect) { clip(.rects([rect])) }

    /// Keeps only the pixels with l ≤ x < r and t ≤ y < b.
    mutating func intersect(left l: Int, top t: Int, right r: Int, bottom b: Int) {
        if l <= x0 && t <= y0 && r >= x1 && b >= y1 { return }
        materialize()
        for y in y0..<max(y0, y1) {
            for x in x0..<x1 where x < l || x >= r || y < t || y >= b { inside[(y - y0) * width + (x - x0)] = false }
        }
    }


    /// Keeps the pixels where the 1-bit `mask` (placed so that mask pixel `maskOrigin` lands on
    /// `at`) is set, or clear when `inverted`; pixels outside the mask are dropped either way.
    mutating func apply(mask: CanvasImage, maskOrigin: (x: Int, y: Int), at: (x: Int, y: Int), inverted: Bool) {
        materialize()
        for y in y0..<max(y0, y1) {
            for x in x0..<x1 {
                let i = (y - y0) * width + (x - x0)
                guard inside[i] else { continue }
                let mx = x - at.x + maskOrigin.x, my = y - at.y + maskOrigin.y
                guard mx >= 0, my >= 0, mx < mask.width, my < mask.height else { inside[i] = false; continue }
                let set = mask.pixels[my * mask.width + mx] >> 31 != 0
                if set == inverted { inside[i] = false }
            }
        }
    }
}

extension SpiceRect {
    /// Width and height without Int32 overflow (a hostile rect may span more than Int32).
    var spanX: Int { Int(right) - Int(left) }
    var spanY: Int { Int(bottom) - Int(top) }
}
