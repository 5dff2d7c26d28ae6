import NIOCore

/// Joins AGENT_DATA payloads back into whole agent messages. A message's header may itself be
/// split across chunks; its size is checked against `maxMessageSize` before any payload is
/// kept, so a peer cannot make us buffer more than that.
public struct AgentReassembler: Sendable {
    public let maxMessageSize: Int
    private var pending = ByteBuffer()
    private var header: VDAgent.Header?

    public init(maxMessageSize: Int) {
        self.maxMessageSize = maxMessageSize
    }

    /// Bytes held for an incomplete message.
    public var bufferedBytes: Int { pending.readableBytes }

    /// Adds one AGENT_DATA payload; returns the messages it completed. Throws on a bad header
    /// (wrong protocol, too large), after which the stream cannot be trusted.
    public mutating func append(_ chunk: ByteBuffer) throws -> [VDAgent.Message] {
        var chunk = chunk
        pending.writeBuffer(&chunk)
        var done: [VDAgent.Message] = []
        while true {
            if header == nil {
                guard pending.readableBytes >= VDAgent.headerSize else { break }
                header = try VDAgent.Header.read(from: &pending, maxSize: maxMessageSize)
            }
            guard let h = header, pending.readableBytes >= Int(h.size),
                  let payload = pending.readSlice(length: Int(h.size)) else { break }
            // Copy out so the message does not pin the whole reassembly buffer.
            var copy = ByteBuffer()
            copy.writeImmutableBuffer(payload)
            done.append(VDAgent.Message(type: h.type, opaque: h.opaque, payload: copy))
            header = nil
        }
        if pending.readableBytes == 0 {
            pending.clear()
        } else if pending.readerIndex > 64 * 1024 {
            pending.discardReadBytes()
        }
        return done
    }
}

/// Splits agent messages into AGENT_DATA payloads of at most `maxChunk` bytes (2048): header and
/// payload form one byte stream, as the spice server and spice-gtk cut it.
public enum AgentChunker {
    public static func chunks(_ message: VDAgent.Message, maxChunk: Int = 2048) -> [ByteBuffer] {
        var stream = ByteBuffer()
        stream.reserveCapacity(VDAgent.headerSize + message.payload.readableBytes)
        VDAgent.Header(type: message.type, opaque: message.opaque, size: UInt32(message.payload.readableBytes)).write(to: &stream)
        var payload = message.payload
        stream.writeBuffer(&payload)
        var out: [ByteBuffer] = []
        while stream.readableBytes > 0 {
            out.append(stream.readSlice(length: min(maxChunk, stream.readableBytes))!)
        }
        return out
    }
}
