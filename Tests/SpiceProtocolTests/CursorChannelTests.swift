import NIOCore
import Testing
@testable import SpiceProtocol

@Suite struct CursorChannelTests {
    @Test func initWithAlphaShapeGolden() throws {
        let pixel: [UInt8] = [0x10, 0x20, 0x30, 0xFF]
        let header = CursorChannel.Header(unique: 0x42, type: .alpha, width: 1, height: 1, hotSpotX: 0, hotSpotY: 0)
        let value = CursorChannel.Init(position: SpicePoint16(x: 10, y: 20), trailLength: 0, trailFrequency: 0, visible: true,
                                       cursor: CursorChannel.Cursor(flags: [], header: header, data: buffer(pixel)))
        let bytes = le16(10) + le16(20) + le16(0) + le16(0) + [1] + le16(0)
            + le64(0x42) + [0] + le16(1) + le16(1) + le16(0) + le16(0) + pixel
        try expectGolden(value, bytes, size: 9 + 2 + 17 + 4)
    }

    @Test func everyMessageRoundTrips() throws {
        let header = CursorChannel.Header(unique: 1, type: .color32, width: 2, height: 2, hotSpotX: 1, hotSpotY: 1)
        let server: [CursorChannel.ServerMessage] = [
            .`init`(.init(position: .init(x: -1, y: 5), trailLength: 1, trailFrequency: 2, visible: false, cursor: .none)),
            .reset(.init()),
            .set(.init(position: .init(x: 3, y: 4), visible: true,
                       cursor: .init(flags: .cacheMe, header: header, data: buffer(Array(repeating: 1, count: 16))))),
            .set(.init(position: .init(x: 0, y: 0), visible: true, cursor: .init(flags: .fromCache, header: header))),
            .move(.init(position: .init(x: 100, y: 200))), .hide(.init()), .trail(.init(length: 3, frequency: 4)),
            .invalOne(.init(id: 9)), .invalAll(.init()), .base(.ping(.init(id: 1, timestamp: 1))),
        ]
        for m in server { try expectRoundTrip(m) }
        for m in [server[0], server[3], server[4], server[6], server[7]] { expectTruncationsThrow(m) }
        try expectRoundTrip(CursorChannel.ClientMessage.base(.ack(.init())))
    }
}
