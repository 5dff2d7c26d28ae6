import NIOCore
import Testing
@testable import SpiceProtocol

@Suite struct BaseChannelTests {
    @Test func setAckGolden() throws {
        try expectGolden(BaseChannel.SetAck(generation: 1, window: 20), le32(1) + le32(20), size: 8)
    }

    @Test func pingGolden() throws {
        let ping = BaseChannel.Ping(id: 3, timestamp: 0x0102_0304_0506_0708, data: buffer([0, 0, 0, 0]))
        try expectGolden(ping, le32(3) + [8, 7, 6, 5, 4, 3, 2, 1] + [0, 0, 0, 0], size: 16)
    }

    @Test func pongAcceptsTrailingBytes() throws {
        let pong = try BaseChannel.Pong.decode(body: buffer(le32(9) + le64(77) + [1, 2, 3, 4]))
        #expect(pong == BaseChannel.Pong(id: 9, timestamp: 77))
        #expect(bodyBytes(pong).count == 12)
    }

    @Test func notifyWithAndWithoutNUL() throws {
        let head = le64(5) + le32(1) + le32(2) + le32(0) + le32(2) + Array("hi".utf8)
        let expected = BaseChannel.Notify(timeStamp: 5, severity: .warn, visibility: .high, what: 0, text: "hi")
        #expect(try BaseChannel.Notify.decode(body: buffer(head)) == expected)
        #expect(try BaseChannel.Notify.decode(body: buffer(head + [0])) == expected)
        #expect(bodyBytes(expected) == head + [0])
    }

    @Test func listRoundTripAndBadOffsets() throws {
        let inner = [BaseChannel.SubMessage(type: 3, body: BaseChannel.SetAck(generation: 1, window: 2).encodedBody()),
                     BaseChannel.SubMessage(type: 102, body: ByteBuffer())]
        let list = BaseChannel.List(messages: inner)
        let decoded = try BaseChannel.List.decode(body: list.encodedBody())
        #expect(decoded == list)
        // count 1, offset far past the end
        #expect(throws: (any Error).self) { _ = try BaseChannel.List.decode(body: buffer(le16(1) + le32(999))) }
        // sub-message size larger than what is present
        #expect(throws: (any Error).self) { _ = try BaseChannel.List.decode(body: buffer(le16(1) + le32(6) + le16(3) + le32(50))) }
        // huge count
        #expect(throws: SpiceProtocolError.self) {
            _ = try BaseChannel.List.decode(body: buffer(le16(0xFFFF)), limits: WireLimits(maxArrayCount: 16))
        }
        // a list offset outside the body must throw, not trap
        #expect(throws: SpiceProtocolError.self) { _ = try SubMessageList.decode(body: buffer([1, 2]), at: 50, limits: WireLimits()) }
    }

    @Test func everyBaseMessageRoundTrips() throws {
        let server: [MainChannel.ServerMessage] = [
            .base(.migrate(.init(flags: [.needFlush, .needDataTransfer]))),
            .base(.migrateData(.init(data: buffer([1, 2, 3])))),
            .base(.setAck(.init(generation: 4, window: 40))),
            .base(.ping(.init(id: 1, timestamp: 2, data: buffer([0, 0])))),
            .base(.waitForChannels(.init(channels: [.init(channelType: .display, channelID: 1, messageSerial: 99)]))),
            .base(.disconnecting(.init(timeStamp: 7, reason: .permissionDenied))),
            .base(.notify(.init(timeStamp: 1, severity: .error, visibility: .low, what: 3, text: "boom"))),
            .base(.list(.init(messages: [.init(type: 106, body: buffer(le32(5)))]))),
        ]
        for m in server { try expectRoundTrip(m) }
        let client: [MainChannel.ClientMessage] = [
            .base(.ackSync(.init(generation: 1))), .base(.ack(.init())), .base(.pong(.init(id: 1, timestamp: 2))),
            .base(.migrateFlushMark(.init())), .base(.migrateData(.init(data: buffer([9])))),
            .base(.disconnecting(.init(timeStamp: 1, reason: .ok))),
        ]
        for m in client { try expectRoundTrip(m) }
        expectTruncationsThrow(MainChannel.ServerMessage.base(.waitForChannels(.init(channels: [
            .init(channelType: .cursor, channelID: 0, messageSerial: 1), .init(channelType: .display, channelID: 2, messageSerial: 3)]))))
        expectTruncationsThrow(MainChannel.ClientMessage.base(.pong(.init(id: 1, timestamp: 2))))
    }

    @Test func unknownIDsThrow() {
        #expect(throws: SpiceProtocolError.unknownMessage(channel: .main, type: 99)) {
            _ = try MainChannel.ServerMessage.decode(type: 99, body: ByteBuffer())
        }
        #expect(throws: SpiceProtocolError.unknownMessage(channel: .cursor, type: 101)) {
            _ = try CursorChannel.ClientMessage.decode(type: 101, body: ByteBuffer())
        }
    }
}
