/// `SpiceLinkErr`: the u32 result of a link, sent in the link reply or as the 4-byte link result.
public struct LinkError: RawRepresentable, Hashable, Sendable, Error, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let ok = LinkError(rawValue: 0)
    public static let error = LinkError(rawValue: 1)
    public static let invalidMagic = LinkError(rawValue: 2)
    public static let invalidData = LinkError(rawValue: 3)
    public static let versionMismatch = LinkError(rawValue: 4)
    public static let needSecured = LinkError(rawValue: 5)
    public static let needUnsecured = LinkError(rawValue: 6)
    public static let permissionDenied = LinkError(rawValue: 7)
    public static let badConnectionID = LinkError(rawValue: 8)
    public static let channelNotAvailable = LinkError(rawValue: 9)

    public var description: String {
        switch self {
        case .ok: return "OK"
        case .error: return "ERROR"
        case .invalidMagic: return "INVALID_MAGIC"
        case .invalidData: return "INVALID_DATA"
        case .versionMismatch: return "VERSION_MISMATCH"
        case .needSecured: return "NEED_SECURED"
        case .needUnsecured: return "NEED_UNSECURED"
        case .permissionDenied: return "PERMISSION_DENIED"
        case .badConnectionID: return "BAD_CONNECTION_ID"
        case .channelNotAvailable: return "CHANNEL_NOT_AVAILABLE"
        default: return "LINK_ERR_\(rawValue)"
        }
    }
}
