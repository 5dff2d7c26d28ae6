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
