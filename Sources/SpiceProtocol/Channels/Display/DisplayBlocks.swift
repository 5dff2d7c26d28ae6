import NIOCore

/// Building blocks shared by the display messages (spice.proto structs).
extension DisplayChannel {
    /// `Clip`: `type u8`; RECTS: `num_rects u32` + rects inline.
    public enum Clip: Hashable, Sendable {
        case none
        case rects([SpiceRect])
    }

    /// `DisplayBase`: `surface_id u32`, `box Rect`, `clip Clip` (21 bytes without clip rects).
    public struct DisplayBase: Hashable, Sendable {
        public var surfaceID: UInt32
        public var box: SpiceRect
        public var clip: Clip
        public init(surfaceID: UInt32, box: SpiceRect, clip: Clip = .none) {
            self.surfaceID = surfaceID
            self.box = box
            self.clip = clip
        }
    }

    /// `QMask`: `flags u8`, `pos Point`, `bitmap Image*` (13 bytes; NULL bitmap = no mask).
    public struct QMask: Hashable, Sendable {
        public var flags: MaskFlags
        public var position: SpicePoint
        public var bitmap: Image?
        public init(flags: MaskFlags = [], position: SpicePoint = SpicePoint(x: 0, y: 0), bitmap: Image? = nil) {
            self.flags = flags
            self.position = position
            self.bitmap = bitmap
        }
        public static let none = QMask()
    }

    /// `Pattern`: `pat Image*` (non-null), `pos Point`.
    public struct Pattern: Hashable, Sendable {
        public var image: Image
        public var position: SpicePoint
        public init(image: Image, position: SpicePoint) {
            self.image = image
            self.position = position
        }
    }

    /// `Brush`: `type u8`; SOLID: `color u32`; PATTERN: `Pattern`.
    public enum Brush: Hashable, Sendable {
        case none
        case solid(color: UInt32)
        case pattern(Pattern)
    }

    /// `Palette`: `unique u64`, `num_ents u16`, `ents u32[num_ents]`.
    public struct Palette: Hashable, Sendable {
        public var unique: UInt64
        public var entries: [UInt32]
        public init(unique: UInt64, entries: [UInt32]) {
            self.unique = unique
            self.entries = entries
        }
    }

    /// `PathSegment`: `flags u8`, `count u32`, `PointFix[count]` (28.4 fixed point x, y).
    public struct PathSegment: Hashable, Sendable {
        public var flags: PathFlags
        public var points: [SpicePoint]
        public init(flags: PathFlags, points: [SpicePoint]) {
            self.flags = flags
            self.points = points
        }
    }

    /// `Path`: `num_segments u32` + segments inline.
    public struct Path: Hashable, Sendable {
        public var segments: [PathSegment]
        public init(segments: [PathSegment]) { self.segments = segments }
    }

    /// `LineAttr`: `flags u8`; if STYLED: `style_nseg u8`, `style fixed28_4*` (NULL when empty).
    public struct LineAttr: Hashable, Sendable {
        public var flags: LineFlags
        /// Dash lengths (28.4 fixed point); only on the wire when `flags` has `.styled`.
        public var style: [Int32]
        public init(flags: LineFlags, style: [Int32] = []) {
            self.flags = flags
            self.style = style
        }
    }

    /// `RasterGlyph`: `render_pos Point`, `glyph_origin Point`, `width u16`, `height u16`,
    /// `((bpp·width+7)/8)·height` bytes.
    public struct RasterGlyph: Hashable, Sendable {
        public var renderPosition: SpicePoint
        public var glyphOrigin: SpicePoint
        public var width: UInt16
        public var height: UInt16
        public var data: ByteBuffer
        public init(renderPosition: SpicePoint, glyphOrigin: SpicePoint, width: UInt16, height: UInt16, data: ByteBuffer) {
            self.renderPosition = renderPosition
            self.glyphOrigin = glyphOrigin
            self.width = width
            self.height = height
            self.data = data
        }
        public static let fixedSize = 20

        public static func dataSize(bitsPerPixel: Int, width: UInt16, height: UInt16) -> Int {
            ((bitsPerPixel * Int(width) + 7) / 8) * Int(height)
        }
    }

    /// `String`: `length u16`, `flags u8`, glyphs inline (A1/A4/A8 raster by flags).
    public struct GlyphString: Hashable, Sendable {
        public var flags: StringFlags
        public var glyphs: [RasterGlyph]
        public init(flags: StringFlags, glyphs: [RasterGlyph]) {
            self.flags = flags
            self.glyphs = glyphs
        }
    }

    /// `Transform`: 6 × u32 (pixman 16.16 matrix rows 0 and 1), inline.
    public struct Transform: Hashable, Sendable {
        public var t00: UInt32, t01: UInt32, t02: UInt32
        public var t10: UInt32, t11: UInt32, t12: UInt32
        public init(t00: UInt32, t01: UInt32, t02: UInt32, t10: UInt32, t11: UInt32, t12: UInt32) {
            self.t00 = t00
            self.t01 = t01
            self.t02 = t02
            self.t10 = t10
            self.t11 = t11
            self.t12 = t12
        }
    }

    /// `Head` of MONITORS_CONFIG: 7 × u32 (28 bytes).
    public struct Head: Hashable, Sendable {
        public var monitorID: UInt32
        public var surfaceID: UInt32
        public var width: UInt32
        public var height: UInt32
        public var x: UInt32
        public var y: UInt32
        public var flags: UInt32
        public init(monitorID: UInt32, surfaceID: UInt32, width: UInt32, height: UInt32, x: UInt32, y: UInt32, flags: UInt32 = 0) {
            self.monitorID = monitorID
            self.surfaceID = surfaceID
            self.width = width
            self.height = height
            self.x = x
            self.y = y
            self.flags = flags
        }
        public static let wireSize = 28
    }

    /// `ResourceID` of INVAL_LIST: `type u8`, `id u64`.
    public struct Resource: Hashable, Sendable {
        public var type: ResourceType
        public var id: UInt64
        public init(type: ResourceType, id: UInt64) {
            self.type = type
            self.id = id
        }
        public static let wireSize = 9
    }
}
