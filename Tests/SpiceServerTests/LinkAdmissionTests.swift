import Testing
@testable import SpiceServer

@Suite struct LinkAdmissionTests {
    @Test func perPeerAndTotalLimits() {
        let admission = LinkAdmission(maxPerPeer: 2, maxTotal: 3)
        #expect(admission.admit(peer: "10.0.0.1") == .admitted)
        #expect(admission.admit(peer: "10.0.0.1") == .admitted)
        guard case .refused(let why) = admission.admit(peer: "10.0.0.1") else { Issue.record("third from one peer admitted"); return }
        #expect(why.contains("10.0.0.1") && why.contains("per address"))
        #expect(admission.admit(peer: "10.0.0.2") == .admitted)
        guard case .refused(let total) = admission.admit(peer: "10.0.0.3") else { Issue.record("over the total admitted"); return }
        #expect(total.contains("limit 3"))
        #expect(admission.pending(peer: "10.0.0.1").total == 3 && admission.pending(peer: "10.0.0.1").peer == 2)
        // a finished link frees its slot
        admission.release(peer: "10.0.0.1")
        #expect(admission.admit(peer: "10.0.0.3") == .admitted)
        #expect(admission.admit(peer: "10.0.0.1") != .admitted)
        // releasing an unknown peer changes nothing
        admission.release(peer: "192.0.2.9")
        #expect(admission.pending(peer: "10.0.0.3").total == 3 && admission.pending(peer: "10.0.0.3").peer == 1)
        for peer in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] { admission.release(peer: peer) }
        #expect(admission.pending(peer: "10.0.0.1").total == 0)
    }
}
