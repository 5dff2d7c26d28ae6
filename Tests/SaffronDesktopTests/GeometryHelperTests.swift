import SaffronDesktop
import Testing

@Suite struct GeometryHelperTests {
    @Test func boundsAndClamping() {
        let s = Size(width: 100, height: 50)
        #expect(s.bounds == Rect(x: 0, y: 0, width: 100, height: 50))
        #expect(Point(x: -5, y: 70).clamped(to: s) == Point(x: 0, y: 49))
        #expect(Point(x: 150, y: -1).clamped(to: s) == Point(x: 99, y: 0))
        #expect(Point(x: 10, y: 10).clamped(to: s) == Point(x: 10, y: 10))
        #expect(Rect(x: 90, y: 40, width: 20, height: 20).clamped(to: s) == Rect(x: 90, y: 40, width: 10, height: 10))
        #expect(Rect(x: 200, y: 0, width: 5, height: 5).clamped(to: s).isEmpty)
    }

    @Test func insetAndCenter() {
        let r = Rect(x: 10, y: 20, width: 30, height: 40)
        #expect(r.insetBy(dx: 5, dy: 10) == Rect(x: 15, y: 30, width: 20, height: 20))
        #expect(r.insetBy(dx: -1, dy: -1) == Rect(x: 9, y: 19, width: 32, height: 42))
        #expect(r.insetBy(dx: 20, dy: 0).width == 0)
        #expect(r.center == Point(x: 25, y: 40))
        #expect(Rect(center: Point(x: 5, y: 5), radius: 2) == Rect(x: 3, y: 3, width: 5, height: 5))
        #expect(Point(x: 1, y: 2).offsetBy(dx: 3, dy: -4) == Point(x: 4, y: -2))
    }

    @Test func coalescedMergesOverlapsAndKeepsCoverage() {
        let a = Rect(x: 0, y: 0, width: 10, height: 10)
        let inside = Rect(x: 2, y: 2, width: 3, height: 3)
        let far = Rect(x: 100, y: 100, width: 5, height: 5)
        let touching = Rect(x: 10, y: 0, width: 10, height: 10)
        let merged = Rect.coalesced([a, inside, far, touching, Rect(x: 0, y: 0, width: 0, height: 9)])
        #expect(merged.count == 2)
        #expect(merged.contains(Rect(x: 0, y: 0, width: 20, height: 10)))
        #expect(merged.contains(far))
        // Far-apart diagonal rects are not merged into a wasteful box.
        let diag = Rect.coalesced([Rect(x: 0, y: 0, width: 4, height: 4), Rect(x: 3, y: 3, width: 40, height: 40)], slack: 0)
        #expect(diag.count == 2)
        #expect(Rect.totalArea(merged) == 200 + 25)
    }

    @Test func coalescedCoversEveryInputPixel() {
        var rects: [Rect] = []
        var seed: UInt64 = 12345
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        for _ in 0..<60 { rects.append(Rect(x: next(80), y: next(80), width: next(12) + 1, height: next(12) + 1)) }
        let out = Rect.coalesced(rects)
        #expect(out.count <= rects.count)
        var missing = 0
        for r in rects {
            for y in r.y..<r.maxY {
                for x in r.x..<r.maxX where !out.contains(where: { $0.contains(Point(x: x, y: y)) }) { missing += 1 }
            }
        }
        #expect(missing == 0)
    }
}
