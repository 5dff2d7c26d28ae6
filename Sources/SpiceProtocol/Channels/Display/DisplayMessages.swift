import NIOCore

/// Display channel (type 2) messages, spice.proto `channel DisplayChannel`. Draw messages are in
/// DisplayDrawMessages.swift, images in DisplayImage.swift, shared blocks in DisplayBlocks.swift.
public enum DisplayChannel {
    /// `SPICE_MSG_DISPLAY_MODE` (legacy): `x_res u32`, `y_res u32`, `bits u32`.
    public struct Mode: Hashable, Sendable {
        public static let messageType: UInt16 = 101
        public var xRes: UInt32
        public var yRes: UInt32
        public var bits: UInt32
        public init(xRes: UInt32, yRes: UInt32, bits: UInt32) {
            self.xRes = xRes
            self.yRes = yRes
            self.bits = bits
        }
    }
    /// `SPICE_MSG_DISPLAY_MARK`: empty.
    public struct Mark: Hashable, Sendable {
        public static let messageType: UInt16 = 102
        public init() {}
    }
    /// `SPICE_MSG_DISPLAY_RESET`: empty.
    public struct Reset: Hashable, Sendable {
        public static let messageType: UInt16 = 103
        public init() {}
    }
    /// `SPICE_MSG_DISPLAY_INVAL_LIST`: `count u16` + {`type u8`, `id u64`}.
    public struct InvalList: Hashable, Sendable {
        public static let messageType: UInt16 = 105
        public var resources: [Resource]
        public init(resources: [Resource]) { self.resources = resources }
    }
    /// `SPICE_MSG_DISPLAY_INVAL_ALL_PIXMAPS`: a wait list (as WAIT_FOR_CHANNELS).
    public struct InvalAllPixmaps: Hashable, Sendable {
        public static let messageType: UInt16 = 106
        public var waits: [BaseChannel.WaitForChannel]
        public init(waits: [BaseChannel.WaitForChannel] = []) { self.waits = waits }
    }
    /// `SPICE_MSG_DISPLAY_INVAL_PALETTE`: `id u64`.
    public struct InvalPalette: Hashable, Sendable {
        public static let messageType: UInt16 = 107
        public var id: UInt64
        public init(id: UInt64) { self.id = id }
    }
    /// `SPICE_MSG_DISPLAY_INVAL_ALL_PALETTES`: empty.
    public struct InvalAllPalettes: Hashable, Sendable {
        public static let messageType: UInt16 = 108
        public init() {}
    }
    /// `SPICE_MSG_DISPLAY_STREAM_CREATE`.
    public struct StreamCreate: Hashable, Sendable {
        public static let messageType: UInt16 = 122
        public var surfaceID: UInt32
        public var id: UInt32
        public var flags: StreamFlags
        public var codecType: VideoCodecType
        public var stamp: UInt64
        public var streamWidth: UInt32
        public var streamHeight: UInt32
        public var sourceWidth: UInt32
        public var sourceHeight: UInt32
        public var destination: SpiceRect
        public var clip: Clip
        public init(surfaceID: UInt32, id: UInt32, flags: StreamFlags, codecType: VideoCodecType, stamp: UInt64,
                    streamWidth: UInt32, streamHeight: UInt32, sourceWidth: UInt32, sourceHeight: UInt32,
                    destination: SpiceRect, clip: Clip) {
            self.surfaceID = surfaceID
            self.id = id
            self.flags = flags
            self.codecType = codecType
            self.stamp = stamp
            self.streamWidth = streamWidth
            self.streamHeight = streamHeight
            self.sourceWidth = sourceWidth
            self.sourceHeight = sourceHeight
            self.destination = destination
            self.clip = clip
        }
    }
    /// `SPICE_MSG_DISPLAY_STREAM_DATA`: `id u32`, `multi_media_time u32`, `data_size u32`, data.
    public struct StreamData: Hashable, Sendable {
        public static let messageType: UInt16 = 123
        public var id: UInt32
        public var multiMediaTime: UInt32
        public var data: ByteBuffer
        public init(id: UInt32, multiMediaTime: UInt32, data: ByteBuffer) {
            self.id = id
            self.multiMediaTime = multiMediaTime
            self.data = data
        }
    }
    /// `SPICE_MSG_DISPLAY_STREAM_CLIP`: `id u32`, `clip`.
    public struct StreamClip: Hashable, Sendable {
        public static let messageType: UInt16 = 124
        public var id: UInt32
        public var clip: Clip
        public init(id: UInt32, clip: Clip) {
            self.id = id
            self.clip = clip
        }
    }
    /// `SPICE_MSG_DISPLAY_STREAM_DESTROY`: `id u32`.
    public struct StreamDestroy: Hashable, Sendable {
        public static let messageType: UInt16 = 125
        public var id: UInt32
        public init(id: UInt32) { self.id = id }
    }
    /// `SPICE_MSG_DISPLAY_STREAM_DESTROY_ALL`: empty.
    public struct StreamDestroyAll: Hashable, Sendable {
        public static let messageType: UInt16 = 126
        public init() {}
    }
    /// `SPICE_MSG_DISPLAY_SURFACE_CREATE`: 5 × u32 (20 bytes).
    public struct SurfaceCreate: Hashable, Sendable {
        public static let messageType: UInt16 = 314
        public var surfaceID: UInt32
        public var width: UInt32
        public var height: UInt32
        public var format: SurfaceFormat
        public var flags: SurfaceFlags
        public init(surfaceID: UInt32, width: UInt32, height: UInt32, format: SurfaceFormat, flags: SurfaceFlags) {
            self.surfaceID = surfaceID
            self.width = width
            self.height = height
            self.format = format
            self.flags = flags
        }
    }
    /// `SPICE_MSG_DISPLAY_SURFACE_DESTROY`: `surface_id u32`.
    public struct SurfaceDestroy: Hashable, Sendable {
        public static let messageType: UInt16 = 315
        public var surfaceID: UInt32
        public init(surfaceID: UInt32) { self.surfaceID = surfaceID }
    }
    /// `SPICE_MSG_DISPLAY_STREAM_DATA_SIZED`: id, mm time, `width`, `height`, `dest Rect`, `data_size`, data.
    public struct StreamDataSized: Hashable, Sendable {
        public static let messageType: UInt16 = 316
        public var id: UInt32
        public var multiMediaTime: UInt32
        public var width: UInt32
        public var height: UInt32
        public var destination: SpiceRect
        public var data: ByteBuffer
        public init(id: UInt32, multiMediaTime: UInt32, width: UInt32, height: UInt32, destination: SpiceRect, data: ByteBuffer) {
            self.id = id
            self.multiMediaTime = multiMediaTime
            self.width = width
            self.height = height
            self.destination = destination
            self.data = data
        }
    }
    /// `SPICE_MSG_DISPLAY_MONITORS_CONFIG`: `count u16`, `max_allowed u16`, heads.
    public struct MonitorsConfig: Hashable, Sendable {
        public static let messageType: UInt16 = 317
        public var maxAllowed: UInt16
        public var heads: [Head]
        public init(maxAllowed: UInt16, heads: [Head]) {
            self.maxAllowed = maxAllowed
            self.heads = heads
        }
    }
    /// `SPICE_MSG_DISPLAY_STREAM_ACTIVATE_REPORT`: 4 × u32.
    public struct StreamActivateReport: Hashable, Sendable {
        public static let messageType: UInt16 = 319
        public var streamID: UInt32
        public var uniqueID: UInt32
        public var maxWindowSize: UInt32
        public var timeoutMs: UInt32
        public init(streamID: UInt32, uniqueID: UInt32, maxWindowSize: UInt32, timeoutMs: UInt32) {
            self.streamID = streamID
            self.uniqueID = uniqueID
            self.maxWindowSize = maxWindowSize
            self.timeoutMs = timeoutMs
        }
    }
    /// `SPICE_MSG_DISPLAY_GL_SCANOUT_UNIX`: the fd travels as SCM_RIGHTS (0 bytes here), then
    /// `width`, `height`, `stride`, `drm_fourcc_format`, `flags` (u32 each).
    public struct GLScanoutUnix: Hashable, Sendable {
        public static let messageType: UInt16 = 320
        public var width: UInt32
        public var height: UInt32
        public var stride: UInt32
        public var drmFourccFormat: UInt32
        public var flags: GLScanoutFlags
        public init(width: UInt32, height: UInt32, stride: UInt32, drmFourccFormat: UInt32, flags: GLScanoutFlags) {
            self.width = width
            self.height = height
            self.stride = stride
            self.drmFourccFormat = drmFourccFormat
            self.flags = flags
        }
    }
    /// `SPICE_MSG_DISPLAY_GL_DRAW`: `x`, `y`, `w`, `h` (u32).
    public struct GLDraw: Hashable, Sendable {
        public static let messageType: UInt16 = 321
        public var x: UInt32
        public var y: UInt32
        public var w: UInt32
        public var h: UInt32
        public init(x: UInt32, y: UInt32, w: UInt32, h: UInt32) {
            self.x = x
            self.y = y
            self.w = w
            self.h = h
        }
    }
    /// `SPICE_MSG_DISPLAY_QUALITY_INDICATOR`: kept raw.
    public struct QualityIndicator: Hashable, Sendable {
        public static let messageType: UInt16 = 322
        public var data: ByteBuffer
        public init(data: ByteBuffer) { self.data = data }
    }

    // MARK: client → server

    /// `SPICE_MSGC_DISPLAY_INIT` (14 bytes).
    public struct Init: Hashable, Sendable {
        public static let messageType: UInt16 = 101
        public var pixmapCacheID: UInt8
        public var pixmapCacheSize: Int64
        public var glzDictionaryID: UInt8
        public var glzDictionaryWindowSize: Int32
        public init(pixmapCacheID: UInt8, pixmapCacheSize: Int64, glzDictionaryID: UInt8, glzDictionaryWindowSize: Int32) {
            self.pixmapCacheID = pixmapCacheID
            self.pixmapCacheSize = pixmapCacheSize
            self.glzDictionaryID = glzDictionaryID
            self.glzDictionaryWindowSize = glzDictionaryWindowSize
        }
    }
    /// `SPICE_MSGC_DISPLAY_STREAM_REPORT` (8 × u32/i32).
    public struct StreamReport: Hashable, Sendable {
        public static let messageType: UInt16 = 102
        public var streamID: UInt32
        public var uniqueID: UInt32
        public var startFrameMMTime: UInt32
        public var endFrameMMTime: UInt32
        public var numFrames: UInt32
        public var numDrops: UInt32
        public var lastFrameDelay: Int32
        public var audioDelay: UInt32
        public init(streamID: UInt32, uniqueID: UInt32, startFrameMMTime: UInt32, endFrameMMTime: UInt32,
                    numFrames: UInt32, numDrops: UInt32, lastFrameDelay: Int32, audioDelay: UInt32) {
            self.streamID = streamID
            self.uniqueID = uniqueID
            self.startFrameMMTime = startFrameMMTime
            self.endFrameMMTime = endFrameMMTime
            self.numFrames = numFrames
            self.numDrops = numDrops
            self.lastFrameDelay = lastFrameDelay
            self.audioDelay = audioDelay
        }
    }
    /// `SPICE_MSGC_DISPLAY_PREFERRED_COMPRESSION`: `image_compression u8`.
    public struct PreferredCompression: Hashable, Sendable {
        public static let messageType: UInt16 = 103
        public var imageCompression: ImageCompression
        public init(imageCompression: ImageCompression) { self.imageCompression = imageCompression }
    }
    /// `SPICE_MSGC_DISPLAY_GL_DRAW_DONE`: empty.
    public struct GLDrawDone: Hashable, Sendable {
        public static let messageType: UInt16 = 104
        public init() {}
    }
    /// `SPICE_MSGC_DISPLAY_PREFERRED_VIDEO_CODEC_TYPE`: `num_of_codecs u8`, codecs u8[].
    public struct PreferredVideoCodecType: Hashable, Sendable {
        public static let messageType: UInt16 = 105
        public var codecs: [VideoCodecType]
        public init(codecs: [VideoCodecType]) { self.codecs = codecs }
    }

    public enum ServerMessage: Hashable, Sendable {
        case base(BaseChannel.ServerMessage)
        case mode(Mode)
        case mark(Mark)
        case reset(Reset)
        case copyBits(CopyBits)
        case invalList(InvalList)
        case invalAllPixmaps(InvalAllPixmaps)
        case invalPalette(InvalPalette)
        case invalAllPalettes(InvalAllPalettes)
        case streamCreate(StreamCreate)
        case streamData(StreamData)
        case streamClip(StreamClip)
        case streamDestroy(StreamDestroy)
        case streamDestroyAll(StreamDestroyAll)
        case drawFill(DrawFill)
        case drawOpaque(DrawOpaque)
        case drawCopy(DrawCopy)
        case drawBlend(DrawBlend)
        case drawBlackness(DrawBlackness)
        case drawWhiteness(DrawWhiteness)
        case drawInvers(DrawInvers)
        case drawRop3(DrawRop3)
        case drawStroke(DrawStroke)
        case drawText(DrawText)
        case drawTransparent(DrawTransparent)
        case drawAlphaBlend(DrawAlphaBlend)
        case surfaceCreate(SurfaceCreate)
        case surfaceDestroy(SurfaceDestroy)
        case streamDataSized(StreamDataSized)
        case monitorsConfig(MonitorsConfig)
        case drawComposite(DrawComposite)
        case streamActivateReport(StreamActivateReport)
        case glScanoutUnix(GLScanoutUnix)
        case glDraw(GLDraw)
        case qualityIndicator(QualityIndicator)
    }

    public enum ClientMessage: Hashable, Sendable {
        case base(BaseChannel.ClientMessage)
        case `init`(Init)
        case streamReport(StreamReport)
        case preferredCompression(PreferredCompression)
        case glDrawDone(GLDrawDone)
        case preferredVideoCodecType(PreferredVideoCodecType)
    }
}
