import SaffronDesktop
import Testing
@testable import SpiceServer

@Suite struct DisplayPipeTests {
    private func drain(_ pipe: inout DisplayPipe, maxPixels: Int = 1 << 30) -> [DisplayPipe.Item] {
        var items: [DisplayPipe.Item] = []
        while let i = pipe.next(maxPixels: maxPixels) { items.append(i) }
        return items
    }

    @Test func startSendsSurfaceFullDrawMonitorsMark() {
        var pipe = DisplayPipe()
        pipe.addDamage([Rect(x: 0, y: 0, width: 5, height: 5)])  // before start: ignored
        pipe.start(size: Size(width: 64, height: 48))
        pipe.addDamage([Rect(x: 1, y: 1, width: 2, height: 2)])  // covered by the full draw
        #expect(drain(&pipe) == [
            .surfaceCreate(Size(width: 64, height: 48)), .fullDraw(Rect(x: 0, y: 0, width: 64, height: 48)),
            .monitorsConfig([Rect(x: 0, y: 0, width: 64, height: 48)]), .mark,
        ])
        #expect(pipe.isIdle)
    }

    @Test func damageIsMergedNotQueued() {
        var pipe = DisplayPipe()
        pipe.start(size: Size(width: 100, height: 100))
        _ = drain(&pipe)
        for _ in 0..<1000 { pipe.addDamage([Rect(x: 10, y: 10, width: 20, height: 20)]) }
        #expect(drain(&pipe) == [.draw(Rect(x: 10, y: 10, width: 20, height: 20))])
    }

    @Test func damageIsClippedToTheSurface() {
        var pipe = DisplayPipe()
        pipe.start(size: Size(width: 100, height: 100))
        _ = drain(&pipe)
        pipe.addDamage([Rect(x: 90, y: 90, width: 50, height: 50), Rect(x: -10, y: 200, width: 5, height: 5)])
        #expect(drain(&pipe) == [.draw(Rect(x: 90, y: 90, width: 10, height: 10))])
    }

    @Test func moveBecomesCopyBitsAheadOfDamageAndRepairsStaleSource() {
        var pipe = DisplayPipe()
        pipe.start(size: Size(width: 100, height: 100))
        _ = drain(&pipe)
        // Pending damage inside the moved area's source: the client's copy of it is stale.
        pipe.addDamage([Rect(x: 0, y: 20, width: 10, height: 10)])
        pipe.addMove(source: Rect(x: 0, y: 10, width: 100, height: 90), destination: Point(x: 0, y: 0))
        let items = drain(&pipe)
        #expect(items.first == .copyBits(source: Rect(x: 0, y: 10, width: 100, height: 90), destination: Point(x: 0, y: 0)))
        // The stale source pixels are re-sent where they moved to (y 20 → 10).
        #expect(items.dropFirst().contains(.draw(Rect(x: 0, y: 10, width: 10, height: 10))))
        #expect(!items.dropFirst().contains(.draw(Rect(x: 0, y: 20, width: 10, height: 10))))
    }

    @Test func tooManyMovesDegradeToDamage() {
        var pipe = DisplayPipe(maxCopies: 4)
        pipe.start(size: Size(width: 100, height: 100))
        _ = drain(&pipe)
        for _ in 0..<10 { pipe.addMove(source: Rect(x: 0, y: 1, width: 100, height: 99), destination: .zero) }
        let items = drain(&pipe)
        #expect(items.filter { if case .copyBits = $0 { return true } else { return false } }.count <= 4)
        #expect(!items.isEmpty)
    }

    @Test func resizeRecreatesTheSurface() {
        var pipe = DisplayPipe()
        pipe.start(size: Size(width: 100, height: 100))
        _ = drain(&pipe)
        pipe.addDamage([Rect(x: 0, y: 0, width: 10, height: 10)])
        pipe.resized(to: Size(width: 200, height: 50))
        #expect(drain(&pipe) == [
            .surfaceDestroy, .surfaceCreate(Size(width: 200, height: 50)), .fullDraw(Rect(x: 0, y: 0, width: 200, height: 50)),
            .monitorsConfig([Rect(x: 0, y: 0, width: 200, height: 50)]), .mark,
        ])
    }

    @Test func bandsBoundEachDraw() {
        var pipe = DisplayPipe()
        pipe.start(size: Size(width: 1000, height: 1000))
        _ = drain(&pipe)
        pipe.addDamage([Rect(x: 0, y: 0, width: 1000, height: 1000)])
        let items = drain(&pipe, maxPixels: 64_000)
        #expect(items.count == 16)
        for case .draw(let r) in items { #expect(r.area <= 64_000) }
    }

    @Test func pixelsAheadOfTheMoveEventsWaitForThem() {
        var pipe = DisplayPipe()
        pipe.start(size: Size(width: 100, height: 100))
        _ = pipe.next(maxPixels: 1 << 30)  // surface
        _ = pipe.next(maxPixels: 1 << 30)  // full draw...
        pipe.fullDrawRead(atMoveSerial: 3)  // ...read with moves 1-3 in it
        _ = drain(&pipe)
        // A move already in the full draw's pixels is not sent again.
        pipe.addMove(source: Rect(x: 0, y: 10, width: 100, height: 90), destination: .zero, serial: 3)
        #expect(pipe.isIdle)
        // Damage read while the framebuffer already holds move 4, whose event is still on its way.
        pipe.addDamage([Rect(x: 0, y: 50, width: 10, height: 10)])
        guard case .draw(let r) = pipe.next(maxPixels: 1 << 30) else { Issue.record("expected a draw"); return }
        let accepted = pipe.acceptRead(r, atMoveSerial: 4)
        #expect(!accepted)
        #expect(!pipe.isIdle, "the rectangle went back into the damage")
        // The event arrives: COPY_BITS first, then the damage moved with the content.
        pipe.addMove(source: Rect(x: 0, y: 10, width: 100, height: 90), destination: .zero, serial: 4)
        let nowAccepted = pipe.acceptRead(Rect(x: 0, y: 40, width: 10, height: 10), atMoveSerial: 4)
        #expect(nowAccepted)
        let items = drain(&pipe)
        #expect(items.first == .copyBits(source: Rect(x: 0, y: 10, width: 100, height: 90), destination: .zero))
        #expect(items.contains(.draw(Rect(x: 0, y: 40, width: 10, height: 10))))
    }

    @Test("heads: the monitors when they fit the surface, else the whole surface; a new layout replaces a pending one")
    func monitorHeads() {
        let two = [Rect(x: 0, y: 0, width: 100, height: 50), Rect(x: 100, y: 0, width: 100, height: 50)]
        #expect(DisplayPipe.heads(two, surface: Size(width: 200, height: 50)) == two)
        #expect(DisplayPipe.heads(two, surface: Size(width: 150, height: 50)) == [two[0]], "a monitor outside the surface is left out")
        #expect(DisplayPipe.heads([], surface: Size(width: 80, height: 60)) == [Rect(x: 0, y: 0, width: 80, height: 60)])
        var pipe = DisplayPipe()
        pipe.start(size: Size(width: 200, height: 50), monitors: two)
        while pipe.next(maxPixels: 1 << 20) != nil {}
        pipe.layoutChanged([Rect(x: 0, y: 0, width: 200, height: 50)])
        pipe.layoutChanged(two)
        #expect(pipe.next(maxPixels: 1 << 20) == .monitorsConfig(two))
        #expect(pipe.next(maxPixels: 1 << 20) == nil)
    }
}
