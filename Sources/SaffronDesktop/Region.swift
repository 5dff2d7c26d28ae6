/// A set of non-overlapping rectangles with a bounded count: damage accumulates here and is
/// merged rather than queued, so a slow client costs at most `maxRects` rectangles of state.
public struct Region: Hashable, Sendable {
    public private(set) var rects: [Rect] = []
    /// Past this many rectangles the two whose union wastes the least area are merged.
    public let maxRects: Int

    public init(maxRects: Int = 24) {
        self.maxRects = max(1, maxRects)
    }

    public init(_ rects: [Rect], maxRects: Int = 24) {
        self.init(maxRects: maxRects)
        for r in rects { add(r) }
    }

    public var isEmpty: Bool { rects.isEmpty }
    public var area: Int { rects.reduce(0) { $0 + $1.area } }
    public var bounds: Rect { rects.reduce(Rect(x: 0, y: 0, width: 0, height: 0)) { $0.union($1) } }

    public mutating func removeAll() { rects.removeAll(keepingCapacity: true) }

    /// Adds `rect`, storing only the parts not already covered.
    public mutating func add(_ rect: Rect) {
        guard !rect.isEmpty else { return }
        if rects.contains(where: { $0.contains(rect) }) { return }
        // Drop stored rects the new one fully covers, then store only the uncovered pieces.
        rects.removeAll { rect.contains($0) }
        var pieces = [rect]
        for existing in rects where existing.intersects(rect) {
            pieces = pieces.flatMap { $0.subtracting(existing) }
            if pieces.isEmpty { return }
        }
        rects.append(contentsOf: pieces)
        coalesce()
    }

    /// Removes `rect` from the region.
    public mutating func subtract(_ rect: Rect) {
        guard !rect.isEmpty else { return }
        rects = rects.flatMap { $0.subtracting(rect) }
        coalesce()
    }

    /// The parts of the region inside `rect`.
    public func intersection(_ rect: Rect) -> [Rect] {
        rects.map { $0.intersection(rect) }.filter { !$0.isEmpty }
    }

    /// Removes and returns one rectangle to send, at most `maxPixels` in area: large rectangles
    /// are split into full-width bands, top first, and the rest stays in the region.
    public mutating func popRect(maxPixels: Int) -> Rect? {
        guard !rects.isEmpty else { return nil }
        // Top-most first: the eye reads a screen update from the top, and scrolls stay ordered.
        var best = 0
        for i in rects.indices.dropFirst() where (rects[i].y, rects[i].x) < (rects[best].y, rects[best].x) { best = i }
        let r = rects[best]
        let rows = max(1, maxPixels / max(1, r.width))
        if rows >= r.height {
            rects.remove(at: best)
            return r
        }
        rects[best] = Rect(x: r.x, y: r.y + rows, width: r.width, height: r.height - rows)
        return Rect(x: r.x, y: r.y, width: r.width, height: rows)
    }

    private mutating func coalesce() {
        // Join exact neighbours (same span, touching) first: free, no extra pixels.
        var merged = true
        while merged {
            merged = false
            outer: for i in rects.indices {
                for j in rects.indices where j > i {
                    let a = rects[i], b = rects[j]
                    let sameColumns = a.x == b.x && a.width == b.width && (a.maxY == b.y || b.maxY == a.y)
                    let sameRows = a.y == b.y && a.height == b.height && (a.maxX == b.x || b.maxX == a.x)
                    if sameColumns || sameRows {
                        rects[i] = a.union(b)
                        rects.remove(at: j)
                        merged = true
                        break outer
                    }
                }
            }
        }
        while rects.count > maxRects { mergeCheapestPair() }
    }

    private mutating func mergeCheapestPair() {
        var bestCost = Int.max
        var pair = (0, 1)
        for i in rects.indices {
            for j in rects.indices where j > i {
                let cost = rects[i].union(rects[j]).area - rects[i].area - rects[j].area
                if cost < bestCost {
                    bestCost = cost
                    pair = (i, j)
                }
            }
        }
        var u = rects[pair.0].union(rects[pair.1])
        rects.remove(at: pair.1)
        rects.remove(at: pair.0)
        // Absorb whatever the union now overlaps (never split it: the count must go down).
        while let i = rects.firstIndex(where: { $0.intersects(u) }) {
            u = u.union(rects[i])
            rects.remove(at: i)
        }
        rects.append(u)
    }
}
