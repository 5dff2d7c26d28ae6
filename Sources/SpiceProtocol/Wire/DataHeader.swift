import NIOCore

/// Which data header a channel uses, chosen once at link time: the 6-byte mini header when both
/// peers advertise `MINI_HEADER`, else the 18-byte full header with serials.
public enum DataHeaderKind: Sendable, Hashable {
    case mini
    case full

    public var size: Int { self == .mini ? 6 : 18 }

    public static func negotiated(local: CapabilitySet, remote: CapabilitySet) -> DataHeaderKind {
        local.contains(CommonCapability.miniHeader) && remote.contains(CommonCapability.miniHeader) ? .mini : .full
    }
}

/// One framed data message: its type, body and (full header only) serial and sub-list offset.
public struct MessageFrame: Hashable, Sendable {
    public var type: UInt16
    public var body: ByteBuffer
    /// Implicit with the mini header: both sides count messages from 1.
    public var serial: UInt64
    /// Full header only: offset in the body of a `SpiceSubMessageList`, 0 for none.
    public var subList: UInt32

    public init(type: UInt16, body: ByteBuffer, serial: UInt64 = 0, subList: UInt32 = 0) {
        self.type = type
        self.body = body
        self.serial = serial
        self.subList = subList
    }
}

/// Splits a byte stream into data messages and frames outgoing ones. Pure: feed bytes, get frames.
///
/// Partial input is left in the caller's buffer untouched until a whole message is present; a
/// body size above `limits.maxMessageBody` is rejected before anything is allocated.
public struct MessageFramer: Sendable {
    public let kind: DataHeaderKind
    public let limits: WireLimits
    public private(set) var inboundSerial: UInt64 = 0
    public private(set) var outboundSerial: UInt64 = 0

    public init(kind: DataHeaderKind, limits: WireLimits) {
        self.kind = kind
        self.limits = limits
    }

    /// Returns the next complete message, or nil when more bytes are needed.
    public mutating func nextFrame(from buffer: inout ByteBuffer) throws -> MessageFrame? {
        let start = buffer.readerIndex
        guard buffer.readableBytes >= kind.size else { return nil }
        var serial: UInt64 = 0
        var offset = start
        if kind == .full {
            serial = buffer.getLE(at: offset, as: UInt64.self)!
            offset += 8
        }
        let type = buffer.getLE(at: offset, as: UInt16.self)!
        let size = buffer.getLE(at: offset + 2, as: UInt32.self)!
        var subList: UInt32 = 0
        if kind == .full { subList = buffer.getLE(at: offset + 6, as: UInt32.self)! }
        guard Int(size) <= limits.maxMessageBody else {
            throw SpiceProtocolError.tooLarge(field: "message \(type) body", size: Int(size), limit: limits.maxMessageBody)
        }
        if subList != 0 && subList >= size {
            throw SpiceProtocolError.badPointer(field: "sub_list", offset: subList)
        }
        guard buffer.readableBytes >= kind.size + Int(size) else { return nil }
        buffer.moveReaderIndex(forwardBy: kind.size)
        let body = buffer.readSlice(length: Int(size))!
        inboundSerial += 1
        return MessageFrame(type: type, body: body, serial: kind == .full ? serial : inboundSerial, subList: subList)
    }

    /// Writes the header for a body of `bodySize` bytes and advances the outbound serial.
    public mutating func writeHeader(type: UInt16, bodySize: Int, into out: inout ByteBuffer) {
        outboundSerial += 1
        if kind == .full { out.writeLE(outboundSerial) }
        out.writeLE(type)
        out.writeLE(UInt32(bodySize))
        if kind == .full { out.writeLE(UInt32(0)) }
    }

    /// Frames a complete body.
    public mutating func frame(type: UInt16, body: ByteBuffer, into out: inout ByteBuffer) {
        writeHeader(type: type, bodySize: body.readableBytes, into: &out)
        var body = body
        out.writeBuffer(&body)
    }

    /// Encodes and frames one message of a channel's message set.
    public mutating func frame<M: SpiceMessageSet>(_ message: M, into out: inout ByteBuffer) {
        // Reserve the header, encode the body in place, then patch the size: no intermediate copy.
        let headerIndex = out.writerIndex
        writeHeader(type: message.messageType, bodySize: 0, into: &out)
        var writer = MessageWriter(buffer: out)
        out = ByteBuffer()  // release our reference so the writer's buffer stays uniquely owned
        message.encode(to: &writer)
        out = writer.buffer
        let bodySize = out.writerIndex - headerIndex - kind.size
        let sizeIndex = headerIndex + (kind == .full ? 10 : 2)
        out.setLE(UInt32(bodySize), at: sizeIndex)
    }
}

/// `SPICE_MSG_LIST` (type 8) and full-header sub-lists: `u16 count` + `count × u32` offsets to
/// `SpiceSubMessage {u16 type, u32 size, body}`. Sub-message bodies are their own pointer base.
public enum SubMessageList {
    public static func decode(body: ByteBuffer, at listOffset: Int = 0, limits: WireLimits) throws -> [MessageFrame] {
        var reader = body
        let base = body.readerIndex
        let end = body.writerIndex
        // A caller-supplied offset outside the body would trap in moveReaderIndex: reject it first.
        guard listOffset >= 0, listOffset <= end - base - 2 else {
            throw SpiceProtocolError.badPointer(field: "sub_list", offset: UInt32(truncatingIfNeeded: listOffset))
        }
        reader.moveReaderIndex(to: base + listOffset)
        let count: UInt16 = try reader.readLEOrThrow("sub_list.size")
        guard Int(count) <= limits.maxArrayCount else {
            throw SpiceProtocolError.tooLarge(field: "sub_list.size", size: Int(count), limit: limits.maxArrayCount)
        }
        var frames: [MessageFrame] = []
        frames.reserveCapacity(Int(count))
        for _ in 0..<count {
            let offset: UInt32 = try reader.readLEOrThrow("sub_list.offset")
            let at = base + Int(offset)
            guard at + 6 <= end, let type = body.getLE(at: at, as: UInt16.self),
                  let size = body.getLE(at: at + 2, as: UInt32.self)
            else { throw SpiceProtocolError.badPointer(field: "sub_message", offset: offset) }
            guard Int(size) <= end - (at + 6), let sub = body.getSlice(at: at + 6, length: Int(size)) else {
                throw SpiceProtocolError.truncated(field: "sub_message body")
            }
            frames.append(MessageFrame(type: type, body: sub))
        }
        return frames
    }

    /// Encodes messages as a `SPICE_MSG_LIST` body (list first, then the sub-messages).
    public static func encode(_ messages: [(type: UInt16, body: ByteBuffer)]) -> ByteBuffer {
        var out = ByteBuffer()
        out.writeLE(UInt16(messages.count))
        var offset = 2 + 4 * messages.count
        for m in messages {
            out.writeLE(UInt32(offset))
            offset += 6 + m.body.readableBytes
        }
        for m in messages {
            out.writeLE(m.type)
            out.writeLE(UInt32(m.body.readableBytes))
            var b = m.body
            out.writeBuffer(&b)
        }
        return out
    }
}
