import SaffronDesktop

/// Finds content that moved vertically inside a damaged rectangle (terminal scrolling, a window
/// dragged up or down) by comparing row hashes of the old and new pixels.
public enum ScrollDetector {
    public struct Scroll: Equatable, Sendable {
        /// Rows moved by `dy` (positive: down). `source` is in the rectangle's own coordinates.
        public var dy: Int
        /// The moved block, in old coordinates (relative to the rectangle).
        public var sourceRows: Range<Int>
        /// Rows (relative, new coordinates) that still differ after the move: send as damage.
        public var changedRows: [Range<Int>]
    }

    /// `old` and `new` are `width` × `height` pixels, row-major. Returns a scroll if moving a block
    /// of rows by one offset explains at least half of the changed rows and saves pixels.
    public static func detect(old: UnsafeBufferPointer<UInt32>, new: UnsafeBufferPointer<UInt32>,
                              width: Int, height: Int, minRows: Int = 8) -> Scroll? {
        guard width > 0, height >= 2 * minRows, old.count >= width * height, new.count >= width * height else { return nil }
        return detect(old: PixelRows(old, width: width), new: PixelRows(new, width: width), width: width, height: height, minRows: minRows)
    }

    /// As above, on `width` × `height` pixels of each view (which the caller guarantees exist).
    static func detect(old: PixelRows, new: PixelRows, width: Int, height: Int, minRows: Int = 8) -> Scroll? {
        guard width > 0, height >= 2 * minRows else { return nil }
        let oldHash = rowHashes(old, width: width, height: height)
        let newHash = rowHashes(new, width: width, height: height)
        // Candidate offsets from rows whose content is distinctive (few copies in the old frame).
        var where_: [UInt64: [Int]] = [:]
        for (y, h) in oldHash.enumerated() { where_[h, default: []].append(y) }
        var votes: [Int: Int] = [:]
        var changed = 0
        for y in 0..<height where newHash[y] != oldHash[y] {
            changed += 1
            guard let ys = where_[newHash[y]], ys.count <= 2 else { continue }
            for oy in ys where oy != y { votes[y - oy, default: 0] += 1 }
        }
        guard changed >= minRows, let (dy, count) = votes.max(by: { $0.value < $1.value || ($0.value == $1.value && abs($0.key) > abs($1.key)) }),
              count * 2 >= changed / 2, abs(dy) < height - minRows else { return nil }
        // Verify pixel by pixel: which new rows equal the old row dy above them.
        let sourceRows = max(0, -dy)..<min(height, height - dy)
        var matches = 0
        var stillChanged: [Range<Int>] = []
        var runStart: Int?
        for y in 0..<height {
            let oy = y - dy
            var same: Bool
            if sourceRows.contains(oy) {
                same = newHash[y] == oldHash[oy] && rowsEqual(new, y, old, oy, width: width)
                if same && newHash[y] != oldHash[y] { matches += 1 }
            } else {
                same = false
            }
            if same { if let s = runStart { stillChanged.append(s..<y); runStart = nil } }
            else if runStart == nil { runStart = y }
        }
        if let s = runStart { stillChanged.append(s..<height) }
        // Worth it only if the move accounts for much of the change.
        guard matches >= minRows, matches * 2 >= changed else { return nil }
        return Scroll(dy: dy, sourceRows: sourceRows, changedRows: stillChanged)
    }

    /// What still differs once `scroll` is applied, relative to the rectangle: new rows against
    /// the old row dy above where the move fills them (compared in place, nothing copied), the
    /// rows it leaves unfilled entirely. One trimmer pass from the first to the last changed
    /// row, so bands less than 8 rows apart join as everywhere else. Views as for `detect`.
    static func changes(after scroll: Scroll, old: PixelRows, new: PixelRows, width: Int) -> [Rect] {
        guard let first = scroll.changedRows.first, let last = scroll.changedRows.last else { return [] }
        return ChangeTrimmer.changedRects(old: old, new: new, width: width, rows: first.lowerBound..<last.upperBound,
                                          oldRowShift: scroll.dy, oldRows: scroll.sourceRows)
    }

    /// A hash of each row's colour bits (the 4th byte ignored). Only a filter: matches are
    /// checked pixel by pixel. Four independent multiply chains over two pixels each, so the
    /// multiplies overlap: it was one FNV chain per pixel and a fifth of the X thread's CPU in
    /// the X11 benchmark.
    static func rowHashes(_ p: UnsafeBufferPointer<UInt32>, width: Int, height: Int) -> [UInt64] {
        rowHashes(PixelRows(p, width: width), width: width, height: height)
    }

    static func rowHashes(_ p: PixelRows, width: Int, height: Int) -> [UInt64] {
        let prime: UInt64 = 0x0000_0100_0000_01B3
        let mask: UInt64 = 0x00FF_FFFF_00FF_FFFF
        return [UInt64](unsafeUninitializedCapacity: height) { out, initialized in
            for y in 0..<height {
                let row = UnsafeRawPointer(p.row(y))
                var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x9e37_79b9_7f4a_7c15
                var c: UInt64 = 0xc2b2_ae3d_27d4_eb4f, d: UInt64 = 0x1656_67b1_9e37_79f9
                var x = 0
                while x &+ 8 <= width {
                    let o = x &* 4
                    a = (a ^ (row.loadUnaligned(fromByteOffset: o, as: UInt64.self) & mask)) &* prime
                    b = (b ^ (row.loadUnaligned(fromByteOffset: o &+ 8, as: UInt64.self) & mask)) &* prime
                    c = (c ^ (row.loadUnaligned(fromByteOffset: o &+ 16, as: UInt64.self) & mask)) &* prime
                    d = (d ^ (row.loadUnaligned(fromByteOffset: o &+ 24, as: UInt64.self) & mask)) &* prime
                    x &+= 8
                }
                while x < width {
                    a = (a ^ UInt64(row.loadUnaligned(fromByteOffset: x &* 4, as: UInt32.self) & 0x00FF_FFFF)) &* prime
                    x &+= 1
                }
                // Lanes in order, so rows with permuted blocks hash apart.
                var h = a
                h = (h ^ (h >> 29) ^ b) &* prime
                h = (h ^ (h >> 29) ^ c) &* prime
                h = (h ^ (h >> 29) ^ d) &* prime
                out[y] = h ^ (h >> 32)
            }
            initialized = height
        }
    }

    static func rowsEqual(_ a: PixelRows, _ ay: Int, _ b: PixelRows, _ by: Int, width: Int) -> Bool {
        sameRGB(a.row(ay), b.row(by), count: width)
    }

    /// Whether `count` pixels at `a` and `b` agree in R, G and B (the X byte is not compared):
    /// eight pixels per test, so the loop vectorises instead of branching on every pixel.
    static func sameRGB(_ a: UnsafePointer<UInt32>, _ b: UnsafePointer<UInt32>, count: Int) -> Bool {
        var x = 0
        while x + 8 <= count {
            var diff: UInt32 = 0
            for k in 0..<8 { diff |= a[x &+ k] ^ b[x &+ k] }
            if diff & 0x00FF_FFFF != 0 { return false }
            x &+= 8
        }
        var diff: UInt32 = 0
        while x < count {
            diff |= a[x] ^ b[x]
            x &+= 1
        }
        return diff & 0x00FF_FFFF == 0
    }
}
