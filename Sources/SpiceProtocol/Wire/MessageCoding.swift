import NIOCore

/// One SPICE data message body type (`spice.proto` message), with its wire id.
///
/// Conformers decode from a `MessageReader` positioned at the body start and encode through a
/// `MessageWriter`; both know where the body starts, which is what pointer fields are relative to.
public protocol SpiceMessage: Hashable, Sendable {
    /// The message type id in its channel and direction.
    static var messageType: UInt16 { get }
    init(from reader: inout MessageReader) throws
    func encode(to writer: inout MessageWriter)
}

/// A direction's message set of one channel (one enum per channel and direction).
public protocol SpiceMessageSet: Hashable, Sendable {
    static var channel: ChannelType { get }
    var messageType: UInt16 { get }
    /// Decodes a body of the given type; throws `unknownMessage` for ids this set does not know.
    static func decode(type: UInt16, from reader: inout MessageReader) throws -> Self
    func encode(to writer: inout MessageWriter)
}

extension SpiceMessage {
    /// The body bytes alone (no data header).
    public func encodedBody(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var writer = MessageWriter(buffer: allocator.buffer(capacity: 64))
        encode(to: &writer)
        return writer.buffer
    }

    /// Decodes a body that holds exactly this message.
    public static func decode(body: ByteBuffer, limits: WireLimits = WireLimits()) throws -> Self {
        var reader = MessageReader(body: body, limits: limits)
        return try Self(from: &reader)
    }
}

extension SpiceMessageSet {
    public func encodedBody(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var writer = MessageWriter(buffer: allocator.buffer(capacity: 64))
        encode(to: &writer)
        return writer.buffer
    }

    public static func decode(type: UInt16, body: ByteBuffer, limits: WireLimits = WireLimits()) throws -> Self {
        var reader = MessageReader(body: body, limits: limits)
        return try decode(type: type, from: &reader)
    }
}

/// Reads one message body. Pointers (`Type *field` in spice.proto) are u32 offsets from the
/// first byte of the body; `pointee(_:field:)` resolves them after checking they land inside.
public struct MessageReader {
    public var buffer: ByteBuffer
    public let bodyStart: Int
    public let bodyEnd: Int
    public let limits: WireLimits

    public init(body: ByteBuffer, limits: WireLimits = WireLimits()) {
        self.buffer = body
        self.bodyStart = body.readerIndex
        self.bodyEnd = body.writerIndex
        self.limits = limits
    }

    public var remaining: Int { buffer.readableBytes }

    public mutating func read<T: FixedWidthInteger>(_ field: StaticString, as: T.Type = T.self) throws -> T {
        try buffer.readLEOrThrow(field, as: T.self)
    }

    public mutating func readBytes(_ count: Int, field: StaticString) throws -> [UInt8] {
        try buffer.readBytesOrThrow(count, field: field, maximum: limits.maxMessageBody)
    }

    /// Everything left in the body (`uint8 data[]` without a size).
    public mutating func readRest() -> ByteBuffer {
        buffer.readSlice(length: buffer.readableBytes) ?? ByteBuffer()
    }

    /// Reads an array count and checks it against the configured maximum and the bytes present.
    public mutating func readCount<T: FixedWidthInteger>(_ field: StaticString, as: T.Type, elementSize: Int) throws -> Int {
        let raw: T = try read(field)
        guard let count = Int(exactly: raw), count >= 0 else {
            throw SpiceProtocolError.invalidValue(field: "\(field)", value: UInt64(truncatingIfNeeded: raw))
        }
        try checkCount(count, field: field, elementSize: elementSize, available: buffer.readableBytes)
        return count
    }

    public func checkCount(_ count: Int, field: StaticString, elementSize: Int, available: Int) throws {
        guard count <= limits.maxArrayCount else {
            throw SpiceProtocolError.tooLarge(field: "\(field)", size: count, limit: limits.maxArrayCount)
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow, bytes <= available else { throw SpiceProtocolError.truncated(field: "\(field)") }
    }

    /// A reader positioned at the pointed-to data, sharing this body's start (nil for a NULL pointer).
    public func pointee(_ offset: UInt32, field: StaticString) throws -> MessageReader? {
        if offset == 0 { return nil }
        let absolute = bodyStart + Int(offset)
        guard absolute < bodyEnd else { throw SpiceProtocolError.badPointer(field: "\(field)", offset: offset) }
        var copy = self
        copy.buffer.moveReaderIndex(to: absolute)
        return copy
    }
}

/// Writes one message body; pointer fields are reserved first and patched once their data is placed.
public struct MessageWriter {
    public var buffer: ByteBuffer
    public let bodyStart: Int

    public init(buffer: ByteBuffer = ByteBuffer()) {
        self.buffer = buffer
        self.bodyStart = buffer.writerIndex
    }

    /// Offset of the next written byte from the body start.
    public var offset: UInt32 { UInt32(buffer.writerIndex - bodyStart) }

    public mutating func write<T: FixedWidthInteger>(_ value: T) { buffer.writeLE(value) }
    public mutating func writeBytes<S: Sequence>(_ bytes: S) where S.Element == UInt8 { buffer.writeBytes(bytes) }
    public mutating func writeBuffer(_ other: ByteBuffer) {
        var other = other
        buffer.writeBuffer(&other)
    }

    /// Writes a 0 pointer placeholder and returns its slot.
    public mutating func reservePointer() -> PointerSlot {
        let index = buffer.writerIndex
        buffer.writeLE(UInt32(0))
        return PointerSlot(index: index)
    }

    /// Points `slot` at the current write position.
    public mutating func resolve(_ slot: PointerSlot) {
        buffer.setLE(offset, at: slot.index)
    }

    public struct PointerSlot: Sendable {
        let index: Int
    }
}
