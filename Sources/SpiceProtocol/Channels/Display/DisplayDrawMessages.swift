import NIOCore

/// The DRAW_* messages (ids 302...313, 318) and COPY_BITS: a `DisplayBase` followed by the draw data.
/// Image pointers that spice.proto declares nullable but no drawing can use NULL (`src_bitmap`) are
/// non-optional here and a NULL pointer is rejected on decode.
extension DisplayChannel {
    /// `SPICE_MSG_DISPLAY_COPY_BITS`: base + `src_pos Point`.
    public struct CopyBits: Hashable, Sendable {
        public static let messageType: UInt16 = 104
        public var base: DisplayBase
        public var sourcePosition: SpicePoint
        public init(base: DisplayBase, sourcePosition: SpicePoint) {
            self.base = base
            self.sourcePosition = sourcePosition
        }
    }

    /// `SPICE_MSG_DISPLAY_DRAW_FILL`: `brush`, `rop_descriptor u16`, `mask`.
    public struct DrawFill: Hashable, Sendable {
        public static let messageType: UInt16 = 302
        public var base: DisplayBase
        public var brush: Brush
        public var ropDescriptor: Ropd
        public var mask: QMask
        public init(base: DisplayBase, brush: Brush, ropDescriptor: Ropd, mask: QMask = .none) {
            self.base = base
            self.brush = brush
            self.ropDescriptor = ropDescriptor
            self.mask = mask
        }
    }

    /// `SPICE_MSG_DISPLAY_DRAW_OPAQUE`: `src_bitmap`, `src_area`, `brush`, `rop u16`, `scale_mode u8`, `mask`.
    public struct DrawOpaque: Hashable, Sendable {
        public static let messageType: UInt16 = 303
        public var base: DisplayBase
        public var sourceBitmap: Image
        public var sourceArea: SpiceRect
        public var brush: Brush
        public var ropDescriptor: Ropd
        public var scaleMode: ImageScaleMode
        public var mask: QMask
        public init(base: DisplayBase, sourceBitmap: Image, sourceArea: SpiceRect, brush: Brush,
                    ropDescriptor: Ropd, scaleMode: ImageScaleMode, mask: QMask = .none) {
            self.base = base
            self.sourceBitmap = sourceBitmap
            self.sourceArea = sourceArea
            self.brush = brush
            self.ropDescriptor = ropDescriptor
            self.scaleMode = scaleMode
            self.mask = mask
        }
    }

    /// `SPICE_MSG_DISPLAY_DRAW_COPY`: `src_bitmap`, `src_area`, `rop_descriptor u16`, `scale_mode u8`,
    /// `mask` — 57 fixed bytes with no clip, so an image placed right after has `src_bitmap = 57`.
    public struct DrawCopy: Hashable, Sendable {
        public static let messageType: UInt16 = 304
        public var base: DisplayBase
        public var sourceBitmap: Image
        public var sourceArea: SpiceRect
        public var ropDescriptor: Ropd
        public var scaleMode: ImageScaleMode
        public var mask: QMask
        public init(base: DisplayBase, sourceBitmap: Image, sourceArea: SpiceRect, ropDescriptor: Ropd = .opPut,
                    scaleMode: ImageScaleMode = .interpolate, mask: QMask = .none) {
            self.base = base
            self.sourceBitmap = sourceBitmap
            self.sourceArea = sourceArea
            self.ropDescriptor = ropDescriptor
            self.scaleMode = scaleMode
            self.mask = mask
        }
    }

    /// `SPICE_MSG_DISPLAY_DRAW_BLEND`: same layout as DRAW_COPY.
    public struct DrawBlend: Hashable, Sendable {
        public static let messageType: UInt16 = 305
        public var base: DisplayBase
        public var sourceBitmap: Image
        public var sourceArea: SpiceRect
        public var ropDescriptor: Ropd
        public var scaleMode: ImageScaleMode
        public var mask: QMask
        public init(base: DisplayBase, sourceBitmap: Image, sourceArea: SpiceRect, ropDescriptor: Ropd,
                    scaleMode: ImageScaleMode, mask: QMask = .none) {
            self.base = base
            self.sourceBitmap = sourceBitmap
            self.sourceArea = sourceArea
            self.ropDescriptor = ropDescriptor
            self.scaleMode = scaleMode
            self.mask = mask
        }
    }

    /// `SPICE_MSG_DISPLAY_DRAW_BLACKNESS`: `mask`.
    public struct DrawBlackness: Hashable, Sendable {
        public static let messageType: UInt16 = 306
        public var base: DisplayBase
        public var mask: QMask
        public init(base: DisplayBase, mask: QMask = .none) {
            self.base = base
            self.mask = mask
        }
    }

    /// `SPICE_MSG_DISPLAY_DRAW_WHITENESS`: `mask`.
    public struct DrawWhiteness: Hashable, Sendable {
        public static let messageType: UInt16 = 307
        public var base: DisplayBase
        public var mask: QMask
        public init(base: DisplayBase, mask: QMask = .none) {
            self.base = base
            self.mask = mask
        }
    }

    /// `SPICE_MSG_DISPLAY_DRAW_INVERS`: `mask`.
    public struct DrawInvers: Hashable, Sendable {
        public static let messageType: UInt16 = 308
        public var base: DisplayBase
        public var mask: QMask
        public init(base: DisplayBase, mask: QMask = .none) {
            self.base = base
            self.mask = mask
        }
    }

    /// `SPICE_MSG_DISPLAY_DRAW_ROP3`: `src_bitmap`, `src_area`, `brush`, `rop3 u8`, `scale_mode u8`, `mask`.
    public struct DrawRop3: Hashable, Sendable {
        public static let messageType: UInt16 = 309
        public var base: DisplayBase
        public var sourceBitmap: Image
        public var sourceArea: SpiceRect
        public var brush: Brush
        public var rop3: UInt8
        public var scaleMode: ImageScaleMode
        public var mask: QMask
        public init(base: DisplayBase, sourceBitmap: Image, sourceArea: SpiceRect, brush: Brush, rop3: UInt8,
                    scaleMode: ImageScaleMode, mask: QMask = .none) {
            self.base = base
            self.sourceBitmap = sourceBitmap
            self.sourceArea = sourceArea
            self.brush = brush
            self.rop3 = rop3
            self.scaleMode = scaleMode
            self.mask = mask
        }
    }

    /// `SPICE_MSG_DISPLAY_DRAW_STROKE`: `path Path*`, `attr LineAttr`, `brush`, `fore_mode u16`, `back_mode u16`.
    public struct DrawStroke: Hashable, Sendable {
        public static let messageType: UInt16 = 310
        public var base: DisplayBase
        public var path: Path
        public var attributes: LineAttr
        public var brush: Brush
        public var foreMode: Ropd
        public var backMode: Ropd
        public init(base: DisplayBase, path: Path, attributes: LineAttr, brush: Brush, foreMode: Ropd, backMode: Ropd) {
            self.base = base
            self.path = path
            self.attributes = attributes
            self.brush = brush
            self.foreMode = foreMode
            self.backMode = backMode
        }
    }

    /// `SPICE_MSG_DISPLAY_DRAW_TEXT`: `str String*`, `back_area Rect`, `fore_brush`, `back_brush`,
    /// `fore_mode u16`, `back_mode u16`.
    public struct DrawText: Hashable, Sendable {
        public static let messageType: UInt16 = 311
        public var base: DisplayBase
        public var string: GlyphString
        public var backArea: SpiceRect
        public var foreBrush: Brush
        public var backBrush: Brush
        public var foreMode: Ropd
        public var backMode: Ropd
        public init(base: DisplayBase, string: GlyphString, backArea: SpiceRect, foreBrush: Brush, backBrush: Brush,
                    foreMode: Ropd, backMode: Ropd) {
            self.base = base
            self.string = string
            self.backArea = backArea
            self.foreBrush = foreBrush
            self.backBrush = backBrush
            self.foreMode = foreMode
            self.backMode = backMode
        }
    }

    /// `SPICE_MSG_DISPLAY_DRAW_TRANSPARENT`: `src_bitmap`, `src_area`, `src_color u32`, `true_color u32`.
    public struct DrawTransparent: Hashable, Sendable {
        public static let messageType: UInt16 = 312
        public var base: DisplayBase
        public var sourceBitmap: Image
        public var sourceArea: SpiceRect
        public var sourceColor: UInt32
        public var trueColor: UInt32
        public init(base: DisplayBase, sourceBitmap: Image, sourceArea: SpiceRect, sourceColor: UInt32, trueColor: UInt32) {
            self.base = base
            self.sourceBitmap = sourceBitmap
            self.sourceArea = sourceArea
            self.sourceColor = sourceColor
            self.trueColor = trueColor
        }
    }

    /// `SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND`: `alpha_flags u8`, `alpha u8`, `src_bitmap`, `src_area`.
    public struct DrawAlphaBlend: Hashable, Sendable {
        public static let messageType: UInt16 = 313
        public var base: DisplayBase
        public var alphaFlags: AlphaFlags
        public var alpha: UInt8
        public var sourceBitmap: Image
        public var sourceArea: SpiceRect
        public init(base: DisplayBase, alphaFlags: AlphaFlags, alpha: UInt8, sourceBitmap: Image, sourceArea: SpiceRect) {
            self.base = base
            self.alphaFlags = alphaFlags
            self.alpha = alpha
            self.sourceBitmap = sourceBitmap
            self.sourceArea = sourceArea
        }
    }

    /// `SPICE_MSG_DISPLAY_DRAW_COMPOSITE`: `flags u32`, `src_bitmap`, [`mask_bitmap` if HAS_MASK],
    /// [src transform], [mask transform], `src_origin Point16`, `mask_origin Point16`. The presence
    /// bits of `flags` are set from the optionals when encoding.
    public struct DrawComposite: Hashable, Sendable {
        public static let messageType: UInt16 = 318
        public var base: DisplayBase
        public var flags: CompositeFlags
        public var sourceBitmap: Image
        public var maskBitmap: Image?
        public var sourceTransform: Transform?
        public var maskTransform: Transform?
        public var sourceOrigin: SpicePoint16
        public var maskOrigin: SpicePoint16
        public init(base: DisplayBase, flags: CompositeFlags, sourceBitmap: Image, maskBitmap: Image? = nil,
                    sourceTransform: Transform? = nil, maskTransform: Transform? = nil,
                    sourceOrigin: SpicePoint16, maskOrigin: SpicePoint16) {
            self.base = base
            self.flags = flags
            self.sourceBitmap = sourceBitmap
            self.maskBitmap = maskBitmap
            self.sourceTransform = sourceTransform
            self.maskTransform = maskTransform
            self.sourceOrigin = sourceOrigin
            self.maskOrigin = maskOrigin
        }

        /// `flags` with HAS_MASK / HAS_SRC_TRANSFORM / HAS_MASK_TRANSFORM matching the optionals.
        public var wireFlags: CompositeFlags {
            var f = flags
            f.remove([.hasMask, .hasSrcTransform, .hasMaskTransform])
            if maskBitmap != nil { f.insert(.hasMask) }
            if sourceTransform != nil { f.insert(.hasSrcTransform) }
            if maskTransform != nil { f.insert(.hasMaskTransform) }
            return f
        }
    }
}
