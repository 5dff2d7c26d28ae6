import NIOCore
import Testing
@testable import SpiceProtocol

@Suite struct FramerTests {
    private func frames(kind: DataHeaderKind) -> (ByteBuffer, [(UInt16, [UInt8])]) {
        var framer = MessageFramer(kind: kind, limits: WireLimits())
        var out = ByteBuffer()
        let messages: [DisplayChannel.ServerMessage] = [
            .base(.setAck(.init(generation: 1, window: 20))),
            .surfaceCreate(.init(surfaceID: 0, width: 4, height: 4, format: .xrgb32, flags: .primary)),
            .mark(.init()),
        ]
        for m in messages { framer.frame(m, into: &out) }
        return (out, messages.map { ($0.messageType, bodyBytes($0)) })
    }

    @Test(arguments: [DataHeaderKind.mini, .full])
    func oneByteAtATime(kind: DataHeaderKind) throws {
        let (stream, expected) = frames(kind: kind)
        var framer = MessageFramer(kind: kind, limits: WireLimits())
        var pending = ByteBuffer()
        var got: [MessageFrame] = []
        for byte in stream.readableBytesView {
            pending.writeInteger(byte)
            while let frame = try framer.nextFrame(from: &pending) { got.append(frame) }
        }
        #expect(got.count == expected.count)
        for (i, frame) in got.enumerated() {
            #expect(frame.type == expected[i].0)
            #expect(Array(frame.body.readableBytesView) == expected[i].1)
            #expect(frame.serial == UInt64(i + 1))
            _ = try DisplayChannel.ServerMessage.decode(type: frame.type, body: frame.body)
        }
        #expect(pending.readableBytes == 0)
    }

    @Test func oversizeBodyRejectedBeforeBuffering() {
        var framer = MessageFramer(kind: .mini, limits: WireLimits(maxMessageBody: 100))
        var b = buffer(le16(101) + le32(101))
        #expect(throws: SpiceProtocolError.self) { _ = try framer.nextFrame(from: &b) }
    }
}
