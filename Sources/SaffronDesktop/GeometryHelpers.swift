/// Small geometry helpers used by desktop sources (added alongside Geometry.swift; the core types
/// there are unchanged).

extension Size {
    /// The rectangle covering the whole surface: (0, 0, width, height).
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }
}

extension Point {
    /// The nearest point inside a surface of `size` (0...width-1, 0...height-1).
    public func clamped(to size: Size) -> Point {
        Point(x: min(max(x, 0), max(size.width - 1, 0)), y: min(max(y, 0), max(size.height - 1, 0)))
    }

    public func offsetBy(dx: Int, dy: Int) -> Point { Point(x: x + dx, y: y + dy) }
}

extension Rect {
    /// Shrinks by `dx` on the left and right and `dy` on top and bottom (negative values grow).
    /// Never returns a negative width or height.
    public func insetBy(dx: Int, dy: Int) -> Rect {
        Rect(x: x + dx, y: y + dy, width: max(0, width - 2 * dx), height: max(0, height - 2 * dy))
    }

    /// The part of `self` inside a surface of `size` (empty when outside).
    public func clamped(to size: Size) -> Rect { intersection(size.bounds) }

    public var center: Point { Point(x: x + width / 2, y: y + height / 2) }

    /// A square of side 2 × radius + 1 centred on `center`.
    public init(center: Point, radius: Int) {
        self.init(x: center.x - radius, y: center.y - radius, width: 2 * radius + 1, height: 2 * radius + 1)
    }

    /// Merges a list of damage rectangles into fewer ones: empty rects are dropped, and two
    /// rectangles are merged into their bounding box when they overlap or touch and the box wastes
    /// little (its area is at most the sum of both areas plus `slack`). The result covers every
    /// pixel of the input, and is never larger in total area than the input plus the allowed waste.
    public static func coalesced(_ rects: [Rect], slack: Int = 64) -> [Rect] {
        var out = rects.filter { !$0.isEmpty }
        var merged = true
        while merged && out.count > 1 {
            merged = false
            var i = 0
            while i < out.count {
                var j = i + 1
                while j < out.count {
                    let a = out[i], b = out[j]
                    let box = a.union(b)
                    let touching = a.insetBy(dx: -1, dy: -1).intersects(b)
                    if a.contains(b) {
                        out.remove(at: j)
                        merged = true
                    } else if b.contains(a) {
                        out[i] = b
                        out.remove(at: j)
                        merged = true
                    } else if touching && box.area <= a.area + b.area + slack {
                        out[i] = box
                        out.remove(at: j)
                        merged = true
                    } else {
                        j += 1
                    }
                }
                i += 1
            }
        }
        return out
    }

    /// The sum of the areas (overlaps counted twice).
    public static func totalArea(_ rects: [Rect]) -> Int { rects.reduce(0) { $0 + $1.area } }

    /// The smallest rectangle holding all of `rects` (nil for none).
    public static func boundingBox(_ rects: [Rect]) -> Rect? {
        guard var box = rects.first else { return nil }
        for r in rects.dropFirst() { box = box.union(r) }
        return box
    }
}
