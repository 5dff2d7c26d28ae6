import NIOCore
import SpiceCodecs
import SpiceProtocol

/// Chooses and runs the image codec for each draw of one client, and keeps that client's pixmap
/// cache mirror. Pure: pixels in, an image description out; the channel handler sends it.
struct ImageEncoder {
    /// What the client can take (from its display caps and DISPLAY_INIT).
    struct ClientAbilities: Hashable {
        var lz4: Bool
        var glzWindowPixels: Int
        var pixmapCachePixels: Int
    }

    enum Codec: Equatable {
        case bitmap, quic, lz, glz, lz4, jpeg
    }

    /// What goes in the DRAW_COPY.
    enum Payload: Equatable {
        /// The raw pixels through the fast path, under this image id and flags.
        case bitmap(id: UInt64, flags: DisplayChannel.ImageFlags)
        /// A compressed or cached image.
        case image(DisplayChannel.Image)
    }

    /// The image to put in a DRAW_COPY, and the cache ids the client must drop before it.
    struct Output: Equatable {
        var payload: Payload
        var invalidate: [UInt64]
        var codec: Codec
        var fromCache: Bool
    }

    var policy: ImageCompressionPolicy
    let client: ClientAbilities
    /// The client's GLZ dictionary as the server mirrors it (nil when the client has no window),
    /// made on first use: its hash table (2 MiB) is wasted on a client no image goes to by GLZ.
    private let glzSlot: GLZSlot?
    private(set) var cache: PixmapCacheMirror
    private var nextUncachedID: UInt64 = 1 << 48  // never collides with cache ids
    /// Images smaller than this go out raw (the spice server's limit is 54 bytes).
    static let minCompressBytes = 54
    /// Draws of this size range are worth a cache entry: smaller ones cost more in headers than
    /// they save; larger ones rarely recur exactly (whole windows do, and the GLZ dictionary
    /// catches those) and hashing them would cost on every frame.
    static let minCachePixels = 64
    static let maxCachePixels = 128 * 1024

    init(policy: ImageCompressionPolicy, client: ClientAbilities) {
        self.policy = policy
        self.client = client
        cache = PixmapCacheMirror(capacity: client.pixmapCachePixels)
        glzSlot = client.glzWindowPixels > 0 ? GLZSlot(windowSize: client.glzWindowPixels) : nil
    }

    /// The codec for an image, before trying it. As in the spice server, JPEG (when allowed)
    /// replaces QUIC: it goes wherever QUIC would, so photographic content in the auto modes, and
    /// every image when QUIC is forced.
    func choose(kind: @autoclosure () -> ImageClassifier.Kind, bytes: Int, slowLink: Bool) -> Codec {
        if bytes < Self.minCompressBytes { return .bitmap }
        let lossless: Codec
        switch policy.mode {
        case .off: return .bitmap
        case .lz4: return client.lz4 ? .lz4 : .lz
        case .quic: lossless = .quic
        case .lz: return .lz
        case .glz: return client.glzWindowPixels > 0 ? .glz : .lz
        case .autoGLZ: lossless = kind() == .photographic ? .quic : (client.glzWindowPixels > 0 ? .glz : .lz)
        case .autoLZ: lossless = kind() == .photographic ? .quic : .lz
        }
        return lossless == .quic && policy.jpegWAN.applies(slowLink: slowLink) ? .jpeg : lossless
    }

    /// Encodes `pixels` (32-bit xRGB, top-down, packed rows) of a `width`×`height` draw. The codecs
    /// share the array's storage: no copy of the pixels is made here.
    /// `hot`: the rectangle is redrawn all the time (`HotRegions`): a new image there is not
    /// cached; one already in the cache is still used.
    mutating func encode(_ pixels: [UInt8], width: Int, height: Int, slowLink: Bool, hot: Bool = false) -> Output {
        let area = width * height
        let cacheable = client.pixmapCachePixels > 0 && area >= Self.minCachePixels && area <= Self.maxCachePixels
        let hash = cacheable ? pixels.withUnsafeBytes { PixelHash.hash($0, width: width, height: height) } : nil
        let kind = { pixels.withUnsafeBytes { Self.classify($0, width: width, height: height) } }
        var replacing: UInt64?
        if let hash, let hit = cache.lookup(hash: hash) {
            if !hit.lossy {
                // As the spice server: "lossless" said explicitly whenever lossy entries may exist.
                let content: DisplayChannel.Image.Content = policy.jpegWAN == .never ? .fromCache : .fromCacheLossless
                let image = DisplayChannel.Image(id: hit.id, width: UInt32(width), height: UInt32(height), content: content)
                return Output(payload: .image(image), invalidate: [], codec: .bitmap, fromCache: true)
            }
            // Cached from a JPEG: good enough while this image would go as JPEG anyway; otherwise
            // send it lossless to replace the client's copy under the same id.
            if choose(kind: kind(), bytes: pixels.count, slowLink: slowLink) == .jpeg {
                let image = DisplayChannel.Image(id: hit.id, width: UInt32(width), height: UInt32(height), content: .fromCache)
                return Output(payload: .image(image), invalidate: [], codec: .bitmap, fromCache: true)
            }
            replacing = hit.id
        }
        let codec = replacing != nil ? losslessCodec(kind: kind(), bytes: pixels.count) : choose(kind: kind(), bytes: pixels.count, slowLink: slowLink)
        let image = PixelImage(width: width, height: height, format: .rgb32, data: pixels)
        // A GLZ image joins the client's dictionary, so once encoded it must be sent, whatever its size.
        var content: Compressed?
        if codec != .bitmap, let c = compress(image, codec: codec, slowLink: slowLink), c.bytes < pixels.count || c.joinedDictionary {
            content = c
        }
        if let replacing, let hash {
            cache.markLossless(hash: hash)
            let flags: DisplayChannel.ImageFlags = [.cacheReplaceMe]
            guard let content else {
                return Output(payload: .bitmap(id: replacing, flags: flags), invalidate: [], codec: .bitmap, fromCache: false)
            }
            let image = DisplayChannel.Image(id: replacing, flags: flags, width: UInt32(width), height: UInt32(height), content: content.content)
            return Output(payload: .image(image), invalidate: [], codec: codec, fromCache: false)
        }
        // Uncompressed is smaller or no codec applies: still cached (FROM_CACHE is tiny). A JPEG
        // is cached as lossy, to be replaced once this image must be exact.
        return withCache(content?.content, codec: content == nil ? .bitmap : codec, width: width, height: height,
                         hash: hot ? nil : hash, lossy: content != nil && codec == .jpeg)
    }

    /// The lossless codec the policy would use for this content (JPEG never).
    private func losslessCodec(kind: @autoclosure () -> ImageClassifier.Kind, bytes: Int) -> Codec {
        let codec = choose(kind: kind(), bytes: bytes, slowLink: false)
        return codec == .jpeg ? .quic : codec
    }

    private mutating func withCache(_ content: DisplayChannel.Image.Content?, codec: Codec, width: Int, height: Int,
                                    hash: UInt64?, lossy: Bool) -> Output {
        var id: UInt64
        var flags: DisplayChannel.ImageFlags = []
        var evicted: [UInt64] = []
        if let hash, let slot = cache.insert(hash: hash, pixels: width * height, lossy: lossy) {
            id = slot.id
            evicted = slot.evicted
            flags.insert(.cacheMe)
        } else {
            id = nextUncachedID
            nextUncachedID += 1
        }
        guard let content else {
            return Output(payload: .bitmap(id: id, flags: flags), invalidate: evicted, codec: .bitmap, fromCache: false)
        }
        let image = DisplayChannel.Image(id: id, flags: flags, width: UInt32(width), height: UInt32(height), content: content)
        return Output(payload: .image(image), invalidate: evicted, codec: codec, fromCache: false)
    }

    static func classify(_ pixels: UnsafeRawBufferPointer, width: Int, height: Int) -> ImageClassifier.Kind {
        let words = UnsafeBufferPointer(start: pixels.baseAddress!.assumingMemoryBound(to: UInt32.self), count: width * height)
        return ImageClassifier.classify(pixels: words, width: width, height: height)
    }

    struct Compressed {
        var content: DisplayChannel.Image.Content
        var bytes: Int
        /// The image went into the client's GLZ dictionary and must reach the client.
        var joinedDictionary = false
    }

    /// The codec's payload as image content, or nil when the codec cannot take this image.
    func compress(_ image: PixelImage, codec: Codec, slowLink: Bool) -> Compressed? {
        do {
            switch codec {
            case .lz4:
                let bytes = try SpiceLZ4.encode(image)
                return Compressed(content: .lz4(ByteBuffer(bytes: bytes)), bytes: bytes.count)
            case .jpeg:
                let bytes = try SpiceJPEG.encode(image, quality: policy.jpegQuality)
                return Compressed(content: .jpeg(ByteBuffer(bytes: bytes)), bytes: bytes.count)
            case .quic:
                // QUIC only for images of at least 3x3, as the spice server does.
                guard image.width >= 3, image.height >= 3 else { return compress(image, codec: .lz, slowLink: slowLink) }
                let bytes = try Quic.encode(image)
                return Compressed(content: .quic(ByteBuffer(bytes: bytes)), bytes: bytes.count)
            case .lz:
                let bytes = try LZ.encode(image)
                return Compressed(content: .lzRGB(ByteBuffer(bytes: bytes)), bytes: bytes.count)
            case .glz:
                guard let glz = glzSlot?.dictionary, glz.accepts(pixels: image.width * image.height) else {
                    return compress(image, codec: .lz, slowLink: slowLink)
                }
                let bytes = try GLZEncoder.encode(image, dictionary: glz)
                // On slow links zlib squeezes GLZ further (spice: only outputs of 100 bytes or more).
                if policy.zlibGlzWAN.applies(slowLink: slowLink), bytes.count >= 100,
                   let deflated = try? SpiceZlib.compress(bytes), deflated.count < bytes.count {
                    let z = DisplayChannel.ZlibGlzRGB(glzDataSize: UInt32(bytes.count), data: ByteBuffer(bytes: deflated))
                    return Compressed(content: .zlibGlzRGB(z), bytes: deflated.count, joinedDictionary: true)
                }
                return Compressed(content: .glzRGB(ByteBuffer(bytes: bytes)), bytes: bytes.count, joinedDictionary: true)
            case .bitmap:
                return nil
            }
        } catch {
            return nil
        }
    }
}

/// Holds a GLZ dictionary that is made when first asked for (shared by copies of the encoder,
/// as the dictionary itself is).
final class GLZSlot {
    let windowSize: Int
    private(set) lazy var dictionary = GLZEncoderDictionary(windowSize: windowSize)

    init(windowSize: Int) { self.windowSize = windowSize }
}
