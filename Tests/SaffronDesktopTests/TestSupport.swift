import Foundation
import SaffronDesktop
import Synchronization

/// Collects desktop events from any thread.
final class EventCollector: Sendable {
    private let events = Mutex<[DesktopEvent]>([])
    var all: [DesktopEvent] { events.withLock { $0 } }
    var callback: @Sendable (DesktopEvent) -> Void { { [self] e in events.withLock { $0.append(e) } } }
    func reset() { events.withLock { $0.removeAll() } }
    var damageEvents: [[Rect]] {
        all.compactMap { if case .damage(let r) = $0 { r } else { nil } }
    }
}

func pixels(_ fb: Framebuffer, in rect: Rect) -> [UInt32] {
    let (size, px) = fb.snapshot()
    let r = rect.clamped(to: size)
    var out: [UInt32] = []
    for y in r.y..<r.maxY { out.append(contentsOf: px[(y * size.width + r.x)..<(y * size.width + r.maxX)]) }
    return out
}

/// A fresh path in the temporary directory; the test removes it (`defer { removeTemporary(path) }`).
func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("saffron-test-\(getpid())-\(UUID().uuidString.prefix(8))-\(name)").path
}

func removeTemporary(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// Set-1 make codes for the letters used in tests.
let scancodes: [Character: UInt8] = ["h": 0x23, "e": 0x12, "l": 0x26, "o": 0x18, "a": 0x1E, "b": 0x30, " ": 0x39]
