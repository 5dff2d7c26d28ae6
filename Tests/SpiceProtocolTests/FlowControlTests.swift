import SpiceProtocol
import Testing

/// State-machine scripts for SET_ACK/ACK windows, motion acks and ping round trips.
@Suite struct FlowControlTests {
    @Test func ackWindowScript() {
        var ack = AckWindow(window: 20)
        let (generation, window) = ack.start()
        #expect(generation == 1 && window == 20)
        // Up to 2 × window unacknowledged messages may be in flight, then sending stops.
        var sent = 0
        while ack.canSend {
            ack.didSend()
            sent += 1
        }
        #expect(sent == 41)
        // ACKs before ACK_SYNC do not count (the client has not seen this generation yet).
        ack.receivedAck()
        #expect(!ack.canSend)
        ack.receivedAckSync(generation: 1)
        ack.receivedAck()
        #expect(ack.unacknowledged == 21)
        #expect(ack.canSend)
        // A stale generation's sync stops acks from counting again.
        _ = ack.start(window: 40)
        ack.didSend(count: 5)
        ack.receivedAckSync(generation: 1)
        ack.receivedAck()
        #expect(ack.unacknowledged == 5)
        ack.receivedAckSync(generation: 2)
        ack.receivedAck()
        #expect(ack.unacknowledged == 0)
        ack.receivedAck()
        #expect(ack.unacknowledged == 0, "never below zero")
    }

    @Test func motionAcksEveryFourth() {
        var counter = MotionAckCounter()
        let acks = (1...12).map { _ in counter.receivedMotion() }
        #expect(acks == [false, false, false, true, false, false, false, true, false, false, false, true])
    }

    @Test func pingRoundTrips() {
        var pings = PingTracker(maxOutstanding: 2)
        let a = pings.ping(now: 1_000)
        let b = pings.ping(now: 2_000)
        #expect(a != nil && b != nil && a != b)
        #expect(pings.ping(now: 3_000) == nil, "bounded: no more than 2 unanswered")
        #expect(pings.pong(id: b!, now: 2_500) == 500)
        #expect(pings.pong(id: b!, now: 2_600) == nil, "a pong counts once")
        #expect(pings.pong(id: 999, now: 2_600) == nil)
        #expect(pings.pong(id: a!, now: 4_000) == 3_000)
        #expect(pings.lastRoundTripNanoseconds == 3_000)
        #expect(pings.smoothedRoundTripNanoseconds == (500 * 7 + 3_000) / 8)
    }
}
