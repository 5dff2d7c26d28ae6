import NIOCore
import Testing
@testable import SpiceProtocol

func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
func le64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
func lei32(_ v: Int32) -> [UInt8] { le32(UInt32(bitPattern: v)) }
func rect(_ top: Int32, _ left: Int32, _ bottom: Int32, _ right: Int32) -> [UInt8] {
    lei32(top) + lei32(left) + lei32(bottom) + lei32(right)
}

func bodyBytes<M: SpiceMessage>(_ m: M) -> [UInt8] { Array(m.encodedBody().readableBytesView) }
func bodyBytes<S: SpiceMessageSet>(_ m: S) -> [UInt8] { Array(m.encodedBody().readableBytesView) }
func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

/// The three golden checks: decode(bytes) == value, encode(value) == bytes, size == expected count.
func expectGolden<M: SpiceMessage>(_ value: M, _ bytes: [UInt8], size: Int,
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(try M.decode(body: buffer(bytes)) == value, sourceLocation: sourceLocation)
    #expect(bodyBytes(value) == bytes, sourceLocation: sourceLocation)
    #expect(value.encodedBody().readableBytes == size, sourceLocation: sourceLocation)
}

func expectRoundTrip<S: SpiceMessageSet>(_ m: S, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let decoded = try S.decode(type: m.messageType, body: m.encodedBody())
    #expect(decoded == m, sourceLocation: sourceLocation)
}

/// Every strict prefix of the encoding must throw (for messages without a trailing "rest" field).
func expectTruncationsThrow<S: SpiceMessageSet>(_ m: S, sourceLocation: SourceLocation = #_sourceLocation) {
    let full = bodyBytes(m)
    for length in 0..<full.count {
        #expect(throws: (any Error).self, "prefix \(length) of \(full.count)", sourceLocation: sourceLocation) {
            _ = try S.decode(type: m.messageType, body: buffer(Array(full.prefix(length))))
        }
    }
}

/// SplitMix64: a small seeded generator so random tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SeededGenerator {
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) } }
    mutating func buf(_ maxCount: Int) -> ByteBuffer { ByteBuffer(bytes: bytes(Int.random(in: 0...maxCount, using: &self))) }
    mutating func u32() -> UInt32 { UInt32.random(in: 0...UInt32.max, using: &self) }
    mutating func i32() -> Int32 { Int32.random(in: Int32.min...Int32.max, using: &self) }
    mutating func rect() -> SpiceRect { SpiceRect(top: i32(), left: i32(), bottom: i32(), right: i32()) }
    mutating func point() -> SpicePoint { SpicePoint(x: i32(), y: i32()) }
}
