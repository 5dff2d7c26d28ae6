/// Pixels as SPICE's codecs see them: bytes in, bytes out. No I/O, no NIO, no platform code, so
/// the server, the client library and tests share one implementation.

/// Pixel layouts (names follow the SPICE bitmap formats; all little-endian in memory).
public enum PixelFormat: Sendable, Hashable {
    /// 4 bytes B, G, R, X (SPICE 32BIT, the primary surface format); X is ignored.
    case rgb32
    /// 4 bytes B, G, R, A.
    case rgba
    /// 3 bytes B, G, R.
    case rgb24
    /// 2 bytes, little-endian x1r5g5b5.
    case rgb16
    /// 1 byte of grey (QUIC GRAY).
    case gray8
    /// 1 byte of alpha only (SPICE 8BIT_A / LZ A8, and the JPEG_ALPHA alpha plane).
    case a8
    /// Palette indices: 1 bit (leftmost pixel in bit 0 / bit 7), 4 bits (low / high nibble first), 8 bits.
    case plt1LE, plt1BE, plt4LE, plt4BE, plt8

    public var bitsPerPixel: Int {
        switch self {
        case .rgb32, .rgba: return 32
        case .rgb24: return 24
        case .rgb16: return 16
        case .gray8, .a8, .plt8: return 8
        case .plt4LE, .plt4BE: return 4
        case .plt1LE, .plt1BE: return 1
        }
    }

    /// Bytes of one tightly packed row of `width` pixels.
    public func rowBytes(width: Int) -> Int { (width * bitsPerPixel + 7) / 8 }
}

/// An image: `height` rows of `stride` bytes, the first row the top one when `topDown`.
public struct PixelImage: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var stride: Int
    public var format: PixelFormat
    public var topDown: Bool
    public var data: [UInt8]
    /// xRGB entries for the palette formats.
    public var palette: [UInt32]?

    public init(width: Int, height: Int, stride: Int? = nil, format: PixelFormat, topDown: Bool = true,
                data: [UInt8], palette: [UInt32]? = nil) {
        self.width = width
        self.height = height
        self.stride = stride ?? format.rowBytes(width: width)
        self.format = format
        self.topDown = topDown
        self.data = data
        self.palette = palette
    }

    /// Row `y` counted from the top, whatever the storage order.
    public func rowOffset(visualRow y: Int) -> Int { (topDown ? y : height - 1 - y) * stride }
}

/// Decoded pixels that stay owned by the decoder (the GLZ window keeps every image it decodes):
/// valid only inside the closure that receives it, so callers copy rows where they need them
/// instead of receiving a copy first.
public struct PixelView {
    public let width: Int
    public let height: Int
    public let stride: Int
    public let format: PixelFormat
    public let topDown: Bool
    public let bytes: UnsafeRawBufferPointer

    /// A copy that outlives the closure.
    public var image: PixelImage {
        PixelImage(width: width, height: height, stride: stride, format: format, topDown: topDown, data: Array(bytes))
    }
}

/// Why a codec refused its input. Decoders throw this for any malformed stream: never a trap,
/// never a read or write outside the buffers.
public struct CodecError: Error, Hashable, Sendable, CustomStringConvertible {
    public var codec: String
    public var reason: String
    public init(_ codec: String, _ reason: String) {
        self.codec = codec
        self.reason = reason
    }
    public var description: String { "\(codec): \(reason)" }
}

/// Decoders refuse images larger than this many pixels before allocating (SPICE_MAX_IMAGE_SIZE is 2^29 bytes).
public let maxDecodedPixels = 1 << 27
