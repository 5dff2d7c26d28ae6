import NIOCore
import SpiceCodecs
import SpiceProtocol
import Testing
@testable import SpiceClient

/// MJPEG video streams on the canvas, with frames made by our own JPEG encoder. JPEG is lossy:
/// colours are compared within `tolerance` per channel, at pixels away from the colour edges
/// (blocks are 16×16, the 4:2:0 chroma block, so inside them the colour is flat).
@Suite("Client canvas video streams")
struct CanvasStreamTests {
    static let red: UInt32 = 0xFF0000, blue: UInt32 = 0x0000FF, green: UInt32 = 0x00FF00, grey: UInt32 = 0x404040
    /// Largest difference per channel accepted between a frame's colour and the drawn pixel.
    static let tolerance = 12

    /// A JPEG of `w`×`h` whose pixel (x, y) (top-down) is `color(x, y)`.
    static func jpeg(_ w: Int, _ h: Int, quality: Int = 95, _ color: (Int, Int) -> UInt32) throws -> ByteBuffer {
        var data = [UInt8](repeating: 0, count: w * h * 4)
        for y in 0..<h {
            for x in 0..<w {
                let c = color(x, y), i = (y * w + x) * 4
                data[i] = UInt8(c & 0xFF); data[i + 1] = UInt8(c >> 8 & 0xFF); data[i + 2] = UInt8(c >> 16 & 0xFF)
            }
        }
        return ByteBuffer(bytes: try SpiceJPEG.encode(PixelImage(width: w, height: h, format: .rgb32, data: data), quality: quality))
    }

    /// 32×16: red left half, blue right half.
    static func redBlue() throws -> ByteBuffer { try jpeg(32, 16) { x, _ in x < 16 ? red : blue } }
    /// 16×32: red top half, blue bottom half (in the JPEG's own row order).
    static func redOverBlue() throws -> ByteBuffer { try jpeg(16, 32) { _, y in y < 16 ? red : blue } }

    static func create(id: UInt32 = 3, flags: D.StreamFlags = .topDown, codec: D.VideoCodecType = .mjpeg, size: (Int, Int) = (32, 16),
                       source: (Int, Int)? = nil, dest: SpiceRect, clip: D.Clip = .none, surface: UInt32 = 0) -> D.ServerMessage {
        let src = source ?? size
        return .streamCreate(D.StreamCreate(surfaceID: surface, id: id, flags: flags, codecType: codec, stamp: 0,
                                            streamWidth: UInt32(size.0), streamHeight: UInt32(size.1),
                                            sourceWidth: UInt32(src.0), sourceHeight: UInt32(src.1), destination: dest, clip: clip))
    }

    static func data(id: UInt32 = 3, _ frame: ByteBuffer) -> D.ServerMessage {
        .streamData(D.StreamData(id: id, multiMediaTime: 1000, data: frame))
    }

    static func close(_ a: UInt32, _ b: UInt32) -> Bool {
        for shift: UInt32 in [0, 8, 16] {
            let x = Int((a >> shift) & 0xFF), y = Int((b >> shift) & 0xFF)
            if abs(x - y) > tolerance { return false }
        }
        return true
    }

    /// Every pixel of `rect` that is not within `margin` of its edges is close to `color`.
    static func expectRect(_ c: ClientCanvas, _ r: SpiceRect, _ color: UInt32, margin: Int = 2, sourceLocation: SourceLocation = #_sourceLocation) {
        var bad = 0, first = ""
        for y in (Int(r.top) + margin)..<(Int(r.bottom) - margin) {
            for x in (Int(r.left) + margin)..<(Int(r.right) - margin) where !close(c.pixel(x, y), color) {
                if bad == 0 { first = "(\(x), \(y)) = \(String(c.pixel(x, y), radix: 16))" }
                bad += 1
            }
        }
        #expect(bad == 0, "\(bad) pixels differ from \(String(color, radix: 16)) in \(r), first \(first)", sourceLocation: sourceLocation)
    }

    @Test("CREATE + DATA: the frame scaled 2× into the destination, nothing outside it, damage = destination")
    func scaledFrame() throws {
        let c = try makeCanvas(80, 48, fill: Self.grey)
        let dest = rect(8, 8, 64, 32)
        try c.apply(Self.create(dest: dest))
        #expect(c.streams[3]?.frames == 0)
        let damage = try c.apply(Self.data(try Self.redBlue()))
        #expect(damage == ClientCanvas.Damage(surfaceID: 0, box: dest))
        Self.expectRect(c, rect(8, 8, 32, 32), Self.red, margin: 3)
        Self.expectRect(c, rect(40, 8, 32, 32), Self.blue, margin: 3)
        // Untouched around the destination (exactly: the fill is not JPEG).
        for (x, y) in [(7, 8), (72, 8), (8, 7), (8, 40), (71, 40), (0, 0), (79, 47)] { #expect(c.pixel(x, y) == Self.grey) }
        #expect(c.streams[3]?.frames == 1)
        #expect(c.messageCounts[D.StreamData.messageType] == 1)
    }

    @Test("Downscaled: a 32×16 frame into 8×4 keeps its halves")
    func downscaled() throws {
        let c = try makeCanvas(16, 8)
        try c.apply(Self.create(dest: rect(4, 2, 8, 4)))
        try c.apply(Self.data(try Self.redBlue()))
        Self.expectRect(c, rect(4, 2, 4, 4), Self.red, margin: 0)
        Self.expectRect(c, rect(8, 2, 4, 4), Self.blue, margin: 0)
        #expect(c.pixel(3, 2) == 0 && c.pixel(12, 2) == 0 && c.pixel(4, 1) == 0 && c.pixel(4, 6) == 0)
    }

    @Test("The stream's clip limits the frame; STREAM_CLIP replaces it (no rectangles: nothing drawn)")
    func clip() throws {
        let c = try makeCanvas(80, 48, fill: Self.grey)
        let dest = rect(8, 8, 64, 32)
        // Only the top-left 24×16 and a 8×8 square in the blue half.
        try c.apply(Self.create(dest: dest, clip: .rects([rect(0, 0, 32, 24), rect(56, 24, 8, 8)])))
        try c.apply(Self.data(try Self.redBlue()))
        Self.expectRect(c, rect(8, 8, 24, 16), Self.red, margin: 1)
        Self.expectRect(c, rect(56, 24, 8, 8), Self.blue, margin: 1)
        for (x, y) in [(32, 8), (8, 24), (31, 24), (55, 24), (64, 24), (56, 32), (40, 8), (71, 39)] {
            #expect(c.pixel(x, y) == Self.grey, "(\(x), \(y))")
        }
        // An empty RECTS clip (what spice-server sends when the stream has no current frame).
        try c.apply(.streamClip(D.StreamClip(id: 3, clip: .rects([]))))
        try c.apply(.drawFill(D.DrawFill(base: base(0, 0, 80, 48), brush: .solid(color: Self.grey), ropDescriptor: .opPut)))
        try c.apply(Self.data(try Self.redBlue()))
        Self.expectRect(c, rect(0, 0, 80, 48), Self.grey, margin: 0)
        try c.apply(.streamClip(D.StreamClip(id: 3, clip: .none)))
        try c.apply(Self.data(try Self.redBlue()))
        Self.expectRect(c, rect(8, 8, 32, 32), Self.red, margin: 3)
        Self.expectRect(c, rect(40, 8, 32, 32), Self.blue, margin: 3)
    }

    @Test("Without TOP_DOWN the frame is bottom-up: its last row is drawn at the top (as spice-gtk)")
    func bottomUp() throws {
        let c = try makeCanvas(16, 32)
        try c.apply(Self.create(id: 1, flags: .topDown, size: (16, 32), dest: rect(0, 0, 16, 32)))
        try c.apply(Self.data(id: 1, try Self.redOverBlue()))
        Self.expectRect(c, rect(0, 0, 16, 16), Self.red, margin: 2)
        Self.expectRect(c, rect(0, 16, 16, 16), Self.blue, margin: 2)
        try c.apply(Self.create(id: 2, flags: [], size: (16, 32), dest: rect(0, 0, 16, 32)))
        try c.apply(Self.data(id: 2, try Self.redOverBlue()))
        Self.expectRect(c, rect(0, 0, 16, 16), Self.blue, margin: 2)
        Self.expectRect(c, rect(0, 16, 16, 16), Self.red, margin: 2)
    }

    @Test("Bottom-up and scaled: row order reversed before scaling")
    func bottomUpScaled() throws {
        let c = try makeCanvas(8, 8)
        try c.apply(Self.create(flags: [], size: (16, 32), dest: rect(0, 0, 8, 8)))
        try c.apply(Self.data(try Self.redOverBlue()))
        Self.expectRect(c, rect(0, 0, 8, 4), Self.blue, margin: 0)
        Self.expectRect(c, rect(0, 4, 8, 4), Self.red, margin: 0)
    }

    @Test("src_width/height smaller than the frame: only that top-left part is scaled to the destination")
    func sourcePart() throws {
        let c = try makeCanvas(32, 16)
        try c.apply(Self.create(size: (32, 16), source: (16, 16), dest: rect(0, 0, 32, 16)))
        try c.apply(Self.data(try Self.redBlue()))
        // Destination columns 30-31 show source column 15, whose chroma the JPEG decoder
        // interpolates with the blue half: left out.
        Self.expectRect(c, rect(0, 0, 30, 16), Self.red, margin: 1)
        #expect(!Self.close(c.pixel(30, 8), Self.blue))
    }

    @Test("DATA_SIZED: this frame's size and destination; later DATA frames use the stream's own")
    func sized() throws {
        let c = try makeCanvas(64, 48, fill: Self.grey)
        try c.apply(Self.create(dest: rect(0, 0, 32, 16)))
        let green = try Self.jpeg(16, 16) { _, _ in Self.green }
        let damage = try c.apply(.streamDataSized(D.StreamDataSized(id: 3, multiMediaTime: 5, width: 16, height: 16,
                                                                    destination: rect(32, 16, 32, 32), data: green)))
        #expect(damage == ClientCanvas.Damage(surfaceID: 0, box: rect(32, 16, 32, 32)))
        Self.expectRect(c, rect(32, 16, 32, 32), Self.green, margin: 1)
        Self.expectRect(c, rect(0, 0, 32, 16), Self.grey, margin: 0)
        try c.apply(Self.data(try Self.redBlue()))
        Self.expectRect(c, rect(0, 0, 16, 16), Self.red, margin: 2)
        Self.expectRect(c, rect(16, 0, 16, 16), Self.blue, margin: 2)
        Self.expectRect(c, rect(32, 16, 32, 32), Self.green, margin: 1)
        // A sized frame must decode to its own size.
        #expect(throws: CanvasError.self) {
            try c.apply(.streamDataSized(D.StreamDataSized(id: 3, multiMediaTime: 6, width: 32, height: 16,
                                                           destination: rect(0, 0, 8, 8), data: green)))
        }
    }

    @Test("A destination partly off the surface is cut to it")
    func offSurface() throws {
        let c = try makeCanvas(16, 16)
        try c.apply(Self.create(dest: rect(-16, 8, 32, 16)))
        try c.apply(Self.data(try Self.redBlue()))
        Self.expectRect(c, rect(0, 8, 16, 8), Self.blue, margin: 1)
        Self.expectRect(c, rect(0, 0, 16, 8), 0, margin: 0)
    }

    @Test("DESTROY and DESTROY_ALL end streams; their frames are refused afterwards")
    func destroy() throws {
        let c = try makeCanvas(32, 16)
        try c.apply(Self.create(id: 1, dest: rect(0, 0, 32, 16)))
        try c.apply(Self.create(id: 2, dest: rect(0, 0, 32, 16)))
        try c.apply(.streamDestroy(D.StreamDestroy(id: 1)))
        #expect(c.streams.keys.sorted() == [2])
        #expect(throws: CanvasError.self) { try c.apply(Self.data(id: 1, try Self.redBlue())) }
        try c.apply(.streamDestroy(D.StreamDestroy(id: 1)))  // again: harmless, as in spice-gtk
        try c.apply(Self.data(id: 2, try Self.redBlue()))
        try c.apply(.streamDestroyAll(D.StreamDestroyAll()))
        #expect(c.streams.isEmpty)
        #expect(throws: CanvasError.self) { try c.apply(Self.data(id: 2, try Self.redBlue())) }
        // The id may be used again after its destroy.
        try c.apply(Self.create(id: 2, dest: rect(0, 0, 32, 16)))
        try c.apply(Self.data(id: 2, try Self.redBlue()))
        Self.expectRect(c, rect(0, 0, 16, 16), Self.red, margin: 2)
    }

    @Test("Refused: other codecs, ids out of range, duplicates, unknown ids, missing surface, bad sizes")
    func refusals() throws {
        let c = try makeCanvas(32, 16)
        let dest = rect(0, 0, 32, 16)
        for codec in [D.VideoCodecType.vp8, .h264, .vp9, .h265, D.VideoCodecType(rawValue: 0), D.VideoCodecType(rawValue: 200)] {
            #expect(throws: CanvasError.self) { try c.apply(Self.create(id: 1, codec: codec, dest: dest)) }
        }
        #expect(throws: CanvasError.self) { try c.apply(Self.create(id: ClientCanvas.maxStreams, dest: dest)) }
        #expect(throws: CanvasError.self) { try c.apply(Self.create(id: .max, dest: dest)) }
        #expect(throws: CanvasError.self) { try c.apply(.streamDestroy(D.StreamDestroy(id: .max))) }
        try c.apply(Self.create(id: ClientCanvas.maxStreams - 1, dest: dest))
        #expect(throws: CanvasError.self) { try c.apply(Self.create(id: ClientCanvas.maxStreams - 1, dest: dest)) }  // duplicate
        #expect(throws: CanvasError.self) { try c.apply(Self.data(id: 9, try Self.redBlue())) }
        #expect(throws: CanvasError.self) { try c.apply(.streamClip(D.StreamClip(id: 9, clip: .none))) }
        #expect(throws: CanvasError.self) { try c.apply(Self.create(id: 5, dest: dest, surface: 7)) }
        for size in [(0, 16), (32, 0), (1 << 15 + 1, 1), (1 << 15, 1 << 15)] {
            #expect(throws: CanvasError.self) { try c.apply(Self.create(id: 6, size: size, dest: dest)) }
        }
        #expect(throws: CanvasError.self) { try c.apply(Self.create(id: 6, size: (32, 16), source: (33, 16), dest: dest)) }
        #expect(throws: CanvasError.self) { try c.apply(Self.create(id: 6, size: (32, 16), source: (0, 16), dest: dest)) }
        #expect(throws: CanvasError.self) { try c.apply(Self.create(id: 6, dest: SpiceRect(top: 0, left: 10, bottom: 16, right: 5))) }
        #expect(c.streams.keys.sorted() == [ClientCanvas.maxStreams - 1])
        // The stream is 32×16; a 16×32 or 64×32 frame is refused (the larger one before decoding).
        try c.apply(Self.create(id: 1, dest: dest))
        #expect(throws: CanvasError.self) { try c.apply(Self.data(id: 1, try Self.redOverBlue())) }
        #expect(throws: CanvasError.self) { try c.apply(Self.data(id: 1, try Self.jpeg(64, 32) { _, _ in 0 })) }
        #expect(c.streams[1]?.frames == 0)
        #expect(c.rows([0: "."]).allSatisfy { $0 == String(repeating: ".", count: 32) })
    }

    @Test("Malformed JPEG frames are refused, never a crash")
    func malformed() throws {
        let c = try makeCanvas(32, 16)
        try c.apply(Self.create(id: 1, dest: rect(0, 0, 32, 16)))
        let good = Array(try Self.redBlue().readableBytesView)
        var inputs: [[UInt8]] = [[], [0xFF, 0xD8], [0xFF, 0xD8, 0xFF, 0xD9], Array(repeating: 0xAB, count: 300)]
        for cut in stride(from: 1, to: good.count, by: max(1, good.count / 40)) { inputs.append(Array(good.prefix(cut))) }
        var flipped = good
        for i in stride(from: 20, to: flipped.count, by: 7) { flipped[i] ^= 0x5A }
        inputs.append(flipped)
        var refused = 0
        for bytes in inputs {
            do { try c.apply(Self.data(id: 1, ByteBuffer(bytes: bytes))) } catch is CanvasError { refused += 1 }
        }
        // Truncated JPEGs may still decode (libjpeg-turbo fills the rest); the short ones cannot.
        #expect(refused >= 4)
        try c.apply(Self.data(id: 1, ByteBuffer(bytes: good)))  // the stream still works
        Self.expectRect(c, rect(0, 0, 16, 16), Self.red, margin: 2)
    }

    @Test("Wire round trip: stream messages encoded, decoded by the client's parser, drawn")
    func wire() throws {
        let c = try makeCanvas(64, 32)
        let messages: [D.ServerMessage] = [
            Self.create(dest: rect(0, 0, 64, 32), clip: .rects([rect(0, 0, 64, 32)])),
            Self.data(try Self.redBlue()),
            .streamActivateReport(D.StreamActivateReport(streamID: 3, uniqueID: 1, maxWindowSize: 5, timeoutMs: 1000)),
        ]
        for m in messages {
            let decoded = try D.ServerMessage.decode(type: m.messageType, body: m.encodedBody(), limits: WireLimits())
            #expect(decoded == m)
            try c.apply(decoded)
        }
        Self.expectRect(c, rect(0, 0, 32, 32), Self.red, margin: 3)
        Self.expectRect(c, rect(32, 0, 32, 32), Self.blue, margin: 3)
    }

    @Test("ClientSurface: stream frames land in the primary's snapshot")
    func surfaceSnapshot() throws {
        let surface = ClientSurface()
        try surface.draw(.surfaceCreate(D.SurfaceCreate(surfaceID: 0, width: 32, height: 16, format: .xrgb32, flags: .primary)))
        try surface.draw(Self.create(dest: rect(0, 0, 32, 16)))
        try surface.draw(Self.data(try Self.redBlue()))
        let shot = surface.snapshot()
        #expect(Self.close(shot.pixels[8 * 32 + 4], Self.red) && Self.close(shot.pixels[8 * 32 + 28], Self.blue))
        #expect(shot.pixels.allSatisfy { $0 >> 24 == 0 })
    }
}
