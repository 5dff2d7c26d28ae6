import Logging
import NIOCore
import NIOEmbedded
import Testing
@testable import SpiceServer

/// A stand-in for a SASL security layer: each encoded chunk is `0xEE, length, bytes…` and
/// decoding strips that framing, keeping partial packets, as libsasl2 does.
private final class FakeLayer: SASLServerSession {
    var encodedChunks: [[UInt8]] = []
    private var pending: [UInt8] = []
    let maxEncodeSize: Int
    init(maxEncodeSize: Int) { self.maxEncodeSize = maxEncodeSize }

    func mechanisms() throws(SASLError) -> String { ",FAKE," }
    func start(mechanism: String, clientData: [UInt8]?) -> SASLStepResult { .done([]) }
    func step(clientData: [UInt8]?) -> SASLStepResult { .done([]) }
    var securityStrength: Int { 128 }
    var username: String? { "tester" }

    func encode(_ plain: [UInt8]) throws(SASLError) -> [UInt8] {
        guard plain.count <= maxEncodeSize else { throw SASLError("chunk over maxoutbuf") }
        encodedChunks.append(plain)
        return [0xEE, UInt8(plain.count)] + plain
    }

    func decode(_ wire: [UInt8]) throws(SASLError) -> [UInt8] {
        pending += wire
        var out: [UInt8] = []
        while pending.count >= 2 {
            guard pending[0] == 0xEE else { throw SASLError("bad packet") }
            let length = Int(pending[1])
            guard pending.count >= 2 + length else { break }
            out += pending[2..<(2 + length)]
            pending.removeFirst(2 + length)
        }
        return out
    }
}

@Suite struct SASLSecurityLayerTests {
    fileprivate static func channel(_ layer: FakeLayer) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(SASLSecurityLayerHandler(session: layer, logger: Logger(label: "test")))
        return channel
    }

    @Test func outgoingBytesAreEncodedInMaxOutBufChunks() throws {
        let layer = FakeLayer(maxEncodeSize: 4)
        let channel = try Self.channel(layer)
        try channel.writeOutbound(ByteBuffer(bytes: Array(1...10)))
        let wire = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(layer.encodedChunks == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]])
        #expect(Array(wire.readableBytesView) == [0xEE, 4, 1, 2, 3, 4, 0xEE, 4, 5, 6, 7, 8, 0xEE, 2, 9, 10])
        _ = try channel.finish()
    }

    @Test func incomingBytesAreDecodedAcrossPartialPackets() throws {
        let layer = FakeLayer(maxEncodeSize: 64)
        let channel = try Self.channel(layer)
        try channel.writeInbound(ByteBuffer(bytes: [0xEE, 3, 7]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil, "nothing until a packet is whole")
        try channel.writeInbound(ByteBuffer(bytes: [8, 9, 0xEE, 1, 10]))
        let plain = try #require(try channel.readInbound(as: ByteBuffer.self))
        #expect(Array(plain.readableBytesView) == [7, 8, 9, 10])
        _ = try channel.finish()
    }

    @Test func undecodableBytesCloseTheConnection() throws {
        let layer = FakeLayer(maxEncodeSize: 64)
        let channel = try Self.channel(layer)
        try channel.writeInbound(ByteBuffer(bytes: [0x00, 0x01, 0x02]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(!channel.isActive)
    }
}
