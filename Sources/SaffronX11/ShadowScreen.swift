import Glibc
import SaffronDesktop

/// The X thread's own copy of what the framebuffer holds: the "before" of every comparison,
/// read without taking the framebuffer's lock and without copying it out first. Every edit is
/// made to both (see `XDesktopWorker.edit`), so they stay equal.
final class ShadowScreen {
    private(set) var size = Size(width: 0, height: 0)
    private var pixels = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)

    deinit { pixels.deallocate() }

    /// Makes it `size`, all zero (as `Framebuffer.resize` leaves the framebuffer).
    func reset(to size: Size) {
        if pixels.count != size.area {
            pixels.deallocate()
            pixels = .allocate(capacity: max(1, size.area))
        }
        self.size = size
        pixels.initialize(repeating: 0)
    }

    var view: PixelRows { PixelRows(UnsafePointer(pixels.baseAddress!), stride: size.width) }
    var mutableBase: UnsafeMutablePointer<UInt32> { pixels.baseAddress! }
}

/// Pixel edits applied alike to the shadow and to the framebuffer.
enum PixelEdit {
    /// Moves the `source` block to `destination` (rows in an order that never reads a row
    /// already overwritten; memmove handles a horizontal overlap within a row).
    static func move(_ p: UnsafeMutablePointer<UInt32>, stride: Int, source: Rect, to destination: Point) {
        for i in 0..<source.height {
            let row = destination.y > source.y ? source.height - 1 - i : i
            _ = memmove(p + (destination.y + row) * stride + destination.x, p + (source.y + row) * stride + source.x,
                        source.width * MemoryLayout<UInt32>.size)
        }
    }

    /// Copies `rects` (in `new`'s coordinates) of `new` to the same places offset by `origin`,
    /// with the 4th byte cleared (captures leave it undefined; the framebuffer holds it zero).
    static func copy(_ rects: [Rect], of new: PixelRows, at origin: Point, into p: UnsafeMutablePointer<UInt32>, stride: Int) {
        for r in rects {
            for y in r.y..<r.maxY {
                let to = p + (origin.y + y) * stride + origin.x + r.x, from = new.row(y) + r.x
                for x in 0..<r.width { to[x] = from[x] & 0x00FF_FFFF }
            }
        }
    }
}
