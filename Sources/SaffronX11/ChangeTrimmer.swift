import SaffronDesktop

/// X reports damage for drawing that may not change pixels (a redraw of the same text); this
/// keeps only the rows and columns that really changed.
public enum ChangeTrimmer {
    /// Bands of changed rows within `rows` (gaps under `gap` rows joined), each cut to its
    /// changed columns, relative to the `width`-wide buffers.
    public static func changedRects(old: [UInt32], new: [UInt32], width: Int, rows: Range<Int>, gap: Int = 8) -> [Rect] {
        var out: [Rect] = []
        var band: (start: Int, end: Int, minX: Int, maxX: Int)?
        old.withUnsafeBufferPointer { o in
            new.withUnsafeBufferPointer { n in
                for y in rows {
                    let base = y * width
                    var minX = -1, maxX = -1
                    for x in 0..<width where (o[base + x] ^ n[base + x]) & 0x00FF_FFFF != 0 {
                        if minX < 0 { minX = x }
                        maxX = x
                    }
                    guard minX >= 0 else { continue }
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
            }
        }
        if let b = band { out.append(Rect(x: b.minX, y: b.start, width: b.maxX - b.minX + 1, height: b.end - b.start)) }
        return out
    }
}
