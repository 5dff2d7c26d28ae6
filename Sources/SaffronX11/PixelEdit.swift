import Glibc
import SaffronDesktop

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
