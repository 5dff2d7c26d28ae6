import SpiceCodecs
import SpiceProtocol
import Synchronization

/// The client's copy of the primary surface: 32-bit xRGB pixels, rows top-down.
public final class ClientSurface: Sendable {
    private struct State {
        var width = 0
        var height = 0
        var pixels: [UInt32] = []
    }
    private let state = Mutex(State())

    public init() {}

    public var size: (width: Int, height: Int) { state.withLock { ($0.width, $0.height) } }

    public func snapshot() -> (width: Int, height: Int, pixels: [UInt32]) {
        state.withLock { ($0.width, $0.height, $0.pixels) }
    }

    func create(width: Int, height: Int) {
        state.withLock {
            $0.width = width
            $0.height = height
            $0.pixels = [UInt32](repeating: 0, count: width * height)
        }
    }

    /// Blits `sourceArea` of a 32-bit image (rgb32 or rgba, either row order) to `box`.
    func draw(_ image: PixelImage, sourceArea: SpiceRect, box: SpiceRect) -> Bool {
        guard image.format == .rgb32 || image.format == .rgba else { return false }
        return state.withLock { s in
            let w = Int(box.width), h = Int(box.height)
            guard w > 0, h > 0, Int(box.left) >= 0, Int(box.top) >= 0, Int(box.right) <= s.width, Int(box.bottom) <= s.height,
                  Int(sourceArea.left) >= 0, Int(sourceArea.top) >= 0,
                  Int(sourceArea.left) + w <= image.width, Int(sourceArea.top) + h <= image.height,
                  image.stride >= image.width * 4, image.data.count >= image.stride * image.height
            else { return false }
            image.data.withUnsafeBytes { raw in
                s.pixels.withUnsafeMutableBufferPointer { px in
                    for row in 0..<h {
                        let src = image.rowOffset(visualRow: Int(sourceArea.top) + row) + Int(sourceArea.left) * 4
                        let dst = (Int(box.top) + row) * s.width + Int(box.left)
                        for x in 0..<w {
                            px[dst + x] = raw.loadUnaligned(fromByteOffset: src + x * 4, as: UInt32.self).littleEndian & 0x00FF_FFFF
                        }
                    }
                }
            }
            return true
        }
    }

    /// COPY_BITS: pixels at `source` move to `box` (overlap-safe).
    func copyBits(from source: SpicePoint, to box: SpiceRect) -> Bool {
        state.withLock { s in
            let w = Int(box.width), h = Int(box.height)
            let sx = Int(source.x), sy = Int(source.y)
            guard w > 0, h > 0, sx >= 0, sy >= 0, sx + w <= s.width, sy + h <= s.height,
                  Int(box.left) >= 0, Int(box.top) >= 0, Int(box.right) <= s.width, Int(box.bottom) <= s.height
            else { return false }
            // Moving down: copy bottom rows first so the source is read before it is overwritten.
            let down = Int(box.top) > sy
            for row in stride(from: down ? h - 1 : 0, through: down ? 0 : h - 1, by: down ? -1 : 1) {
                let src = (sy + row) * s.width + sx
                let dst = (Int(box.top) + row) * s.width + Int(box.left)
                s.pixels.withUnsafeMutableBufferPointer { px in
                    let base = px.baseAddress!
                    (base + dst).update(from: base + src, count: w)  // memmove semantics within a row
                }
            }
            return true
        }
    }
}
