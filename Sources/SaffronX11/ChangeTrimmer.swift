import Glibc
import SaffronDesktop

/// X reports damage for drawing that may not change pixels (a redraw of the same text); this
/// keeps only the rows and columns that really changed.
public enum ChangeTrimmer {
    /// Bands of changed rows within `rows` (gaps under `gap` rows joined), each cut to its
    /// changed columns, relative to the `width`-wide buffers.
    public static func changedRects(old: [UInt32], new: [UInt32], width: Int, rows: Range<Int>, gap: Int = 8) -> [Rect] {
        precondition(rows.lowerBound >= 0 && old.count >= rows.upperBound * width && new.count >= rows.upperBound * width,
                     "ChangeTrimmer: rows \(rows) of width \(width) outside the buffers")
        guard width > 0, !rows.isEmpty else { return [] }
        return old.withUnsafeBufferPointer { o in
            new.withUnsafeBufferPointer { n in
                changedRects(old: PixelRows(o, width: width), new: PixelRows(n, width: width), width: width, rows: rows, gap: gap)
            }
        }
    }

    /// As above, on views whose rows hold `width` pixels (which the caller guarantees): new row
    /// y against old row y − `oldRowShift` (a scroll by that many rows). A new row whose old row
    /// is outside `oldRows` (what a scroll leaves unfilled) has changed entirely.
    static func changedRects(old: PixelRows, new: PixelRows, width: Int, rows: Range<Int>, gap: Int = 8,
                             oldRowShift: Int = 0, oldRows: Range<Int> = Int.min..<Int.max) -> [Rect] {
        var out: [Rect] = []
        var band: (start: Int, end: Int, minX: Int, maxX: Int)?
        for y in rows {
            let oy = y &- oldRowShift
            let minX: Int, maxX: Int
            if oldRows.contains(oy) {
                let a = old.row(oy), b = new.row(y)
                // Most damaged rows are unchanged: memcmp settles them at memory speed. A
                // changed row is scanned from each end only up to its first difference.
                if memcmp(a, b, width * 4) == 0 { continue }
                minX = firstDifference(a, b, count: width)
                guard minX < width else { continue }
                maxX = lastDifference(a, b, count: width)
            } else {
                (minX, maxX) = (0, width - 1)
            }
            if var b = band, y - b.end <= gap {
                b.end = y + 1
                b.minX = min(b.minX, minX)
                b.maxX = max(b.maxX, maxX)
                band = b
            } else {
                if let b = band { out.append(Rect(x: b.minX, y: b.start, width: b.maxX - b.minX + 1, height: b.end - b.start)) }
                band = (y, y + 1, minX, maxX)
            }
        }
        if let b = band { out.append(Rect(x: b.minX, y: b.start, width: b.maxX - b.minX + 1, height: b.end - b.start)) }
        return out
    }

    /// The first pixel whose colour differs (`count` if none). Eight pixels per test: a pixel
    /// at a time, the scan across a dragged window's unchanged rows was a quarter of the X
    /// thread's time.
    @inline(__always)
    static func firstDifference(_ a: UnsafePointer<UInt32>, _ b: UnsafePointer<UInt32>, count: Int) -> Int {
        var x = 0
        while x &+ 8 <= count {
            var d: UInt32 = 0
            for k in 0..<8 { d |= a[x &+ k] ^ b[x &+ k] }
            if d & 0x00FF_FFFF != 0 { break }
            x &+= 8
        }
        while x < count, (a[x] ^ b[x]) & 0x00FF_FFFF == 0 { x &+= 1 }
        return x
    }

    /// The last pixel whose colour differs (-1 if none).
    @inline(__always)
    static func lastDifference(_ a: UnsafePointer<UInt32>, _ b: UnsafePointer<UInt32>, count: Int) -> Int {
        var end = count
        while end >= 8 {
            var d: UInt32 = 0
            for k in 1...8 { d |= a[end &- k] ^ b[end &- k] }
            if d & 0x00FF_FFFF != 0 { break }
            end &-= 8
        }
        while end > 0, (a[end &- 1] ^ b[end &- 1]) & 0x00FF_FFFF == 0 { end &-= 1 }
        return end - 1
    }
}
