/// Errors raised while parsing or validating SPICE wire data.
///
/// Every parser throws one of these instead of trapping, so bad input from the network closes
/// one connection with a log line and never takes the process down.
public enum SpiceProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes ended before a field that must be present.
    case truncated(field: String)
    /// A length or count exceeds a configured or protocol maximum.
    case tooLarge(field: String, size: Int, limit: Int)
    /// A value is outside what the protocol allows.
    case invalidValue(field: String, value: UInt64)
    /// A pointer (offset from the message body start) points outside the body.
    case badPointer(field: String, offset: UInt32)
    /// A message type this channel does not know in this direction.
    case unknownMessage(channel: ChannelType, type: UInt16)
    /// A message that is known but not acceptable in the current state.
    case unexpectedMessage(channel: ChannelType, type: UInt16, state: String)
    /// Bytes left over after a message body that should have been consumed exactly.
    case trailingBytes(field: String, count: Int)

    public var description: String {
        switch self {
        case .truncated(let field): return "truncated message: \(field) missing"
        case .tooLarge(let field, let size, let limit): return "\(field) of \(size) exceeds the limit \(limit)"
        case .invalidValue(let field, let value): return "invalid \(field) \(value)"
        case .badPointer(let field, let offset): return "pointer \(field)=\(offset) outside the message"
        case .unknownMessage(let channel, let type): return "unknown \(channel) message type \(type)"
        case .unexpectedMessage(let channel, let type, let state): return "unexpected \(channel) message \(type) in state \(state)"
        case .trailingBytes(let field, let count): return "\(count) unexpected trailing bytes after \(field)"
        }
    }
}
