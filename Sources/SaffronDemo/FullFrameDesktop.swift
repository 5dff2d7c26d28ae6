import SaffronDesktop
import Synchronization

/// A desktop whose every pixel changes all the time: the worst case for uncompressed bitmaps.
/// Each frame is repainted as soon as the previous one was handed on, so the client's pace is
/// what limits the rate (`saffron serve --demo full-frame`, saffron-bench, the client benchmark).
public final class FullFrameDesktop: DesktopSource {
    public let name = "full-frame benchmark"
    public let framebuffer: Framebuffer
    private let frame = Mutex(UInt32(0))

    public init(size: Size) { framebuffer = Framebuffer(size: size) }

    public var cursor: CursorState { CursorState(image: nil, position: .zero, visible: false) }
    public func handle(_ event: InputEvent) {}
    public func requestResize(to size: Size) {}

    public func run(events: @escaping @Sendable (DesktopEvent) -> Void) async throws {
        let full = Rect(origin: .zero, size: framebuffer.size)
        while !Task.isCancelled {
            let n = frame.withLock { f -> UInt32 in
                f &+= 1
                return f
            }
            framebuffer.withLockedPixels { size, px in
                let shade = (n &* 7) & 0xFF
                for i in px.indices { px[i] = (shade << 16) | UInt32(truncatingIfNeeded: i & 0xFFFF) }
            }
            events(.damage([full]))
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
