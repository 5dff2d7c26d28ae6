import NIOCore

// SPICE is little-endian everywhere outside opaque codec payloads; NIO defaults to big-endian,
// so every wire read and write goes through these helpers.
extension ByteBuffer {
    @inlinable
    public mutating func readLE<T: FixedWidthInteger>(as: T.Type = T.self) -> T? {
        self.readInteger(endianness: .little, as: T.self)
    }

    @inlinable
    public func getLE<T: FixedWidthInteger>(at index: Int, as: T.Type = T.self) -> T? {
        self.getInteger(at: index, endianness: .little, as: T.self)
    }

    @inlinable
    @discardableResult
    public mutating func writeLE<T: FixedWidthInteger>(_ value: T) -> Int {
        self.writeInteger(value, endianness: .little)
    }

    @inlinable
    @discardableResult
    public mutating func setLE<T: FixedWidthInteger>(_ value: T, at index: Int) -> Int {
        self.setInteger(value, at: index, endianness: .little)
    }

    /// Reads a little-endian integer or throws `truncated` naming the field.
    @inlinable
    public mutating func readLEOrThrow<T: FixedWidthInteger>(_ field: StaticString, as: T.Type = T.self) throws -> T {
        guard let v = self.readInteger(endianness: .little, as: T.self) else {
            throw SpiceProtocolError.truncated(field: "\(field)")
        }
        return v
    }

    /// Reads exactly `count` bytes after checking them against what is present and `maximum`.
    @inlinable
    public mutating func readBytesOrThrow(_ count: Int, field: StaticString, maximum: Int = .max) throws -> [UInt8] {
        guard count >= 0, count <= maximum else {
            throw SpiceProtocolError.tooLarge(field: "\(field)", size: count, limit: maximum)
        }
        guard count <= self.readableBytes, let bytes = self.readBytes(length: count) else {
            throw SpiceProtocolError.truncated(field: "\(field)")
        }
        return bytes
    }

    /// Reads a slice of exactly `count` bytes (no copy) after the same checks.
    @inlinable
    public mutating func readSliceOrThrow(_ count: Int, field: StaticString, maximum: Int = .max) throws -> ByteBuffer {
        guard count >= 0, count <= maximum else {
            throw SpiceProtocolError.tooLarge(field: "\(field)", size: count, limit: maximum)
        }
        guard count <= self.readableBytes, let slice = self.readSlice(length: count) else {
            throw SpiceProtocolError.truncated(field: "\(field)")
        }
        return slice
    }
}
