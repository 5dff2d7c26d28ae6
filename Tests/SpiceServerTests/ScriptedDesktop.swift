import SaffronDesktop
import Synchronization

/// A desktop the test drives by hand: paint a rectangle, scroll, and the matching event goes out.
final class ScriptedDesktop: DesktopSource {
    let name = "scripted"
    let framebuffer: Framebuffer
    let pacer: FramePacer? = FramePacer()
    private let sink = Mutex<(@Sendable (DesktopEvent) -> Void)?>(nil)

    init(size: Size) {
        framebuffer = Framebuffer(size: size, fill: 0x0020_2020)
    }

    var cursor: CursorState { CursorState(image: nil, position: .zero, visible: true) }
    func handle(_ event: InputEvent) {}
    func requestResize(to size: Size) {}

    func run(events: @escaping @Sendable (DesktopEvent) -> Void) async throws {
        sink.withLock { $0 = events }
        while !Task.isCancelled { try await Task.sleep(for: .milliseconds(50)) }
    }

    private func emit(_ event: DesktopEvent) {
        // The server subscribes when the client's display starts; the run loop is up by then.
        sink.withLock { $0 }?(event)
    }

    func paint(_ rect: Rect, color: UInt32) {
        framebuffer.withLockedPixels { size, px in
            for y in rect.y..<rect.maxY { for x in rect.x..<rect.maxX { px[y * size.width + x] = color } }
        }
        emit(.damage([rect]))
    }

    /// A smooth photo-like gradient.
    func paintGradient(_ rect: Rect) {
        framebuffer.withLockedPixels { size, px in
            for y in rect.y..<rect.maxY {
                for x in rect.x..<rect.maxX {
                    let r = UInt32(x * 200 / size.width), g = UInt32(y * 200 / size.height), b = UInt32((x + y) * 100 / (size.width + size.height))
                    px[y * size.width + x] = r << 16 | g << 8 | b
                }
            }
        }
        emit(.damage([rect]))
    }

    /// Moves everything up by `dy` rows and clears the exposed strip.
    func scrollUp(by dy: Int) {
        let size = framebuffer.size
        let serial = framebuffer.update(recordingMove: true) { size, px in
            for y in 0..<(size.height - dy) { for x in 0..<size.width { px[y * size.width + x] = px[(y + dy) * size.width + x] } }
            for y in (size.height - dy)..<size.height { for x in 0..<size.width { px[y * size.width + x] = 0x0020_2020 } }
        }
        emit(.moved(source: Rect(x: 0, y: dy, width: size.width, height: size.height - dy), destination: .zero, serial: serial))
        emit(.damage([Rect(x: 0, y: size.height - dy, width: size.width, height: dy)]))
    }
}
