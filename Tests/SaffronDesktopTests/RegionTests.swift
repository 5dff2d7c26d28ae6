import SaffronDesktop
import Testing

@Suite struct RegionTests {
    /// Every pixel counted once: the region's area equals the union's area by brute force.
    private func bruteArea(_ rects: [Rect]) -> Int {
        var set = Set<Int>()
        for r in rects { for y in r.y..<r.maxY { for x in r.x..<r.maxX { set.insert(y * 10_000 + x) } } }
        return set.count
    }

    @Test func overlappingRectsAreStoredWithoutOverlap() {
        var region = Region(maxRects: 100)
        let rects = [Rect(x: 0, y: 0, width: 10, height: 10), Rect(x: 5, y: 5, width: 10, height: 10), Rect(x: 2, y: 2, width: 3, height: 3)]
        for r in rects { region.add(r) }
        #expect(region.area == bruteArea(rects))
        for (i, a) in region.rects.enumerated() {
            for b in region.rects[(i + 1)...] { #expect(!a.intersects(b)) }
        }
    }

    @Test func coveredRectsAreReplacedNotLost() {
        var region = Region(maxRects: 100)
        region.add(Rect(x: 2, y: 2, width: 2, height: 2))
        region.add(Rect(x: 8, y: 8, width: 2, height: 2))
        region.add(Rect(x: 0, y: 0, width: 5, height: 5))
        #expect(region.area == 25 + 4)
    }

    @Test func countStaysBoundedAndCoversEverything() {
        var region = Region(maxRects: 8)
        var rng = SystemRandomNumberGenerator()
        var added: [Rect] = []
        for _ in 0..<200 {
            let r = Rect(x: Int.random(in: 0..<500, using: &rng), y: Int.random(in: 0..<500, using: &rng), width: Int.random(in: 1..<40, using: &rng), height: Int.random(in: 1..<40, using: &rng))
            added.append(r)
            region.add(r)
            #expect(region.rects.count <= 8)
        }
        for r in added {
            // Every added pixel is still covered after merging.
            let covered = region.rects.reduce(0) { $0 + $1.intersection(r).area }
            #expect(covered == r.area)
        }
    }

    @Test func neighboursCoalesce() {
        var region = Region()
        region.add(Rect(x: 0, y: 0, width: 100, height: 10))
        region.add(Rect(x: 0, y: 10, width: 100, height: 10))
        #expect(region.rects == [Rect(x: 0, y: 0, width: 100, height: 20)])
    }

    @Test func popRectSplitsIntoBandsTopFirst() {
        var region = Region()
        region.add(Rect(x: 0, y: 0, width: 100, height: 100))
        let first = region.popRect(maxPixels: 1000)
        #expect(first == Rect(x: 0, y: 0, width: 100, height: 10))
        var total = first!.area
        while let r = region.popRect(maxPixels: 1000) {
            #expect(r.area <= 1000)
            total += r.area
        }
        #expect(total == 10_000)
    }

    @Test func subtractRemovesExactly() {
        var region = Region()
        region.add(Rect(x: 0, y: 0, width: 10, height: 10))
        region.subtract(Rect(x: 0, y: 0, width: 10, height: 5))
        #expect(region.area == 50)
        #expect(region.rects.allSatisfy { $0.y >= 5 })
    }
}
