import Synchronization

/// A 32-bit xRGB surface (bytes B, G, R, X per pixel, rows top-down, stride = 4 × width): the
/// format of the SPICE primary surface, so pixels go to the wire without conversion.
///
/// Sources draw under `withLockedPixels`; readers copy rectangles out under the same lock, so a
/// reader never sees half a draw and no one holds the lock across I/O.
public final class Framebuffer: Sendable {
    private struct Storage {
        var size: Size
        var pixels: [UInt32]
    }

    private let storage: Mutex<Storage>

    public init(size: Size, fill: UInt32 = 0) {
        storage = Mutex(Storage(size: size, pixels: [UInt32](repeating: fill, count: size.area)))
    }

    public var size: Size { storage.withLock { $0.size } }

    /// Runs `body` with exclusive access to the pixel array (index = y × width + x).
    public func withLockedPixels<R>(_ body: (Size, inout [UInt32]) throws -> R) rethrows -> R {
        try storage.withLock { s in
            try body(s.size, &s.pixels)
        }
    }

    /// Replaces the surface with a new size (content cleared to `fill`).
    public func resize(to newSize: Size, fill: UInt32 = 0) {
        storage.withLock { s in
            s.size = newSize
            s.pixels = [UInt32](repeating: fill, count: newSize.area)
        }
    }

    /// Copies `rect` (clipped to the surface) out as little-endian xRGB rows, top-down.
    /// Returns the clipped rect and calls `write` once with the raw bytes.
    public func copyPixels(in rect: Rect, _ write: (Rect, UnsafeRawBufferPointer) -> Void) {
        storage.withLock { s in
            let r = rect.intersection(Rect(x: 0, y: 0, width: s.size.width, height: s.size.height))
            guard !r.isEmpty else { return write(r, UnsafeRawBufferPointer(start: nil, count: 0)) }
            s.pixels.withUnsafeBufferPointer { all in
                if r.x == 0 && r.width == s.size.width {
                    let start = all.baseAddress! + r.y * s.size.width
                    write(r, UnsafeRawBufferPointer(start: start, count: r.area * 4))
                } else {
                    let tmp = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: r.area)
                    defer { tmp.deallocate() }
                    for row in 0..<r.height {
                        let src = all.baseAddress! + (r.y + row) * s.size.width + r.x
                        (tmp.baseAddress! + row * r.width).update(from: src, count: r.width)
                    }
                    write(r, UnsafeRawBufferPointer(tmp))
                }
            }
        }
    }

    /// A copy of every pixel (for tests and still frames).
    public func snapshot() -> (Size, [UInt32]) {
        storage.withLock { ($0.size, $0.pixels) }
    }
}
