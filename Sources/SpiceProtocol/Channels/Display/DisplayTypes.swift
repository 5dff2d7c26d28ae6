/// Enum-like wire values of the display channel (spice.proto enums and flags), as small
/// `RawRepresentable` structs so unknown values survive a decode → encode round trip.
extension DisplayChannel {
    /// `SpiceRopd` (u16 flags). A plain copy is `.opPut`.
    public struct Ropd: OptionSet, Hashable, Sendable {
        public var rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        public static let inversSrc = Ropd(rawValue: 1 << 0)
        public static let inversBrush = Ropd(rawValue: 1 << 1)
        public static let inversDest = Ropd(rawValue: 1 << 2)
        public static let opPut = Ropd(rawValue: 1 << 3)
        public static let opOr = Ropd(rawValue: 1 << 4)
        public static let opAnd = Ropd(rawValue: 1 << 5)
        public static let opXor = Ropd(rawValue: 1 << 6)
        public static let opBlackness = Ropd(rawValue: 1 << 7)
        public static let opWhiteness = Ropd(rawValue: 1 << 8)
        public static let opInvers = Ropd(rawValue: 1 << 9)
        public static let inversRes = Ropd(rawValue: 1 << 10)
    }

    /// `SpiceImageScaleMode` (u8).
    public struct ImageScaleMode: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let interpolate = ImageScaleMode(rawValue: 0)
        public static let nearest = ImageScaleMode(rawValue: 1)
    }

    /// `SpiceImageType` (u8).
    public struct ImageType: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let bitmap = ImageType(rawValue: 0)
        public static let quic = ImageType(rawValue: 1)
        public static let reserved = ImageType(rawValue: 2)
        public static let lzPLT = ImageType(rawValue: 100)
        public static let lzRGB = ImageType(rawValue: 101)
        public static let glzRGB = ImageType(rawValue: 102)
        public static let fromCache = ImageType(rawValue: 103)
        public static let surface = ImageType(rawValue: 104)
        public static let jpeg = ImageType(rawValue: 105)
        public static let fromCacheLossless = ImageType(rawValue: 106)
        public static let zlibGlzRGB = ImageType(rawValue: 107)
        public static let jpegAlpha = ImageType(rawValue: 108)
        public static let lz4 = ImageType(rawValue: 109)
    }

    /// `SPICE_IMAGE_FLAGS_*` (u8).
    public struct ImageFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let cacheMe = ImageFlags(rawValue: 1)
        public static let highBitsSet = ImageFlags(rawValue: 2)
        public static let cacheReplaceMe = ImageFlags(rawValue: 4)
    }

    /// `SpiceBitmapFmt` (u8).
    public struct BitmapFormat: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let invalid = BitmapFormat(rawValue: 0)
        public static let oneBitLE = BitmapFormat(rawValue: 1)
        public static let oneBitBE = BitmapFormat(rawValue: 2)
        public static let fourBitLE = BitmapFormat(rawValue: 3)
        public static let fourBitBE = BitmapFormat(rawValue: 4)
        public static let eightBit = BitmapFormat(rawValue: 5)
        public static let sixteenBit = BitmapFormat(rawValue: 6)
        public static let twentyFourBit = BitmapFormat(rawValue: 7)
        public static let thirtyTwoBit = BitmapFormat(rawValue: 8)
        public static let rgba = BitmapFormat(rawValue: 9)
        public static let eightBitA = BitmapFormat(rawValue: 10)
    }

    /// `SPICE_BITMAP_FLAGS_*` (u8).
    public struct BitmapFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let palCacheMe = BitmapFlags(rawValue: 1)
        public static let palFromCache = BitmapFlags(rawValue: 2)
        public static let topDown = BitmapFlags(rawValue: 4)
    }

    /// `SPICE_JPEG_ALPHA_FLAGS_*` (u8).
    public struct JPEGAlphaFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let topDown = JPEGAlphaFlags(rawValue: 1)
    }

    /// `SpiceSurfaceFmt` (u32).
    public struct SurfaceFormat: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let invalid = SurfaceFormat(rawValue: 0)
        public static let a1 = SurfaceFormat(rawValue: 1)
        public static let a8 = SurfaceFormat(rawValue: 8)
        public static let rgb16_555 = SurfaceFormat(rawValue: 16)
        public static let xrgb32 = SurfaceFormat(rawValue: 32)
        public static let rgb16_565 = SurfaceFormat(rawValue: 80)
        public static let argb32 = SurfaceFormat(rawValue: 96)
    }

    /// `SPICE_SURFACE_FLAGS_*` (u32).
    public struct SurfaceFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let primary = SurfaceFlags(rawValue: 1)
        public static let streamingMode = SurfaceFlags(rawValue: 2)
    }

    /// `SpiceClipType` (u8).
    public struct ClipType: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let none = ClipType(rawValue: 0)
        public static let rects = ClipType(rawValue: 1)
    }

    /// `SpiceBrushType` (u8).
    public struct BrushType: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let none = BrushType(rawValue: 0)
        public static let solid = BrushType(rawValue: 1)
        public static let pattern = BrushType(rawValue: 2)
    }

    /// `SPICE_MASK_FLAGS_*` (u8).
    public struct MaskFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let invers = MaskFlags(rawValue: 1)
    }

    /// `SPICE_PATH_*` segment flags (u8).
    public struct PathFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let begin = PathFlags(rawValue: 1)
        public static let end = PathFlags(rawValue: 2)
        public static let close = PathFlags(rawValue: 8)
        public static let bezier = PathFlags(rawValue: 16)
    }

    /// `SPICE_LINE_FLAGS_*` (u8).
    public struct LineFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let startWithGap = LineFlags(rawValue: 4)
        public static let styled = LineFlags(rawValue: 8)
    }

    /// `SPICE_STRING_FLAGS_*` (u8).
    public struct StringFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let rasterA1 = StringFlags(rawValue: 1)
        public static let rasterA4 = StringFlags(rawValue: 2)
        public static let rasterA8 = StringFlags(rawValue: 4)
        public static let rasterTopDown = StringFlags(rawValue: 8)

        /// Bits per glyph pixel, as spice.proto's switch picks it (A1, then A4, then A8).
        public var bitsPerPixel: Int? {
            if contains(.rasterA1) { return 1 }
            if contains(.rasterA4) { return 4 }
            if contains(.rasterA8) { return 8 }
            return nil
        }
    }

    /// `SPICE_ALPHA_FLAGS_*` (u8).
    public struct AlphaFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let destHasAlpha = AlphaFlags(rawValue: 1)
        public static let srcSurfaceHasAlpha = AlphaFlags(rawValue: 2)
    }

    /// `SPICE_COMPOSITE_*` (u32): bits 0-7 pixman op, filters, repeats and presence bits.
    public struct CompositeFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let componentAlpha = CompositeFlags(rawValue: 1 << 18)
        public static let hasMask = CompositeFlags(rawValue: 1 << 19)
        public static let hasSrcTransform = CompositeFlags(rawValue: 1 << 20)
        public static let hasMaskTransform = CompositeFlags(rawValue: 1 << 21)
        public static let sourceOpaque = CompositeFlags(rawValue: 1 << 22)
        public static let maskOpaque = CompositeFlags(rawValue: 1 << 23)
        public static let destOpaque = CompositeFlags(rawValue: 1 << 24)
        /// The pixman operator (bits 0-7).
        public var op: UInt8 { UInt8(truncatingIfNeeded: rawValue) }
    }

    /// `SPICE_STREAM_FLAGS_*` (u8).
    public struct StreamFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let topDown = StreamFlags(rawValue: 1)
    }

    /// `SpiceVideoCodecType` (u8).
    public struct VideoCodecType: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let mjpeg = VideoCodecType(rawValue: 1)
        public static let vp8 = VideoCodecType(rawValue: 2)
        public static let h264 = VideoCodecType(rawValue: 3)
        public static let vp9 = VideoCodecType(rawValue: 4)
        public static let h265 = VideoCodecType(rawValue: 5)
    }

    /// `SpiceImageCompression` (u8), as in PREFERRED_COMPRESSION.
    public struct ImageCompression: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let invalid = ImageCompression(rawValue: 0)
        public static let off = ImageCompression(rawValue: 1)
        public static let autoGLZ = ImageCompression(rawValue: 2)
        public static let autoLZ = ImageCompression(rawValue: 3)
        public static let quic = ImageCompression(rawValue: 4)
        public static let glz = ImageCompression(rawValue: 5)
        public static let lz = ImageCompression(rawValue: 6)
        public static let lz4 = ImageCompression(rawValue: 7)
    }

    /// `SPICE_GL_SCANOUT_FLAGS_*` (u32).
    public struct GLScanoutFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let y0Top = GLScanoutFlags(rawValue: 1)
    }

    /// `SpiceResourceType` (u8) in INVAL_LIST.
    public struct ResourceType: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let invalid = ResourceType(rawValue: 0)
        public static let pixmap = ResourceType(rawValue: 1)
    }
}
