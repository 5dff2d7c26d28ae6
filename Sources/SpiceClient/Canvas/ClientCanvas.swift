import SpiceCodecs
import SpiceProtocol

/// Why the canvas refused a display message (bad geometry, unknown surface or cache entry,
/// undecodable image). The session closes the display channel on it.
public struct CanvasError: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "canvas: \(reason)" }
}

/// The client's drawing state for one display channel, as spice-gtk's software canvas keeps it:
/// surfaces by id (the primary and off-screen ones), the pixmap cache, the palette cache, the
/// GLZ window and the video streams. Pure Swift, no platform calls: display messages in, pixels out.
public final class ClientCanvas {
    /// The largest surface accepted (pixels), checked before allocating.
    public static let maxSurfacePixels = 1 << 26
    /// The largest image decoded (pixels), checked before allocating: spice-common's limit by
    /// default; smaller for a client that wants to bound what one message can make it allocate.
    public let maxImagePixels: Int
    /// Decodes QUIC images straight into a surface (the common full-box case).
    public let quicDecoder: QuicRowDecoder

    public private(set) var surfaces: [UInt32: CanvasImage] = [:]
    public private(set) var primaryID: UInt32?
    /// The pixmap cache the server manages: pixels and whether they came from a lossy image.
    var pixmaps: [UInt64: (image: CanvasImage, lossy: Bool)] = [:]
    var palettes: [UInt64: [UInt32]] = [:]
    let glzWindow = GLZDecoderWindow()
    /// Video streams by id (STREAM_CREATE until STREAM_DESTROY / STREAM_DESTROY_ALL).
    public internal(set) var streams: [UInt32: CanvasStream] = [:]
    /// Video frames decoded and put, over all streams so far.
    public internal(set) var streamFramesDrawn = 0
    /// Display messages applied, by message type (what a server actually sends).
    public internal(set) var messageCounts: [UInt16: Int] = [:]

    public init(maxImagePixels: Int = maxDecodedPixels, quicDecoder: QuicRowDecoder = .portable) {
        self.maxImagePixels = maxImagePixels
        self.quicDecoder = quicDecoder
    }

    public var primary: CanvasImage? { primaryID.flatMap { surfaces[$0] } }

    // MARK: Surfaces

    public func createSurface(id: UInt32, width: Int, height: Int, format: DisplayChannel.SurfaceFormat, primary: Bool) throws {
        guard width > 0, height > 0, width <= 1 << 15, height <= 1 << 15, width * height <= Self.maxSurfacePixels else {
            throw CanvasError("surface \(id) of \(width)x\(height) is out of range")
        }
        guard surfaces[id] == nil else { throw CanvasError("surface \(id) already exists") }
        if primary { primaryID = id }
        surfaces[id] = CanvasImage(width: width, height: height, format: CanvasPixelFormat(surface: format))
    }

    /// Streams on the surface stay (spice-gtk keeps them too; spice-server stops a surface's
    /// streams before destroying it): a frame for a surface that is gone is refused.
    public func destroySurface(id: UInt32) {
        surfaces[id] = nil
        if primaryID == id { primaryID = nil }
    }

    /// Drops everything (DISPLAY_RESET keeps nothing either), video streams included.
    public func reset() {
        surfaces.removeAll()
        streams.removeAll()
        primaryID = nil
        pixmaps.removeAll()
        palettes.removeAll()
        glzWindow.clear()
    }

    func surface(_ id: UInt32) throws -> CanvasImage {
        guard let s = surfaces[id] else { throw CanvasError("surface \(id) does not exist") }
        return s
    }

    /// Runs `body` on surface `id` in place (no copy of its pixels).
    func withSurface<R>(_ id: UInt32, _ body: (inout CanvasImage) throws -> R) throws -> R {
        guard surfaces[id] != nil else { throw CanvasError("surface \(id) does not exist") }
        return try body(&surfaces[id]!)
    }

    // MARK: Caches

    public func invalidatePixmaps(_ ids: [UInt64]) { for id in ids { pixmaps[id] = nil } }
    public func invalidateAllPixmaps() { pixmaps.removeAll() }
    public func invalidatePalette(_ id: UInt64) { palettes[id] = nil }
    public func invalidateAllPalettes() { palettes.removeAll() }
}
