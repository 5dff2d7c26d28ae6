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
        /// Counts writes that moved pixels (scrolls, window moves), so a reader can tell whether
        /// what it copies out already includes a move it has not been told about yet.
        var moveSerial: UInt64 = 0
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

    /// Writes under the lock like `withLockedPixels`; when the write moves pixels (a `.moved`
    /// event will follow), it also advances the move serial and returns it for that event.
    @discardableResult
    public func update(recordingMove: Bool, _ body: (Size, inout [UInt32]) -> Void) -> UInt64 {
        storage.withLock { s in
            body(s.size, &s.pixels)
            if recordingMove { s.moveSerial += 1 }
            return s.moveSerial
        }
    }

    /// How many moves the pixels include so far.
    public var moveSerial: UInt64 { storage.withLock { $0.moveSerial } }

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
        copyPixels(in: rect) { r, bytes, _ in write(r, bytes) }
    }

    /// As `copyPixels(in:_:)`, also passing the move serial the copied pixels include.
    public func copyPixels(in rect: Rect, _ write: (Rect, UnsafeRawBufferPointer, UInt64) -> Void) {
        storage.withLock { s in
            let serial = s.moveSerial
            let r = rect.intersection(Rect(x: 0, y: 0, width: s.size.width, height: s.size.height))
            guard !r.isEmpty else { return write(r, UnsafeRawBufferPointer(start: nil, count: 0), serial) }
            s.pixels.withUnsafeBufferPointer { all in
                if r.x == 0 && r.width == s.size.width {
                    let start = all.baseAddress! + r.y * s.size.width
                    write(r, UnsafeRawBufferPointer(start: start, count: r.area * 4), serial)
                } else {
                    let tmp = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: r.area)
                    defer { tmp.deallocate() }
                    for row in 0..<r.height {
                        let src = all.baseAddress! + (r.y + row) * s.size.width + r.x
                        (tmp.baseAddress! + row * r.width).update(from: src, count: r.width)
                    }
                    write(r, UnsafeRawBufferPointer(tmp), serial)
                }
            }
        }
    }

    /// A copy of every pixel (for tests and still frames).
    public func snapshot() -> (Size, [UInt32]) {
        storage.withLock { ($0.size, $0.pixels) }
    }
}
