import NIOCore
import SpiceCodecs
import SpiceProtocol

/// A video stream as the canvas keeps it: spice-gtk's `display_stream` without the timing (we
/// draw each frame when it arrives instead of at its multimedia time).
public struct CanvasStream: Sendable, Hashable {
    public var surfaceID: UInt32
    /// STREAM_FLAGS_TOP_DOWN: the frame's first row is the top one; otherwise frames come
    /// bottom-up (the server encodes a bottom-up bitmap's rows in memory order) and are flipped.
    public var topDown: Bool
    /// The encoded frame size (`stream_width` × `stream_height`): every STREAM_DATA frame must
    /// decode to exactly this.
    public var frameWidth: Int
    public var frameHeight: Int
    /// The part of the frame that is the picture (`src_width` × `src_height`, from its top-left
    /// corner), scaled to `destination`. spice-server sends it equal to the frame size.
    public var sourceWidth: Int
    public var sourceHeight: Int
    public var destination: SpiceRect
    public var clip: DisplayChannel.Clip
    /// Frames decoded and put so far (a frame its clip hides entirely counts too).
    public var frames: Int = 0
}

/// SPICE video streams (STREAM_CREATE … STREAM_DESTROY), MJPEG only, with spice-gtk's semantics
/// (channel-display.c, channel-display-mjpeg.c, spice-common's `canvas_put_image`).
extension ClientCanvas {
    /// Stream ids at or above this are refused (spice-server uses 50; spice-gtk grows its table
    /// to any id).
    public static let maxStreams: UInt32 = 4096
    /// The largest encoded frame accepted (pixels), checked before decoding: a frame is never
    /// larger than the largest surface.
    public static let maxStreamPixels = min(maxSurfacePixels, maxDecodedPixels)

    /// STREAM_CREATE: a new MJPEG stream on an existing surface.
    func createStream(_ m: DisplayChannel.StreamCreate) throws {
        guard m.id < Self.maxStreams else { throw CanvasError("stream id \(m.id) is out of range (max \(Self.maxStreams - 1))") }
        guard streams[m.id] == nil else { throw CanvasError("stream \(m.id) already exists") }
        guard m.codecType == .mjpeg else {
            throw CanvasError("stream \(m.id): video codec \(m.codecType.rawValue) is not supported (MJPEG only)")
        }
        guard surfaces[m.surfaceID] != nil else { throw CanvasError("stream \(m.id): surface \(m.surfaceID) does not exist") }
        let w = Int(m.streamWidth), h = Int(m.streamHeight)
        try checkFrameSize(w, h, stream: m.id)
        let sw = Int(m.sourceWidth), sh = Int(m.sourceHeight)
        guard sw > 0, sh > 0, sw <= w, sh <= h else {
            throw CanvasError("stream \(m.id): source \(sw)x\(sh) does not fit the \(w)x\(h) frame")
        }
        try checkDestination(m.destination, stream: m.id)
        streams[m.id] = CanvasStream(surfaceID: m.surfaceID, topDown: m.flags.contains(.topDown), frameWidth: w, frameHeight: h,
                                     sourceWidth: sw, sourceHeight: sh, destination: m.destination, clip: m.clip)
    }

    /// STREAM_CLIP: the stream's clip is replaced (a RECTS clip with no rectangles hides it).
    func clipStream(_ m: DisplayChannel.StreamClip) throws {
        guard streams[m.id] != nil else { throw CanvasError("stream \(m.id) does not exist") }
        streams[m.id]!.clip = m.clip
    }

    /// STREAM_DESTROY: as spice-gtk, destroying a stream that is not there is harmless (but an id
    /// no stream can have is refused).
    func destroyStream(_ id: UInt32) throws {
        guard id < Self.maxStreams else { throw CanvasError("stream id \(id) is out of range (max \(Self.maxStreams - 1))") }
        streams[id] = nil
    }

    /// STREAM_DATA (the stream's size and destination) and STREAM_DATA_SIZED (`sized`: this
    /// frame's size and destination; the stream keeps its own for later frames, as spice-gtk).
    /// The JPEG must decode to the frame size; the source part is scaled to the destination
    /// (nearest neighbour, like pixman's NEAREST filter) and drawn through the stream's clip.
    func streamFrame(id: UInt32, data: ByteBuffer, sized: (width: UInt32, height: UInt32, destination: SpiceRect)? = nil) throws -> Damage? {
        guard let stream = streams[id] else { throw CanvasError("stream \(id) does not exist") }
        var fw = stream.frameWidth, fh = stream.frameHeight
        var sw = stream.sourceWidth, sh = stream.sourceHeight
        var dest = stream.destination
        if let sized {
            fw = Int(sized.width); fh = Int(sized.height)
            try checkFrameSize(fw, fh, stream: id)
            try checkDestination(sized.destination, stream: id)
            (sw, sh, dest) = (fw, fh, sized.destination)
        }
        let frame: PixelImage
        do {
            // The header is checked against the frame size before anything is allocated.
            frame = try SpiceJPEG.decode(bytes(data), maxPixels: fw * fh)
        } catch let error as CodecError {
            throw CanvasError("stream \(id): \(error)")
        }
        guard frame.width == fw, frame.height == fh, frame.format == .rgb32, frame.topDown,
              frame.stride >= fw * 4, frame.data.count >= frame.stride * fh else {
            throw CanvasError("stream \(id): the frame decodes to \(frame.width)x\(frame.height), not \(fw)x\(fh)")
        }
        try withSurface(stream.surfaceID) { s in
            var region = CanvasRegion(rect: dest, surfaceWidth: s.width, surfaceHeight: s.height)
            region.clip(stream.clip)
            guard !region.isEmpty else { return }
            putFrame(frame, sourceWidth: sw, sourceHeight: sh, flip: !stream.topDown, destination: dest, region: region, on: &s)
        }
        streams[id]!.frames += 1
        streamFramesDrawn += 1
        return Damage(surfaceID: stream.surfaceID, box: dest)
    }

    /// `canvas_put_image`: the top-left `sourceWidth`×`sourceHeight` of the frame onto
    /// `destination`, nearest-neighbour sampled at pixel centres; `flip` reads the frame's rows
    /// from the last one up (spice-gtk hands pixman the last row with a negative stride).
    private func putFrame(_ frame: PixelImage, sourceWidth sw: Int, sourceHeight sh: Int, flip: Bool, destination dest: SpiceRect,
                          region: CanvasRegion, on s: inout CanvasImage) {
        let map = SourceMap(box: dest, area: SpiceRect(x: 0, y: 0, width: Int32(sw), height: Int32(sh)))
        let stride = frame.stride, fh = frame.height, w = s.width
        // Source column per destination column of the region's bounds (one division per column).
        let x0 = region.x0
        let columns = (x0..<region.x1).map { map.source($0, Int(dest.top)).0 }
        // An x8r8g8b8 source composited with SRC: opaque, and only its alpha on A8/A1 surfaces.
        let keep: UInt32 = s.format == .a8 || s.format == .a1 ? 0 : 0x00FF_FFFF
        frame.data.withUnsafeBytes { src in
            s.pixels.withUnsafeMutableBufferPointer { d in
                region.forEachRun { y, a, b in
                    var sy = map.source(x0, y).1
                    if flip { sy = fh - 1 - sy }
                    let row = sy * stride, drow = y * w
                    for x in a..<b {
                        let v = src.loadUnaligned(fromByteOffset: row + columns[x - x0] * 4, as: UInt32.self).littleEndian
                        d[drow + x] = v & keep | 0xFF00_0000
                    }
                }
            }
        }
    }

    private func checkFrameSize(_ w: Int, _ h: Int, stream id: UInt32) throws {
        guard w > 0, h > 0, w <= 1 << 15, h <= 1 << 15, w * h <= Self.maxStreamPixels else {
            throw CanvasError("stream \(id): frame size \(w)x\(h) is out of range")
        }
    }

    private func checkDestination(_ r: SpiceRect, stream id: UInt32) throws {
        guard r.spanX >= 0, r.spanY >= 0, r.spanX <= 1 << 15, r.spanY <= 1 << 15 else {
            throw CanvasError("stream \(id): destination \(r) is invalid")
        }
    }
}
