import SpiceProtocol

/// How a surface or image stores its pixels. Every pixel is a `UInt32` 0xAARRGGBB; the format
/// says which parts mean something.
public enum CanvasPixelFormat: Sendable, Hashable {
    /// 32-bit xRGB: the top byte is ignored (read as opaque).
    case xrgb
    /// 32-bit ARGB (premultiplied, like pixman's a8r8g8b8).
    case argb
    /// Alpha only (A8 surfaces, glyph masks): the top byte.
    case a8
    /// One bit of alpha (A1 surfaces and masks): the top byte is 0 or 0xFF.
    case a1

    init(surface format: DisplayChannel.SurfaceFormat) {
        switch format {
        case .argb32: self = .argb
        case .a8: self = .a8
        case .a1: self = .a1
        default: self = .xrgb  // 32_xRGB, and the 16-bit formats kept as xRGB
        }
    }
}

/// Pixels with a size: a surface of the canvas or a decoded image. Rows top-down, no padding.
public struct CanvasImage: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var format: CanvasPixelFormat
    public var pixels: [UInt32]

    public init(width: Int, height: Int, format: CanvasPixelFormat, pixels: [UInt32]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height)
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    public init(width: Int, height: Int, format: CanvasPixelFormat, fill: UInt32 = 0) {
        self.init(width: width, height: height, format: format,
                  pixels: [UInt32](repeating: fill, count: width * height))
    }

    /// The pixel as pixman reads it for compositing: xRGB opaque, A8/A1 alpha only.
    @inline(__always)
    func argb(_ x: Int, _ y: Int) -> UInt32 {
        let p = pixels[y * width + x]
        switch format {
        case .xrgb: return p | 0xFF00_0000
        case .argb: return p
        case .a8, .a1: return p & 0xFF00_0000
        }
    }

    /// Stores a composited pixel the way the format keeps it.
    @inline(__always)
    mutating func store(_ x: Int, _ y: Int, _ v: UInt32) {
        switch format {
        case .xrgb, .argb: pixels[y * width + x] = v
        case .a8: pixels[y * width + x] = v & 0xFF00_0000
        case .a1: pixels[y * width + x] = v >> 31 != 0 ? 0xFF00_0000 : 0
        }
    }
}
