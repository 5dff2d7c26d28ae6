import SpiceProtocol

/// DRAW_STROKE: zero-width (cosmetic) lines through the path's points, endpoint-exclusive
/// (X's CapNotLast, as spice-common sets it), solid or on/off dashed, the brush through the
/// fore ROP. Béziers are flattened into 16 line pieces each.
extension ClientCanvas {
    func stroke(_ m: DisplayChannel.DrawStroke) throws -> Damage? {
        let paint = try self.paint(m.brush)
        let rop = CanvasROP(m.foreMode, source: .brush, dest: .dest)
        var dashes: [Int] = []
        if m.attributes.flags.contains(.styled) {
            dashes = m.attributes.style.map { max(0, Int(($0 + 8) >> 4)) }
            if m.attributes.flags.contains(.startWithGap), !dashes.isEmpty {
                dashes = Array(dashes.dropFirst()) + [dashes[0]]
            }
            if dashes.allSatisfy({ $0 == 0 }) { dashes = [] }
        }
        // Polylines in 1/16 pixel units, closed when the segment says so.
        var polylines: [[(Int, Int)]] = []
        var current: [(Int, Int)] = []
        for seg in m.path.segments {
            var points = seg.points.map { (Int($0.x), Int($0.y)) }
            if seg.flags.contains(.begin) {
                if current.count > 1 { polylines.append(current) }
                current = []
                if !points.isEmpty { current.append(points.removeFirst()) }
            }
            if seg.flags.contains(.bezier) {
                var i = 0
                while i + 2 < points.count, let p0 = current.last {
                    let (p1, p2, p3) = (points[i], points[i + 1], points[i + 2])
                    for k in 1...16 {
                        let t = Double(k) / 16, u = 1 - t
                        func c(_ a: Int, _ b: Int, _ cc: Int, _ d: Int) -> Int {
                            Int((u * u * u * Double(a) + 3 * u * u * t * Double(b) + 3 * u * t * t * Double(cc) + t * t * t * Double(d)).rounded())
                        }
                        current.append((c(p0.0, p1.0, p2.0, p3.0), c(p0.1, p1.1, p2.1, p3.1)))
                    }
                    i += 3
                }
            } else {
                current.append(contentsOf: points)
            }
            if seg.flags.contains(.end) {
                if seg.flags.contains(.close), let first = current.first { current.append(first) }
                if current.count > 1 { polylines.append(current) }
                current = []
            }
        }
        if current.count > 1 { polylines.append(current) }

        try withSurface(m.base.surfaceID) { s in
            let r = try region(m.base, on: s)
            var dashIndex = 0, dashLeft = dashes.first ?? 0, on = true
            for line in polylines {
                for k in 1..<line.count {
                    let a = line[k - 1], b = line[k]
                    zeroWidthLine(from: ((a.0 + 8) >> 4, (a.1 + 8) >> 4), to: ((b.0 + 8) >> 4, (b.1 + 8) >> 4)) { x, y in
                        if !dashes.isEmpty {
                            while dashLeft == 0 {
                                dashIndex = (dashIndex + 1) % dashes.count
                                dashLeft = dashes[dashIndex]
                                on.toggle()
                            }
                            dashLeft -= 1
                            if !on { return }
                        }
                        guard r.contains(x, y) else { return }
                        let i = y * s.width + x
                        s.pixels[i] = rop.apply(source: paint.pixel(x, y), dest: s.pixels[i])
                    }
                }
            }
        }
        return damage(m.base)
    }

    /// Bresenham from `a` to `b`, the last point excluded; ties step the minor axis late (X's
    /// default zero-line bias for the lower octants).
    func zeroWidthLine(from a: (Int, Int), to b: (Int, Int), _ plot: (Int, Int) -> Void) {
        var x = a.0, y = a.1
        let dx = abs(b.0 - a.0), dy = abs(b.1 - a.1)
        let sx = b.0 >= a.0 ? 1 : -1, sy = b.1 >= a.1 ? 1 : -1
        guard dx <= 1 << 16, dy <= 1 << 16 else { return }
        if dx >= dy {
            var e = -dx - (sy > 0 ? 1 : 0)
            for _ in 0..<dx {
                plot(x, y)
                e += 2 * dy
                if e >= 0 { y += sy; e -= 2 * dx }
                x += sx
            }
        } else {
            var e = -dy - (sx > 0 ? 1 : 0)
            for _ in 0..<dy {
                plot(x, y)
                e += 2 * dx
                if e >= 0 { x += sx; e -= 2 * dy }
                y += sy
            }
        }
    }
}
