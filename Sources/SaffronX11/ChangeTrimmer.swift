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
        return old.withUnsafeBufferPointer { o in
            new.withUnsafeBufferPointer { n in
                changedRects(old: PixelRows(o, width: width), new: PixelRows(n, width: width), width: width, rows: rows, gap: gap)
            }
        }
    }

    /// As above, on views whose rows in `rows` hold `width` pixels (which the caller guarantees).
    static func changedRects(old: PixelRows, new: PixelRows, width: Int, rows: Range<Int>, gap: Int = 8) -> [Rect] {
        var out: [Rect] = []
        var band: (start: Int, end: Int, minX: Int, maxX: Int)?
        for y in rows {
            let a = old.row(y), b = new.row(y)
            // Most damaged rows are unchanged: memcmp settles them at memory speed. A
            // changed row is scanned from each end only up to its first difference.
            if memcmp(a, b, width * 4) == 0 { continue }
            var minX = 0
            while minX < width, (a[minX] ^ b[minX]) & 0x00FF_FFFF == 0 { minX += 1 }
            guard minX < width else { continue }
            var maxX = width - 1
            while (a[maxX] ^ b[maxX]) & 0x00FF_FFFF == 0 { maxX -= 1 }
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
}
