import Synchronization
@testable import SaffronDemo
@testable import SaffronDesktop
import Testing

@Suite struct FullFrameDesktopTests {
    static let size = Size(width: 320, height: 200)

    /// Runs the desktop until it has reported `frames` damage events; returns each frame's pixels.
    func frames(_ desktop: FullFrameDesktop, count: Int) async throws -> [[UInt32]] {
        let seen = Captured()
        let runner = Task {
            try await desktop.run { event in
                if case .damage = event { seen.add(desktop.framebuffer.snapshot().1) }
            }
        }
        defer { runner.cancel() }
        try await waitFor { seen.count >= count }
        return Array(seen.all.prefix(count))
    }

    @Test func photoFramesPanSoAlmostEveryPixelChanges() async throws {
        let shots = try await frames(FullFrameDesktop(size: Self.size, pattern: .photo), count: 3)
        try #require(shots.count == 3)
        for (a, b) in zip(shots, shots.dropFirst()) {
            let changed = zip(a, b).filter { $0 != $1 }.count
            #expect(changed > Self.size.area * 9 / 10, "only \(changed) of \(Self.size.area) pixels changed")
        }
        // Photo-like: many distinct colours, and neighbours mostly close (smooth, not noise).
        let first = shots[0]
        #expect(Set(first).count > 5000)
        var close = 0
        for i in 1..<first.count where abs(Int(first[i] & 0xFF) - Int(first[i - 1] & 0xFF)) <= 8 { close += 1 }
        #expect(close > first.count * 3 / 4, "\(close) of \(first.count) horizontal neighbours within 8 in blue")
    }

    @Test func photoTextureIsDeterministicAndPansWithinItself() {
        let a = PhotoTexture(width: 400, height: 300, seed: 7), b = PhotoTexture(width: 400, height: 300, seed: 7)
        #expect(a.pixels == b.pixels)
        #expect(a.pixels != PhotoTexture(width: 400, height: 300, seed: 8).pixels)
        // Frame 10 shows the texture from (30, 20).
        var px = [UInt32](repeating: 0, count: 100 * 50)
        a.copyWindow(frame: 10, into: &px, size: Size(width: 100, height: 50))
        #expect(px[0] == a.pixels[20 * 400 + 30])
        #expect(px[49 * 100 + 99] == a.pixels[(20 + 49) * 400 + 30 + 99])
        // Offsets stay inside the texture whatever the frame number.
        for frame in [0, 85, 86, 171, 1_000_003] { a.copyWindow(frame: frame, into: &px, size: Size(width: 100, height: 50)) }
    }

    @Test func rampFramesChangeEveryPixel() async throws {
        let shots = try await frames(FullFrameDesktop(size: Self.size), count: 2)
        try #require(shots.count == 2)
        #expect(zip(shots[0], shots[1]).allSatisfy { $0 != $1 })
    }
}

/// Frames captured on the desktop's task, read on the test's.
private final class Captured: Sendable {
    private let frames = Mutex<[[UInt32]]>([])
    func add(_ f: [UInt32]) { frames.withLock { $0.append(f) } }
    var count: Int { frames.withLock { $0.count } }
    var all: [[UInt32]] { frames.withLock { $0 } }
}
