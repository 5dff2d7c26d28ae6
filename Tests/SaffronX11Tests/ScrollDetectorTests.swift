import SaffronDesktop
@testable import SaffronX11
import Testing

@Suite("Scroll detection")
struct ScrollDetectorTests {
    /// A terminal-like frame: every text row of 8 pixels has distinct "glyph" content.
    static func terminal(width: Int, height: Int, firstLine: Int) -> [UInt32] {
        var px = [UInt32](repeating: 0xFFFFFF, count: width * height)
        for y in 0..<height {
            let line = firstLine + y / 8
            for x in 0..<width where (x * 7 + line * 13 + (y % 8) * 5) % 11 < 3 {
                px[y * width + x] = UInt32(truncatingIfNeeded: line &* 2_654_435_761) & 0x7F7F7F
            }
        }
        return px
    }

    func detect(_ old: [UInt32], _ new: [UInt32], _ w: Int, _ h: Int) -> ScrollDetector.Scroll? {
        old.withUnsafeBufferPointer { o in new.withUnsafeBufferPointer { n in ScrollDetector.detect(old: o, new: n, width: w, height: h) } }
    }

    @Test("a terminal scrolled up by one line is a move of dy = -8 plus the new bottom line")
    func scrollUpOneLine() throws {
        let (w, h) = (200, 160)
        let old = Self.terminal(width: w, height: h, firstLine: 0)
        let new = Self.terminal(width: w, height: h, firstLine: 1)
        let s = try #require(detect(old, new, w, h))
        #expect(s.dy == -8)
        #expect(s.sourceRows == 8..<160)
        #expect(s.changedRows == [152..<160])
    }

    @Test("after a move: the exposed line is sent whole, an edit inside the moved block as a small rectangle, up and down")
    func changesAfterTheMove() throws {
        let (w, h) = (200, 160)
        let old = Self.terminal(width: w, height: h, firstLine: 0)
        var new = Self.terminal(width: w, height: h, firstLine: 1)
        new[40 * w + 77] ^= 0x0000_FF  // a changed pixel inside the moved block
        let s = try #require(detect(old, new, w, h))
        let rects = old.withUnsafeBufferPointer { o in new.withUnsafeBufferPointer { n in
            ScrollDetector.changes(after: s, old: PixelRows(o, width: w), new: PixelRows(n, width: w), width: w)
        } }
        #expect(rects == [Rect(x: 77, y: 40, width: 1, height: 1), Rect(x: 0, y: 152, width: w, height: 8)])
        // Down by three lines: the top 24 rows are new.
        let down = Self.terminal(width: w, height: h, firstLine: -3)
        let d = try #require(detect(old, down, w, h))
        let downRects = old.withUnsafeBufferPointer { o in down.withUnsafeBufferPointer { n in
            ScrollDetector.changes(after: d, old: PixelRows(o, width: w), new: PixelRows(n, width: w), width: w)
        } }
        #expect(d.dy == 24 && downRects == [Rect(x: 0, y: 0, width: w, height: 24)])
    }

    @Test("scrolled down by three lines")
    func scrollDown() throws {
        let (w, h) = (120, 200)
        let old = Self.terminal(width: w, height: h, firstLine: 10)
        let new = Self.terminal(width: w, height: h, firstLine: 7)
        let s = try #require(detect(old, new, w, h))
        #expect(s.dy == 24)
        #expect(s.changedRows == [0..<24])
    }

    @Test("unrelated new content is not a scroll; identical frames neither")
    func noScroll() {
        let (w, h) = (100, 100)
        let old = Self.terminal(width: w, height: h, firstLine: 0)
        let new = Self.terminal(width: w, height: h, firstLine: 500).map { $0 ^ 0x123456 }
        #expect(detect(old, new, w, h) == nil)
        #expect(detect(old, old, w, h) == nil)
    }

    @Test("trimming keeps only the rows and columns that changed")
    func trimming() {
        let (w, h) = (50, 40)
        let old = [UInt32](repeating: 0, count: w * h)
        var new = old
        new[5 * w + 10] = 1
        new[7 * w + 20] = 1
        new[30 * w + 3] = 1
        let rects = ChangeTrimmer.changedRects(old: old, new: new, width: w, rows: 0..<h)
        #expect(rects == [Rect(x: 10, y: 5, width: 11, height: 3), Rect(x: 3, y: 30, width: 1, height: 1)])
        #expect(ChangeTrimmer.changedRects(old: old, new: old, width: w, rows: 0..<h).isEmpty)
    }

    @Test("row hashes: the 4th byte is ignored; one changed pixel anywhere in a row changes its hash (widths 1 to 21)")
    func rowHashes() {
        for width in 1...21 {
            let base = (0..<width).map { UInt32(truncatingIfNeeded: $0 &* 0x01_0305 &+ 0x102030) & 0xFF_FFFF }
            var rows = [base, base.map { $0 | 0xFF00_0000 }]  // same colours, other 4th byte
            for x in 0..<width {
                var changed = base
                changed[x] ^= 0x00_0100
                rows.append(changed)
            }
            let hashes = rows.flatMap { $0 }.withUnsafeBufferPointer { p in
                ScrollDetector.rowHashes(p, width: width, height: rows.count)
            }
            #expect(hashes[0] == hashes[1], "width \(width): the 4th byte changed the hash")
            #expect(Set(hashes[2...]).count == width && !hashes[2...].contains(hashes[0]), "width \(width): a changed pixel kept the hash")
        }
    }
}

@Suite("Row comparison for window moves")
struct SameRGBTests {
    @Test("rows agree when R, G and B agree, whatever the X byte; one differing channel anywhere is seen")
    func sameRGB() {
        for count in [0, 1, 7, 8, 9, 16, 23, 64, 333] {
            let a = (0..<count).map { UInt32(truncatingIfNeeded: $0 &* 2_654_435_761) & 0x00FF_FFFF }
            var b = a.map { $0 | 0xAB00_0000 }  // only the X byte differs
            #expect(ScrollDetector.sameRGB(a, b, count: count), "count \(count)")
            for position in Set([0, count / 2, count - 1]) where position >= 0 && position < count {
                for channel in [0, 8, 16] {
                    b = a
                    b[position] ^= 1 << UInt32(channel)
                    #expect(!ScrollDetector.sameRGB(a, b, count: count), "count \(count), pixel \(position), bit \(channel)")
                }
            }
        }
    }
}

@Suite("Row difference scans")
struct RowDifferenceTests {
    @Test("first and last differing pixel for every single change and pairs in rows of 1 to 40 pixels; the 4th byte never counts")
    func scans() {
        for width in 1...40 {
            let a = (0..<width).map { UInt32($0 &* 0x010203) & 0xFF_FFFF }
            let alphaOnly = a.map { $0 | 0x7F00_0000 }
            a.withUnsafeBufferPointer { pa in
                alphaOnly.withUnsafeBufferPointer { pb in
                    #expect(ChangeTrimmer.firstDifference(pa.baseAddress!, pb.baseAddress!, count: width) == width)
                    #expect(ChangeTrimmer.lastDifference(pa.baseAddress!, pb.baseAddress!, count: width) == -1)
                }
            }
            for i in 0..<width {
                for j in i..<width {
                    var b = alphaOnly
                    b[i] ^= 0x00_0100
                    if j != i { b[j] ^= 0x01_0000 }
                    a.withUnsafeBufferPointer { pa in
                        b.withUnsafeBufferPointer { pb in
                            #expect(ChangeTrimmer.firstDifference(pa.baseAddress!, pb.baseAddress!, count: width) == i, "width \(width), \(i)-\(j)")
                            #expect(ChangeTrimmer.lastDifference(pa.baseAddress!, pb.baseAddress!, count: width) == j, "width \(width), \(i)-\(j)")
                        }
                    }
                }
            }
        }
    }
}
