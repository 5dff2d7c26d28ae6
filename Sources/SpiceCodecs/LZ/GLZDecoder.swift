/// The client side of GLZ (spice-gtk `decode-glz.c`, `decode-glz-tmpl.c`): a window of decoded
/// images by id that later images reference.

/// A GLZ image referenced an image the window does not hold. spice-gtk waits for another display
/// channel to decode it; callers may retry once that image has been decoded, or give up.
public struct GLZMissingImage: Error, Hashable, Sendable, CustomStringConvertible {
    /// The image that is missing.
    public var missingID: UInt64
    /// The image whose stream referenced it.
    public var imageID: UInt64
    public var description: String { "GLZ: image \(imageID) references image \(missingID), not in the window" }
}

/// Decoded GLZ images kept for later references. Not thread-safe: one per client session,
/// used by one decoder at a time (the display channels of a session share it).
public final class GLZDecoderWindow {
    final class Stored {
        let id: UInt64
        let winHeadDist: UInt64
        let count: Int
        /// 4-byte pixels in stream order.
        let pixels: UnsafeMutablePointer<UInt8>

        init(id: UInt64, winHeadDist: UInt64, count: Int) {
            self.id = id
            self.winHeadDist = winHeadDist
            self.count = count
            // Not zeroed: a decode that succeeds has written every byte (each layout GLZ uses
            // writes all 4 bytes of a pixel, and references only reach written pixels); one
            // that fails is dropped unread.
            pixels = .allocate(capacity: max(count, 1) * 4)
        }

        deinit { pixels.deallocate() }
    }

    private var images: [UInt64: Stored] = [:]
    /// The lowest id not yet decoded (images below it form no gap); spice-gtk's `tail_gap`.
    private var tailGap: UInt64 = 0
    private var retainedPixels = 0
    /// Upper bound on kept pixels whatever the server says (oldest images go first).
    public let maxRetainedPixels: Int

    /// `maxRetainedPixels` defaults to twice the largest window a server may use.
    public init(maxRetainedPixels: Int = 1 << 26) {
        self.maxRetainedPixels = maxRetainedPixels
    }

    /// Ids of the images held, ascending.
    public var retainedIDs: [UInt64] { images.keys.sorted() }

    public func contains(_ id: UInt64) -> Bool { images[id] != nil }

    public func clear() {
        images.removeAll()
        tailGap = 0
        retainedPixels = 0
    }

    /// Decodes a GLZ_RGB stream (RGB32, RGB24, RGB16 or RGBA) to rgb32 (rgba for RGBA), rows in
    /// stream order, keeps it for later references and frees images older than
    /// `id − win_head_dist` once no earlier image is missing.
    /// Throws `GLZMissingImage` for a reference to an image not held, `CodecError` otherwise.
    public func decode(_ bytes: [UInt8], maxPixels: Int = maxDecodedPixels) throws -> PixelImage {
        try bytes.withUnsafeBytes { try decode($0, maxPixels: maxPixels) { $0.image } }
    }

    /// Decodes like `decode(_:maxPixels:)`, reading the stream in place, and hands `body` the
    /// decoded pixels where the window keeps them: no copy unless the caller makes one.
    public func decode<R>(_ bytes: UnsafeRawBufferPointer, maxPixels: Int = maxDecodedPixels,
                          _ body: (PixelView) throws -> R) throws -> R {
        let codec = "GLZ"
        var cur = ByteCursor(bytes.assumingMemoryBound(to: UInt8.self), codec: codec)
        try cur.lzPreamble()
        let typeByte = try cur.u8()
        let w = try cur.u32(), h = try cur.u32(), s = try cur.u32()
        let id = try cur.u64()
        let winHeadDist = try cur.u32()
        let g = try LZGeometry(codec: codec, rawType: UInt32(typeByte & 0x0F), width: w, height: h, stride: s,
                               topDown: typeByte >> 4 != 0, maxPixels: maxPixels)
        guard [.rgb32, .rgb24, .rgb16, .rgba].contains(g.type) else {
            throw CodecError(codec, "unsupported GLZ image type \(g.type)")
        }
        let img = Stored(id: id, winHeadDist: UInt64(winHeadDist), count: g.units)
        switch g.type {
        case .rgb16:
            try run(UnitRGB16To32.self, &cur, img: img, bias: 1)
        case .rgba:
            try run(UnitRGB32.self, &cur, img: img, bias: 0)
            try run(UnitAlpha.self, &cur, img: img, bias: 2)
        default:
            try run(UnitRGB32.self, &cur, img: img, bias: 0)
        }
        add(img)
        return try body(PixelView(width: g.width, height: g.height, stride: g.width * 4, format: g.type == .rgba ? .rgba : .rgb32,
                                  topDown: g.topDown, bytes: UnsafeRawBufferPointer(start: img.pixels, count: img.count * 4)))
    }

    private func add(_ img: Stored) {
        if images.isEmpty { tailGap = max(tailGap, img.id &- min(img.winHeadDist, img.id)) }
        if let old = images[img.id] { retainedPixels -= old.count }
        images[img.id] = img
        retainedPixels += img.count
        while images[tailGap] != nil && tailGap < UInt64.max { tailGap += 1 }
        if tailGap > 0, let last = images[tailGap - 1] {
            let oldest = last.id - min(last.winHeadDist, last.id)
            for id in images.keys where id < oldest {
                retainedPixels -= images[id]!.count
                images[id] = nil
            }
        }
        // Hard bound against a server that never lets images go.
        if retainedPixels > maxRetainedPixels {
            for id in images.keys.sorted() where retainedPixels > maxRetainedPixels && id != img.id {
                retainedPixels -= images[id]!.count
                images[id] = nil
            }
        }
    }

    /// The GLZ control-byte loop over one pass of `img`.
    private func run<L: LZUnitLayout>(_ layout: L.Type, _ cur: inout ByteCursor, img: Stored, bias: Int) throws {
        let units = img.count
        let out = img.pixels
        let ob = L.outBytes
        var op = 0
        while op < units {
            let ctrl = try cur.u8()
            if ctrl >= LZConst.maxCopy {
                var len = ctrl >> 5
                var pixelOfs = ctrl & 0x0F
                if len == 7 {
                    var code: Int
                    repeat {
                        code = try cur.u8()
                        len += code
                    } while code == 255
                }
                pixelOfs += try cur.u8() << 4
                let code = try cur.u8()
                let extra = code >> 6
                var imageDist = 0
                if ctrl & 0x10 == 0 {
                    imageDist = code & 0x3F
                    for i in 0..<extra { imageDist += try cur.u8() << (6 + 8 * i) }
                } else {
                    pixelOfs += (code & 0x1F) << 12
                    for i in 0..<extra { imageDist += try cur.u8() << (8 * i) }
                    if code & 0x20 != 0 { pixelOfs += try cur.u8() << 17 }
                }
                len += bias
                guard len <= units - op else {
                    throw CodecError(cur.codec, "match of \(len) overruns the image at pixel \(op)")
                }
                if imageDist == 0 {
                    pixelOfs += 1
                    guard pixelOfs <= op else {
                        throw CodecError(cur.codec, "reference \(pixelOfs) back from pixel \(op)")
                    }
                    LZCopy.copy(L.self, src: out + (op - pixelOfs) * ob, dst: out + op * ob, len: len)
                } else {
                    guard UInt64(imageDist) <= img.id else {
                        throw CodecError(cur.codec, "image distance \(imageDist) before image 0")
                    }
                    let refID = img.id - UInt64(imageDist)
                    guard let ref = images[refID] else { throw GLZMissingImage(missingID: refID, imageID: img.id) }
                    guard pixelOfs <= ref.count && len <= ref.count - pixelOfs else {
                        throw CodecError(cur.codec, "reference past the end of image \(refID)")
                    }
                    LZCopy.copy(L.self, src: ref.pixels + pixelOfs * 4, dst: out + op * ob, len: len)
                }
                op += len
            } else {
                let n = ctrl + 1
                guard n <= units - op else {
                    throw CodecError(cur.codec, "literal run of \(n) overruns the image at pixel \(op)")
                }
                try LZCopy.literals(L.self, &cur, n: n, out: out, op: op)
                op += n
            }
        }
    }
}
