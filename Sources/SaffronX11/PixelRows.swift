/// Rows of xRGB pixels in memory someone else owns: the shadow screen (stride = screen width) or
/// a rectangle read from the X server (stride = its width). Valid only while that memory is.
struct PixelRows {
    let base: UnsafePointer<UInt32>
    /// Pixels from the start of one row to the start of the next.
    let stride: Int

    init(_ base: UnsafePointer<UInt32>, stride: Int) {
        self.base = base
        self.stride = stride
    }

    init(_ buffer: UnsafeBufferPointer<UInt32>, width: Int) {
        self.init(buffer.baseAddress!, stride: width)
    }

    @inline(__always) func row(_ y: Int) -> UnsafePointer<UInt32> { base + y &* stride }

    /// The same memory from (x, y) on.
    func offset(x: Int, y: Int) -> PixelRows { PixelRows(base + y * stride + x, stride: stride) }
}
