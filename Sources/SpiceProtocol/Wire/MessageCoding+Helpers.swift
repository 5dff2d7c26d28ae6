import NIOCore

// Small conveniences over `MessageReader` / `MessageWriter` used by the channel message files.
extension MessageReader {
    public mutating func readRect() throws -> SpiceRect { try buffer.readSpiceRect() }
    public mutating func readPoint() throws -> SpicePoint { try buffer.readSpicePoint() }
    public mutating func readPoint16() throws -> SpicePoint16 { try buffer.readSpicePoint16() }

    /// Reads `count` bytes as a slice of the body (no copy), after checking them against the limits.
    public mutating func readSlice(_ count: Int, field: StaticString) throws -> ByteBuffer {
        try buffer.readSliceOrThrow(count, field: field, maximum: limits.maxMessageBody)
    }

    /// Reads a u8 that encodes a boolean (any non-zero value is true).
    public mutating func readBool(_ field: StaticString) throws -> Bool {
        try read(field, as: UInt8.self) != 0
    }

    /// Reads a pointer field and resolves it; throws when it is NULL (`@nonnull` fields).
    public mutating func readNonNullPointee(_ field: StaticString) throws -> MessageReader {
        let offset: UInt32 = try read(field)
        guard let sub = try pointee(offset, field: field) else {
            throw SpiceProtocolError.badPointer(field: "\(field)", offset: 0)
        }
        return sub
    }

    /// Reads a pointer field and resolves it (nil for NULL).
    public mutating func readPointee(_ field: StaticString) throws -> MessageReader? {
        let offset: UInt32 = try read(field)
        return try pointee(offset, field: field)
    }
}

extension MessageWriter {
    public mutating func writeRect(_ r: SpiceRect) { buffer.writeSpiceRect(r) }
    public mutating func writePoint(_ p: SpicePoint) { buffer.writeSpicePoint(p) }
    public mutating func writePoint16(_ p: SpicePoint16) { buffer.writeSpicePoint16(p) }
    public mutating func writeBool(_ b: Bool) { write(UInt8(b ? 1 : 0)) }
}

/// A message with an empty body: decoding ignores any bytes, encoding writes none.
public protocol EmptySpiceMessage: SpiceMessage {
    init()
}

extension EmptySpiceMessage {
    public init(from reader: inout MessageReader) throws { self.init() }
    public func encode(to writer: inout MessageWriter) {}
}
