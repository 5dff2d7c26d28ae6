import SaffronDesktop
import Testing

@Suite struct FramePacerTests {
    @Test("full rate while any viewer keeps up, slower when all are behind, slowest with none")
    func rates() {
        let pacer = FramePacer()
        let r = pacer.rates
        #expect(pacer.interval == r.unwatched)
        let a = pacer.register(), b = pacer.register()
        #expect(pacer.interval == r.keepingUp)
        pacer.update(a, behind: true)
        #expect(pacer.interval == r.keepingUp)
        pacer.update(b, behind: true)
        #expect(pacer.interval == r.allBehind)
        pacer.update(a, behind: false)
        #expect(pacer.interval == r.keepingUp)
        pacer.unregister(a)
        #expect(pacer.interval == r.allBehind)
        pacer.unregister(b)
        pacer.update(b, behind: false)  // after unregister: ignored
        #expect(pacer.viewers == 0)
        #expect(pacer.interval == r.unwatched)
    }
}
