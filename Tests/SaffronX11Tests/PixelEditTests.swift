import SaffronDesktop
@testable import SaffronX11
import Testing

@Suite("Pixel edits on the shadow and the framebuffer")
struct PixelEditTests {
    /// A 12 x 10 surface whose pixel values name their place: y * 100 + x.
    static func surface() -> [UInt32] { (0..<10).flatMap { y in (0..<12).map { x in UInt32(y * 100 + x) } } }

    /// What moving `source` to `destination` must give, computed from an untouched copy.
    static func expectedMove(_ s: [UInt32], _ source: Rect, _ destination: Point) -> [UInt32] {
        var out = s
        for y in 0..<source.height {
            for x in 0..<source.width {
                out[(destination.y + y) * 12 + destination.x + x] = s[(source.y + y) * 12 + source.x + x]
            }
        }
        return out
    }

    @Test("overlapping block moves down, up, left and right equal a copy through a second buffer",
          arguments: [Point(x: 2, y: 4), Point(x: 2, y: 0), Point(x: 0, y: 2), Point(x: 5, y: 3), Point(x: 3, y: 1)])
    func moves(destination: Point) {
        let source = Rect(x: 2, y: 2, width: 6, height: 5)
        var s = Self.surface()
        s.withUnsafeMutableBufferPointer { PixelEdit.move($0.baseAddress!, stride: 12, source: source, to: destination) }
        #expect(s == Self.expectedMove(Self.surface(), source, destination))
    }

    @Test("copying rectangles of a packed view lands them at the origin's offset, nothing else changes")
    func copies() {
        let new = [UInt32](repeating: 7, count: 4 * 3)
        var s = Self.surface()
        new.withUnsafeBufferPointer { n in
            s.withUnsafeMutableBufferPointer {
                PixelEdit.copy([Rect(x: 1, y: 0, width: 2, height: 2), Rect(x: 3, y: 2, width: 1, height: 1)],
                               of: PixelRows(n, width: 4), at: Point(x: 5, y: 6), into: $0.baseAddress!, stride: 12)
            }
        }
        var expected = Self.surface()
        for (x, y) in [(6, 6), (7, 6), (6, 7), (7, 7), (8, 8)] { expected[y * 12 + x] = 7 }
        #expect(s == expected)
    }

    @Test("the shadow starts zeroed at its size and resets to zero")
    func shadowReset() {
        let shadow = ShadowScreen()
        shadow.reset(to: Size(width: 3, height: 2))
        shadow.mutableBase[4] = 9
        #expect((0..<6).map { shadow.view.row(0)[$0] } == [0, 0, 0, 0, 9, 0])
        shadow.reset(to: Size(width: 2, height: 3))
        #expect(shadow.size == Size(width: 2, height: 3))
        #expect((0..<3).flatMap { y in (0..<2).map { shadow.view.row(y)[$0] } } == [0, 0, 0, 0, 0, 0])
    }
}
