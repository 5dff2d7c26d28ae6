/// The server side of GLZ's global dictionary (spice server `glz-encoder-dict.c`): one per client,
/// shared by its display channels. It keeps the last images that fit in the client's window
/// (`glz_dictionary_window_size` pixels from DISPLAY_INIT), numbers images sequentially from 0 and
/// indexes their pixels in one hash table so later images can reference earlier ones.
///
/// Not thread-safe: callers serialise `GLZEncoder.encode` calls on one dictionary (the reference
/// takes a mutex around the same work).
public final class GLZEncoderDictionary {
    /// One image kept in the window: its pixels as 4-byte B, G, R, X/A in stream order (for an
    /// RGB32 or RGBA image with tight rows, the caller's own array: kept, not copied).
    final class Image {
        let id: UInt64
        /// Position of the first pixel in the dictionary's running pixel count.
        let start: Int
        let count: Int
        /// At least `count * 4` bytes.
        let pixels: [UInt8]

        init(id: UInt64, start: Int, count: Int, pixels: [UInt8]) {
            self.id = id
            self.start = start
            self.count = count
            self.pixels = pixels
        }
    }

    /// Window size in pixels (the reference caps it at 2^25).
    public let windowSize: Int
    /// The id the next encoded image gets.
    public private(set) var nextID: UInt64 = 0
    /// Images that later images may reference, oldest first.
    private(set) var images: [Image] = []
    private var retainedPixels = 0
    /// Running pixel position of the next image's first pixel (set by tests near the limit).
    var nextStart = 0

    /// The default `matchCandidates`: 6 brings the auto policy within 10% of the best codec on
    /// every image of the codec corpus (4 left the desktop at 1.103 of LZ).
    public static let defaultMatchCandidates = 6
    /// Hash buckets (log2); `ways` candidates each, newest first (with more than one, the
    /// reference's CHAINED_HASH idea; with one, its default).
    let hashBits: Int
    let ways: Int
    /// Entries: a running pixel position of a 3-pixel word (low 56 bits) with the tag of its
    /// first pixel's colour above it (`entry(_:tag:)`), or -1.
    let table: UnsafeMutablePointer<Int>
    /// Positions are kept below this, so an entry's tag has room (see `admit`).
    static let positionLimit = 1 << 55
    static let positionMask = (1 << 56) - 1

    /// `matchCandidates` (1...8): how many earlier positions with the same hash the encoder
    /// tries per pixel. 1 is what spice-server does; more find longer matches (smaller output)
    /// at some speed (on the codec corpus 6 instead of 4: 1.4-8% fewer bytes, 5-20% slower).
    public init(windowSize: Int, matchCandidates: Int = defaultMatchCandidates) {
        self.windowSize = max(0, min(windowSize, LZConst.maxWindowSize))
        ways = max(1, min(matchCandidates, 8))
        // Up to 2^18 entries: one candidate gets 2^18 buckets (its output is then within 1.5% of
        // spice-server's on the corpus), two 2^17, three or four 2^16, five to eight 2^15 buckets
        // of `ways` entries each (1.5 MiB for the default 6).
        hashBits = 18 - (ways == 1 ? 0 : ways == 2 ? 1 : ways <= 4 ? 2 : 3)
        table = .allocate(capacity: ways << hashBits)
        table.initialize(repeating: -1, count: ways << hashBits)
    }

    /// How many candidates the encoder tries per position.
    public var matchCandidates: Int { ways }

    deinit { table.deallocate() }

    /// Ids of the images still in the window, oldest first.
    public var retainedIDs: [UInt64] { images.map(\.id) }

    /// Whether an image of `pixels` pixels can go through GLZ at all (else the server uses LZ).
    public func accepts(pixels: Int) -> Bool { pixels > 0 && pixels <= windowSize }

    /// Forgets every image (e.g. when the client's display channels all go away).
    public func reset() {
        images.removeAll()
        retainedPixels = 0
        table.update(repeating: -1, count: ways << hashBits)
    }

    /// Makes room for an image of `count` pixels: retires the oldest images until it fits.
    /// Returns its id, its first running position and `win_head_dist` (id − oldest kept id, 0
    /// when nothing is kept).
    func admit(count: Int) throws(CodecError) -> (id: UInt64, start: Int, winHeadDist: UInt32) {
        guard accepts(pixels: count) else {
            throw CodecError("GLZ", "image of \(count) pixels does not fit the \(windowSize)-pixel window")
        }
        if nextStart + count >= Self.positionLimit {
            // Years of pixels at any rate a display produces; still, positions must fit beside
            // the tag. Forgetting the kept images costs matches, not correctness: the client is
            // told (win_head_dist 0) that it need keep none of them.
            reset()
            nextStart = 0
        }
        var drop = 0
        while retainedPixels + count > windowSize && drop < images.count {
            retainedPixels -= images[drop].count
            drop += 1
        }
        if drop > 0 { images.removeFirst(drop) }
        let id = nextID
        let dist = images.first.map { id - $0.id } ?? 0
        return (id, nextStart, UInt32(truncatingIfNeeded: dist))
    }

    /// Adds the encoded image.
    func commit(id: UInt64, start: Int, count: Int, pixels: [UInt8]) {
        images.append(Image(id: id, start: start, count: count, pixels: pixels))
        retainedPixels += count
        nextID = id + 1
        nextStart = start + count
    }

    /// Seven bits of a pixel's colour (the low bits of blue, which vary most on photo-like
    /// content): an entry whose tag differs from the current pixel's cannot match it, so the
    /// encoder skips it without loading the candidate's pixel (a cache miss, most of the time).
    /// A multiplicative hash of all 24 bits measured the same.
    @inline(__always) static func tag(_ key: UInt32) -> Int { Int(truncatingIfNeeded: key & 0x7F) }

    /// A table entry: `pos` (below `positionLimit`) with `tag` (0..<128) in bits 56-62, so
    /// entries stay non-negative and -1 (empty) never carries a valid tag.
    @inline(__always) static func entry(_ pos: Int, tag: Int) -> Int { tag &<< 56 | pos }

    /// Records running position `pos` (first pixel colour `key`) as the newest candidate of bucket `h`.
    @inline(__always) func insert(_ h: Int, _ pos: Int, key: UInt32) {
        let b = table + h &* ways
        var k = ways &- 1
        while k > 0 {
            b[k] = b[k &- 1]
            k &-= 1
        }
        b[0] = Self.entry(pos, tag: Self.tag(key))
    }

    /// The image before the newest, for a first guess that a new image repeats it in place.
    var newest: Image? { images.last }

    /// The kept image holding running position `pos` (nil once it has been retired).
    @inline(__always) func locate(_ pos: Int) -> Image? {
        guard let first = images.first, pos >= first.start, pos < nextStart else { return nil }
        var lo = 0, hi = images.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if images[mid].start <= pos { lo = mid } else { hi = mid - 1 }
        }
        let img = images[lo]
        return pos < img.start + img.count ? img : nil
    }
}
