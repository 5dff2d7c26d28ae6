/// How the display channel compresses images, with the spice server's option names.
public enum ImageCompression: String, Sendable, CaseIterable, Hashable {
    case autoGLZ = "auto_glz"
    case autoLZ = "auto_lz"
    case quic
    case glz
    case lz
    case lz4
    case off

    /// `SpiceImageCompression` as the client sends it in PREFERRED_COMPRESSION.
    public init?(wireValue: UInt8) {
        switch wireValue {
        case 1: self = .off
        case 2: self = .autoGLZ
        case 3: self = .autoLZ
        case 4: self = .quic
        case 5: self = .glz
        case 6: self = .lz
        case 7: self = .lz4
        default: return nil
        }
    }
}

/// `--jpeg-wan-compression` / `--zlib-glz-wan-compression`: use the lossy or slower codec on
/// slow links only (auto), never, or always.
public enum WANCompression: String, Sendable, CaseIterable, Hashable {
    case auto
    case never
    case always

    public func applies(slowLink: Bool) -> Bool {
        switch self {
        case .auto: return slowLink
        case .never: return false
        case .always: return true
        }
    }
}

/// The image-compression settings of a server.
public struct ImageCompressionPolicy: Sendable, Hashable {
    public var mode: ImageCompression = .autoGLZ
    public var jpegWAN: WANCompression = .auto
    public var zlibGlzWAN: WANCompression = .auto
    /// JPEG quality 1...100 when JPEG is used.
    public var jpegQuality: Int = 85

    public init() {}
}
