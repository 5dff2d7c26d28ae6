import NIOCore

extension DisplayChannel {
    /// `Image` (`SpiceImage`): an 18-byte descriptor (`id u64`, `type u8`, `flags u8`, `width u32`,
    /// `height u32`) followed by the type's data. Compressed and pixel data stay `ByteBuffer` slices
    /// of the message (no copy). The wire `type` is derived from `content`.
    public struct Image: Hashable, Sendable {
        public var id: UInt64
        public var flags: ImageFlags
        public var width: UInt32
        public var height: UInt32
        public var content: Content

        public init(id: UInt64, flags: ImageFlags = [], width: UInt32, height: UInt32, content: Content) {
            self.id = id
            self.flags = flags
            self.width = width
            self.height = height
            self.content = content
        }

        public static let descriptorSize = 18

        public enum Content: Hashable, Sendable {
            case bitmap(Bitmap)
            case quic(ByteBuffer)
            case lzPLT(LZPLT)
            case lzRGB(ByteBuffer)
            case glzRGB(ByteBuffer)
            case fromCache
            case surface(surfaceID: UInt32)
            case jpeg(ByteBuffer)
            case fromCacheLossless
            case zlibGlzRGB(ZlibGlzRGB)
            case jpegAlpha(JPEGAlpha)
            case lz4(ByteBuffer)
        }

        public var type: ImageType {
            switch content {
            case .bitmap: return .bitmap
            case .quic: return .quic
            case .lzPLT: return .lzPLT
            case .lzRGB: return .lzRGB
            case .glzRGB: return .glzRGB
            case .fromCache: return .fromCache
            case .surface: return .surface
            case .jpeg: return .jpeg
            case .fromCacheLossless: return .fromCacheLossless
            case .zlibGlzRGB: return .zlibGlzRGB
            case .jpegAlpha: return .jpegAlpha
            case .lz4: return .lz4
            }
        }
    }

    /// Where a palette comes from: none, inline behind a pointer, or the client's palette cache.
    /// On the wire `.cached` is the `PAL_FROM_CACHE` bitmap flag plus `palette_id u64`; encoding sets
    /// or clears that flag from this value.
    public enum PaletteSource: Hashable, Sendable {
        case none
        case inline(Palette)
        case cached(id: UInt64)
    }

    /// `BitmapData`: `format u8`, `flags u8`, `x u32`, `y u32`, `stride u32`, palette (ptr or id),
    /// then `stride·y` bytes of pixels inline (bottom-up unless `TOP_DOWN`).
    public struct Bitmap: Hashable, Sendable {
        public var format: BitmapFormat
        public var flags: BitmapFlags
        public var width: UInt32
        public var height: UInt32
        public var stride: UInt32
        public var palette: PaletteSource
        /// Exactly `stride · height` bytes.
        public var data: ByteBuffer

        public init(format: BitmapFormat, flags: BitmapFlags, width: UInt32, height: UInt32, stride: UInt32,
                    palette: PaletteSource = .none, data: ByteBuffer) {
            self.format = format
            self.flags = flags
            self.width = width
            self.height = height
            self.stride = stride
            self.palette = palette
            self.data = data
        }

        /// Header size after the descriptor with a palette pointer (18) or a cached palette id (22).
        public var headerSize: Int { if case .cached = palette { return 22 } else { return 18 } }
    }

    /// `LZPLTData`: `flags u8` (bitmap flags), `data_size u32`, palette (non-null ptr or id), data.
    public struct LZPLT: Hashable, Sendable {
        public var flags: BitmapFlags
        /// Must not be `.none` (the pointer is `@nonnull`).
        public var palette: PaletteSource
        public var data: ByteBuffer
        public init(flags: BitmapFlags, palette: PaletteSource, data: ByteBuffer) {
            self.flags = flags
            self.palette = palette
            self.data = data
        }
    }

    /// `ZlibGlzRGBData`: `glz_data_size u32`, `data_size u32`, data.
    public struct ZlibGlzRGB: Hashable, Sendable {
        public var glzDataSize: UInt32
        public var data: ByteBuffer
        public init(glzDataSize: UInt32, data: ByteBuffer) {
            self.glzDataSize = glzDataSize
            self.data = data
        }
    }

    /// `JPEGAlphaData`: `flags u8`, `jpeg_size u32`, `data_size u32`, data (JPEG then LZ alpha).
    public struct JPEGAlpha: Hashable, Sendable {
        public var flags: JPEGAlphaFlags
        public var jpegSize: UInt32
        public var data: ByteBuffer
        public init(flags: JPEGAlphaFlags, jpegSize: UInt32, data: ByteBuffer) {
            self.flags = flags
            self.jpegSize = jpegSize
            self.data = data
        }
    }
}
