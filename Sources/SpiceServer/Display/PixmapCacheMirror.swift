/// The server's exact mirror of one client's pixmap cache (SPICE CACHE_ME / FROM_CACHE).
///
/// The client stores whatever it is told to and frees only what it is told to (INVAL_LIST), so
/// the server does the accounting: entries are keyed by a content hash, sized in pixels against
/// the size the client gave in DISPLAY_INIT, and evicted least-recently-used first. An entry
/// cached from a JPEG is lossy (the client knows so from the image type) until replaced by its
/// lossless version (CACHE_REPLACE_ME).
struct PixmapCacheMirror {
    struct Entry {
        var id: UInt64
        var pixels: Int
        var lastUse: UInt64
        var lossy: Bool
    }

    let capacity: Int
    private(set) var used = 0
    private var byHash: [UInt64: Entry] = [:]
    private var clock: UInt64 = 0
    private var nextID: UInt64 = 1

    /// `capacity` in pixels; 0 disables caching.
    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    var count: Int { byHash.count }

    /// The cached id for this content, marking it used.
    mutating func lookup(hash: UInt64) -> Entry? {
        guard var e = byHash[hash] else { return nil }
        clock += 1
        e.lastUse = clock
        byHash[hash] = e
        return e
    }

    /// Reserves room for an image and returns its new id plus the ids the client must drop first
    /// (send them in INVAL_LIST before the image). Nil when the image is bigger than the cache.
    mutating func insert(hash: UInt64, pixels: Int, lossy: Bool = false) -> (id: UInt64, evicted: [UInt64])? {
        guard pixels > 0, pixels <= capacity / 4 else { return nil }  // a single huge image would flush everything
        if let existing = byHash[hash] { return (existing.id, []) }
        var evicted: [UInt64] = []
        while used + pixels > capacity, let victim = byHash.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            byHash[victim.key] = nil
            used -= victim.value.pixels
            evicted.append(victim.value.id)
        }
        clock += 1
        let id = nextID
        nextID += 1
        byHash[hash] = Entry(id: id, pixels: pixels, lastUse: clock, lossy: lossy)
        used += pixels
        return (id, evicted)
    }

    /// The client's copy became lossless (a CACHE_REPLACE_ME image was sent).
    mutating func markLossless(hash: UInt64) {
        byHash[hash]?.lossy = false
    }

    /// Forget everything (after INVAL_ALL_PIXMAPS).
    mutating func removeAll() {
        byHash.removeAll()
        used = 0
    }
}

/// A 64-bit content hash of pixel bytes (xxHash64's structure): a collision would show a wrong
/// tile, so the mixing is strong. Four independent lanes over 32-byte stripes, because one chain
/// of multiplies ran at ~2.4 GB/s and hashing every cacheable band was ~8% of the server's CPU on
/// a full-frame animation.
enum PixelHash {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { x << k | x >> (64 - k) }

    @inline(__always) private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* p2, 31) &* p1
    }

    @inline(__always) private static func merge(_ h: UInt64, _ lane: UInt64) -> UInt64 {
        (h ^ round(0, lane)) &* p1 &+ p4
    }

    static func hash(_ bytes: UnsafeRawBufferPointer, width: Int, height: Int) -> UInt64 {
        let seed = p1 &* UInt64(truncatingIfNeeded: width) ^ p2 &* UInt64(truncatingIfNeeded: height)
        let n = bytes.count
        var i = 0
        var h: UInt64
        if n >= 32 {
            var v1 = seed &+ p1 &+ p2, v2 = seed &+ p2, v3 = seed, v4 = seed &- p1
            while i + 32 <= n {
                v1 = round(v1, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                v2 = round(v2, bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
                v3 = round(v3, bytes.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self))
                v4 = round(v4, bytes.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self))
                i += 32
            }
            h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            h = merge(merge(merge(merge(h, v1), v2), v3), v4)
        } else {
            h = seed &+ p5
        }
        h = h &+ UInt64(truncatingIfNeeded: n)
        while i + 8 <= n {
            h ^= round(0, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            h = rotl(h, 27) &* p1 &+ p4
            i += 8
        }
        while i < n {
            h ^= UInt64(bytes[i]) &* p5
            h = rotl(h, 11) &* p1
            i += 1
        }
        h ^= h >> 33
        h = h &* p2
        h ^= h >> 29
        h = h &* p3
        return h ^ (h >> 32)
    }
}
