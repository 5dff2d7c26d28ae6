import NIOCore
import SpiceCodecs
import SpiceProtocol

extension ClientCanvas {
    /// Pixels of a SPICE image: from the wire through our decoders, the pixmap cache, or another
    /// surface; cached when the server asked (CACHE_ME / CACHE_REPLACE_ME).
    func image(_ image: DisplayChannel.Image) throws -> CanvasImage {
        let pixels: CanvasImage
        var lossy = false
        if let decoded = try decodeCompressed(image) {
            pixels = try canvasImage(decoded.pixels)
            lossy = decoded.lossy
        } else {
            switch image.content {
            case .bitmap(let b):
                pixels = try canvasImage(fromBitmap: b)
            case .fromCache, .fromCacheLossless:
                guard let cached = pixmaps[image.id] else { throw CanvasError("image \(image.id) is not in the pixmap cache") }
                if case .fromCacheLossless = image.content, cached.lossy {
                    throw CanvasError("image \(image.id) is lossy in the cache but the draw needs it lossless")
                }
                return cached.image
            case .surface(let id):
                return try surface(id)
            default:
                throw CanvasError("image type \(image.type) has no pixels")  // every compressed type is decoded above
            }
        }
        if image.flags.contains(.cacheMe) {
            pixmaps[image.id] = (pixels, lossy)
        } else if image.flags.contains(.cacheReplaceMe) {
            guard !lossy else { throw CanvasError("image \(image.id): a lossy image cannot replace a cached one") }
            guard pixmaps[image.id] != nil else { throw CanvasError("image \(image.id) to replace is not in the pixmap cache") }
            pixmaps[image.id] = (pixels, false)
        }
        return pixels
    }

    /// A compressed image through our decoders, and whether its codec is lossy; nil for
    /// bitmaps and references (pixmap cache, surfaces).
    func decodeCompressed(_ image: DisplayChannel.Image) throws -> (pixels: PixelImage, lossy: Bool)? {
        switch image.content {
        case .lz4(let data):
            return (try SpiceLZ4.decode(bytes(data), width: Int(image.width), height: Int(image.height), maxPixels: maxImagePixels), false)
        case .jpeg(let data):
            return (try SpiceJPEG.decode(bytes(data), maxPixels: maxImagePixels), true)
        case .jpegAlpha(let ja):
            return (try SpiceJPEGAlpha.decode(bytes(ja.data), jpegSize: Int(ja.jpegSize), maxPixels: maxImagePixels), true)
        case .quic(let data):
            return (try data.withUnsafeReadableBytes { try Quic.decode($0, maxPixels: maxImagePixels) }, false)
        case .lzRGB(let data):
            return (try LZ.decode(bytes(data), maxPixels: maxImagePixels), false)
        case .lzPLT(let plt):
            let palette = try self.palette(plt.palette, flags: plt.flags)
            return (try LZ.decode(bytes(plt.data), palette: palette, maxPixels: maxImagePixels), false)
        case .glzRGB, .zlibGlzRGB:
            return (try glz(image.content) { $0.image }!, false)
        case .bitmap, .fromCache, .fromCacheLossless, .surface:
            return nil
        }
    }

    /// A GLZ image (plain or inside zlib) decoded into the session's GLZ window, handed to `body`
    /// where the window keeps it; nil for any other content.
    private func glz<R>(_ content: DisplayChannel.Image.Content, _ body: (PixelView) throws -> R) throws -> R? {
        switch content {
        case .glzRGB(let data):
            return try data.withUnsafeReadableBytes { try glzWindow.decode($0, maxPixels: maxImagePixels, body) }
        case .zlibGlzRGB(let z):
            let glz = try SpiceZlib.decompress(bytes(z.data), expectedSize: Int(z.glzDataSize), maxSize: maxImagePixels * 4)
            return try glz.withUnsafeBytes { try glzWindow.decode($0, maxPixels: maxImagePixels, body) }
        default:
            return nil
        }
    }

    /// What `copyDirect` did.
    enum DirectCopy {
        /// Drawn onto the surface.
        case drawn
        /// Decoded to a layout rows cannot be copied from: the general path draws this.
        case decoded(CanvasImage)
        /// Not such a draw; nothing was consumed.
        case notApplicable
    }

    /// DRAW_COPY with a plain copy, unscaled, of an image nobody keeps (no CACHE_ME): rows go
    /// from the message (32-bit bitmaps) or from the decoder's output straight onto the
    /// surface, without an intermediate canvas image.
    func copyDirect(base: DisplayChannel.DisplayBase, source: DisplayChannel.Image, area: SpiceRect,
                    mask: DisplayChannel.QMask) throws -> DirectCopy {
        guard source.flags.isDisjoint(with: [.cacheMe, .cacheReplaceMe]), mask.bitmap == nil,
              area.spanX == base.box.spanX, area.spanY == base.box.spanY, let format = surfaces[base.surfaceID]?.format,
              format == .xrgb || format == .argb else { return .notApplicable }
        if case .bitmap(let b) = source.content {
            guard b.format == .thirtyTwoBit || b.format == .rgba else { return .notApplicable }
            let w = Int(b.width), h = Int(b.height), stride = Int(b.stride)
            try checkGeometry(width: w, height: h, stride: stride, rowBytes: w * 4, dataCount: b.data.readableBytes)
            try b.data.withUnsafeReadableBytes { raw in
                try copyRows(raw, width: w, height: h, stride: stride, topDown: b.flags.contains(.topDown), alpha: b.format == .rgba,
                             base: base, area: area)
            }
            return .drawn
        }
        if case .quic(let data) = source.content, try quicIntoSurface(data, base: base, area: area) { return .drawn }
        // GLZ keeps the decoded image in its window: rows go from there onto the surface.
        if try glz(source.content, { view in
            try copyRows(view.bytes, width: view.width, height: view.height, stride: view.stride, topDown: view.topDown,
                         alpha: view.format == .rgba, base: base, area: area)
        }) != nil { return .drawn }
        guard let decoded = try decodeCompressed(source)?.pixels else { return .notApplicable }
        guard decoded.format == .rgb32 || decoded.format == .rgba else { return .decoded(try canvasImage(decoded)) }
        try decoded.data.withUnsafeBytes { raw in
            try copyRows(raw, width: decoded.width, height: decoded.height, stride: decoded.stride, topDown: decoded.topDown,
                         alpha: decoded.format == .rgba, base: base, area: area)
        }
        return .drawn
    }

    /// A 32-bit QUIC image covering the whole, unclipped box decodes straight into the surface's
    /// rows: no decoded image to allocate, fill and copy (QUIC is the codec of full-screen
    /// photographic updates, where that copy is a measurable part of a frame). False when the
    /// draw is not such a case; the caller then takes the general path.
    private func quicIntoSurface(_ data: ByteBuffer, base: DisplayChannel.DisplayBase, area: SpiceRect) throws -> Bool {
        try data.withUnsafeReadableBytes { raw in
            let header = try Quic.header(raw, maxPixels: maxImagePixels)
            guard header.format == .rgb32 || header.format == .rgba, area.left == 0, area.top == 0,
                  Int(area.right) == header.width, Int(area.bottom) == header.height else { return false }
            return try withSurface(base.surfaceID) { s in
                // An RGB32 image's 4th byte is 0: fine on an xRGB surface, not on an ARGB one.
                guard s.format == .xrgb || header.format == .rgba,
                      try region(base, on: s).coversAll(of: base.box) else { return false }
                let width = s.width
                try s.pixels.withUnsafeMutableBufferPointer { pixels in
                    let origin = pixels.baseAddress! + Int(base.box.top) * width + Int(base.box.left)
                    try quicDecoder.decode(raw, header, into: UnsafeMutableRawPointer(origin), stride: width * 4)
                }
                return true
            }
        }
    }

    /// `area` of 32-bit rows onto `base.box` of its surface (same size), through its clip.
    private func copyRows(_ raw: UnsafeRawBufferPointer, width w: Int, height h: Int, stride: Int, topDown: Bool, alpha: Bool,
                          base: DisplayChannel.DisplayBase, area: SpiceRect) throws {
        guard w > 0, h > 0, w * h <= maxImagePixels, stride >= w * 4, raw.count >= stride * (h - 1) + w * 4 else {
            throw CanvasError("image of \(w)x\(h) is out of range")
        }
        try checkArea(area, width: w, height: h)
        try withSurface(base.surfaceID) { s in
            copyRows32(raw, width: w, height: h, stride: stride, topDown: topDown, alpha: alpha,
                       dx: Int(area.left) - Int(base.box.left), dy: Int(area.top) - Int(base.box.top),
                       region: try region(base, on: s, mask: nil), on: &s)
        }
    }

    /// A 1-bit mask (QMask bitmaps, from the wire or the cache; or a surface), as A1.
    func mask(_ image: DisplayChannel.Image) throws -> CanvasImage {
        switch image.content {
        case .bitmap(let b) where b.format == .oneBitLE || b.format == .oneBitBE:
            let w = Int(b.width), h = Int(b.height), stride = Int(b.stride)
            try checkGeometry(width: w, height: h, stride: stride, rowBytes: (w + 7) / 8, dataCount: b.data.readableBytes)
            let data = bytes(b.data)
            var out = CanvasImage(width: w, height: h, format: .a1)
            let topDown = b.flags.contains(.topDown)
            for y in 0..<h {
                let row = (topDown ? y : h - 1 - y) * stride
                for x in 0..<w {
                    let byte = data[row + x / 8]
                    let bit = b.format == .oneBitLE ? (byte >> (x & 7)) & 1 : (byte >> (7 - (x & 7))) & 1
                    if bit != 0 { out.pixels[y * w + x] = 0xFF00_0000 }
                }
            }
            if image.flags.contains(.cacheMe) { pixmaps[image.id] = (out, false) }
            return out
        default:
            var m = try self.image(image)
            if m.format != .a1 && m.format != .a8 {
                for i in m.pixels.indices { m.pixels[i] = m.pixels[i] & 0xFF_FFFF != 0 ? 0xFF00_0000 : 0 }
                m.format = .a1
            }
            return m
        }
    }

    /// The palette of a palette image: inline (cached when PAL_CACHE_ME) or from the cache.
    func palette(_ source: DisplayChannel.PaletteSource, flags: DisplayChannel.BitmapFlags) throws -> [UInt32]? {
        switch source {
        case .none:
            return nil
        case .inline(let p):
            if flags.contains(.palCacheMe) { palettes[p.unique] = p.entries }
            return p.entries
        case .cached(let id):
            guard let p = palettes[id] else { throw CanvasError("palette \(id) is not in the palette cache") }
            return p
        }
    }

    func checkGeometry(width: Int, height: Int, stride: Int, rowBytes: Int, dataCount: Int) throws {
        guard width > 0, height > 0, width <= 1 << 15, height <= 1 << 15, width * height <= maxImagePixels else {
            throw CanvasError("bitmap of \(width)x\(height) is out of range")
        }
        guard stride >= rowBytes, dataCount >= stride * (height - 1) + rowBytes else {
            throw CanvasError("bitmap data (\(dataCount) bytes, stride \(stride)) is too short for \(width)x\(height)")
        }
    }

    func canvasImage(fromBitmap b: DisplayChannel.Bitmap) throws -> CanvasImage {
        let format: PixelFormat
        switch b.format {
        case .oneBitLE: format = .plt1LE
        case .oneBitBE: format = .plt1BE
        case .fourBitLE: format = .plt4LE
        case .fourBitBE: format = .plt4BE
        case .eightBit: format = .plt8
        case .sixteenBit: format = .rgb16
        case .twentyFourBit: format = .rgb24
        case .thirtyTwoBit: format = .rgb32
        case .rgba: format = .rgba
        case .eightBitA: format = .a8
        default: throw CanvasError("bitmap format \(b.format.rawValue) is unknown")
        }
        let w = Int(b.width), h = Int(b.height), stride = Int(b.stride)
        try checkGeometry(width: w, height: h, stride: stride, rowBytes: format.rowBytes(width: w), dataCount: b.data.readableBytes)
        if format == .rgb32 || format == .rgba {
            // 32-bit bitmaps (every uncompressed frame): rows straight from the message, one copy.
            return try b.data.withUnsafeReadableBytes { raw in
                try rows32(raw, width: w, height: h, stride: stride, topDown: b.flags.contains(.topDown), alpha: format == .rgba)
            }
        }
        let palette = try self.palette(b.palette, flags: b.flags)
        let isPalette = [.plt1LE, .plt1BE, .plt4LE, .plt4BE, .plt8].contains(format)
        if isPalette && (palette?.isEmpty ?? true) { throw CanvasError("palette bitmap without a palette") }
        let image = PixelImage(width: w, height: h, stride: stride, format: format, topDown: b.flags.contains(.topDown),
                               data: bytes(b.data), palette: palette)
        return try canvasImage(image)
    }

    /// Our decoders' output as canvas pixels (top-down, one `UInt32` per pixel).
    func canvasImage(_ image: PixelImage) throws -> CanvasImage {
        let w = image.width, h = image.height
        guard w > 0, h > 0, w * h <= maxImagePixels else { throw CanvasError("image of \(w)x\(h) is out of range") }
        if image.format == .a8 {
            guard image.stride >= w, image.data.count >= image.stride * (h - 1) + w else { throw CanvasError("A8 image data is too short") }
            var out = CanvasImage(width: w, height: h, format: .a8)
            for y in 0..<h {
                let row = image.rowOffset(visualRow: y)
                for x in 0..<w { out.pixels[y * w + x] = UInt32(image.data[row + x]) << 24 }
            }
            return out
        }
        let rgb = try image.expandedToRGB32()
        guard rgb.stride >= w * 4, rgb.data.count >= rgb.stride * (h - 1) + w * 4 else { throw CanvasError("image data is too short") }
        return try rgb.data.withUnsafeBytes { raw in
            try rows32(raw, width: w, height: h, stride: rgb.stride, topDown: rgb.topDown, alpha: rgb.format == .rgba)
        }
    }

    /// 32-bit little-endian xRGB/ARGB rows (`stride` apart, bottom-up unless `topDown`) as a
    /// canvas image: a row copy each on little-endian machines.
    func rows32(_ raw: UnsafeRawBufferPointer, width w: Int, height h: Int, stride: Int, topDown: Bool, alpha: Bool) throws -> CanvasImage {
        guard w > 0, h > 0, w * h <= maxImagePixels else { throw CanvasError("image of \(w)x\(h) is out of range") }
        guard stride >= w * 4, raw.count >= stride * (h - 1) + w * 4, let base = raw.baseAddress else {
            throw CanvasError("image data is too short")
        }
        let pixels = [UInt32](unsafeUninitializedCapacity: w * h) { px, count in
            for y in 0..<h {
                let row = (topDown ? y : h - 1 - y) * stride
                #if _endian(little)
                (px.baseAddress! + y * w).withMemoryRebound(to: UInt8.self, capacity: w * 4) { dst in
                    dst.update(from: (base + row).assumingMemoryBound(to: UInt8.self), count: w * 4)
                }
                #else
                for x in 0..<w { px[y * w + x] = raw.loadUnaligned(fromByteOffset: row + x * 4, as: UInt32.self).littleEndian }
                #endif
            }
            count = w * h
        }
        return CanvasImage(width: w, height: h, format: alpha ? .argb : .xrgb, pixels: pixels)
    }

    func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }
}
