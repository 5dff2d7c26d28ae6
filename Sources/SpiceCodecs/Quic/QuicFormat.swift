/// QUIC (SPICE's SFALIC-derived lossless image codec): stream constants and the code family
/// tables. The numbers here are format facts (they must match spice-common bit for bit).

/// The image types a QUIC stream can carry (header word 3).
public enum QuicImageType: UInt32, Sendable {
    case gray = 1, rgb16 = 2, rgb24 = 3, rgb32 = 4, rgba = 5

    /// Coded colour channels (the alpha plane of RGBA is a separate group).
    var colourChannels: Int { self == .gray ? 1 : 3 }
    /// Bits per coded channel sample.
    var bitsPerChannel: Int { self == .rgb16 ? 5 : 8 }

    /// What the decoder gives for this type: RGB16 with bit 15 zero, RGB32 with X byte 0.
    public var pixelFormat: PixelFormat {
        switch self {
        case .gray: .gray8
        case .rgb16: .rgb16
        case .rgb24: .rgb24
        case .rgb32: .rgb32
        case .rgba: .rgba
        }
    }
}

/// SPICE's QUIC codec. `encode` and `decode` live in QuicEncoder.swift and QuicDecoder.swift.
public enum Quic {
    static let magic: UInt32 = 0x4349_5551  // "QUIC" little-endian
    static let version: UInt32 = 0
    @inlinable static var headerWords: Int { 5 }
    @inlinable static var codecName: String { "QUIC" }
}

/// Model constants (quic.c: DEFevol 3, DEFmaxclen 26, DEFwmimax 6, DEFwminext 2048, 32 MELCODE states).
@usableFromInline enum QuicConst {
    static let maxCodewordLength = 26
    @inlinable static var waitMaskIndexMax: Int { 6 }
    @inlinable static var waitMaskIndexNext: Int { 2048 }
    @inlinable static var melcStates: Int { 32 }
    static let bucketsPerChannel = 8  // 8 for 8 bpc, 5 used for 5 bpc
    static let countersPerBucket = 8

    /// MELCODE state → remainder length J[state] (0,0,0,0,1,1,1,1,2,2,2,2,3,3,3,3,4,4,5,5,6,6,7,7,8..15).
    @inlinable @inline(__always) static func melcJ(_ state: Int) -> Int {
        if state < 16 { return state >> 2 }
        if state < 24 { return ((state - 16) >> 1) + 4 }
        return state - 16
    }

    /// wm_trigger for DEFevol 3 by wait mask index (besttrigtab[1]).
    static let waitMaskTrigger: [UInt32] = [110, 550, 900, 800, 550, 400, 350, 250, 140, 160, 140]
}

/// tabrand_chaos: the pseudo-random table that drives the model update schedule.
let quicTabrandChaos: [UInt32] = [
    0x02c57542, 0x35427717, 0x2f5a2153, 0x9244f155, 0x7bd26d07, 0x354c6052, 0x57329b28, 0x2993868e,
    0x6cd8808c, 0x147b46e0, 0x99db66af, 0xe32b4cac, 0x1b671264, 0x9d433486, 0x62a4c192, 0x06089a4b,
    0x9e3dce44, 0xdaabee13, 0x222425ea, 0xa46f331d, 0xcd589250, 0x8bb81d7f, 0xc8b736b9, 0x35948d33,
    0xd7ac7fd0, 0x5fbe2803, 0x2cfbc105, 0x013dbc4e, 0x7a37820f, 0x39f88e9e, 0xedd58794, 0xc5076689,
    0xfcada5a4, 0x64c2f46d, 0xb3ba3243, 0x8974b4f9, 0x5a05aebd, 0x20afcd00, 0x39e2b008, 0x88a18a45,
    0x600bde29, 0xf3971ace, 0xf37b0a6b, 0x7041495b, 0x70b707ab, 0x06beffbb, 0x4206051f, 0xe13c4ee3,
    0xc1a78327, 0x91aa067c, 0x8295f72a, 0x732917a6, 0x1d871b4d, 0x4048f136, 0xf1840e7e, 0x6a6048c1,
    0x696cb71a, 0x7ff501c3, 0x0fc6310b, 0x57e0f83d, 0x8cc26e74, 0x11a525a2, 0x946934c7, 0x7cd888f0,
    0x8f9d8604, 0x4f86e73b, 0x04520316, 0xdeeea20c, 0xf1def496, 0x67687288, 0xf540c5b2, 0x22401484,
    0x3478658a, 0xc2385746, 0x01979c2c, 0x5dad73c8, 0x0321f58b, 0xf0fedbee, 0x92826ddf, 0x284bec73,
    0x5b1a1975, 0x03df1e11, 0x20963e01, 0xa17cf12b, 0x740d776e, 0xa7a6bf3c, 0x01b5cce4, 0x1118aa76,
    0xfc6fac0a, 0xce927e9b, 0x00bf2567, 0x806f216c, 0xbca69056, 0x795bd3e9, 0xc9dc4557, 0x8929b6c2,
    0x789d52ec, 0x3f3fbf40, 0xb9197368, 0xa38c15b5, 0xc3b44fa8, 0xca8333b0, 0xb7e8d590, 0xbe807feb,
    0xbf5f8360, 0xd99e2f5c, 0x372928e1, 0x7c757c4c, 0x0db5b154, 0xc01ede02, 0x1fc86e78, 0x1f3985be,
    0xb4805c77, 0x00c880fa, 0x974c1b12, 0x35ab0214, 0xb2dc840d, 0x5b00ae37, 0xd313b026, 0xb260969d,
    0x7f4c8879, 0x1734c4d3, 0x49068631, 0xb9f6a021, 0x6b863e6f, 0xcee5debf, 0x29f8c9fb, 0x53dd6880,
    0x72b61223, 0x1f67a9fd, 0x0a0f6993, 0x13e59119, 0x11cca12e, 0xfe6b6766, 0x16b6effc, 0x97918fc4,
    0xc2b8a563, 0x94f2f741, 0x0bfa8c9a, 0xd1537ae8, 0xc1da349c, 0x873c60ca, 0x95005b85, 0x9b5c080e,
    0xbc8abbd9, 0xe1eab1d2, 0x6dac9070, 0x4ea9ebf1, 0xe0cf30d4, 0x1ef5bd7b, 0xd161043e, 0x5d2fa2e2,
    0xff5d3cae, 0x86ed9f87, 0x2aa1daa1, 0xbd731a34, 0x9e8f4b22, 0xb1c2c67a, 0xc21758c9, 0xa182215d,
    0xccb01948, 0x8d168df7, 0x04238cfe, 0x368c3dbc, 0x0aeadca5, 0xbad21c24, 0x0a71fee5, 0x9fc5d872,
    0x54c152c6, 0xfc329483, 0x6783384a, 0xeddb3e1c, 0x65f90e30, 0x884ad098, 0xce81675a, 0x4b372f7d,
    0x68bf9a39, 0x43445f1e, 0x40f8d8cb, 0x90d5acb6, 0x4cd07282, 0x349eeb06, 0x0c9d5332, 0x520b24ef,
    0x80020447, 0x67976491, 0x2f931ca3, 0xfe9b0535, 0xfcd30220, 0x61a9e6cc, 0xa487d8d7, 0x3f7c5dd1,
    0x7d0127c5, 0x48f51d15, 0x60dea871, 0xc9a91cb7, 0x58b53bb3, 0x9d5e0b2d, 0x624a78b4, 0x30dbee1b,
    0x9bdf22e7, 0x1df5c299, 0x2d5643a7, 0xf4dd35ff, 0x03ca8fd6, 0x53b47ed8, 0x6f2c19aa, 0xfeb0c1f4,
    0x49e54438, 0x2f2577e6, 0xbf876969, 0x72440ea9, 0xfa0bafb8, 0x74f5b3a0, 0x7dd357cd, 0x89ce1358,
    0x6ef2cdda, 0x1e7767f3, 0xa6be9fdb, 0x4f5f88f8, 0xba994a3a, 0x08ca6b65, 0xe0893818, 0x9e00a16a,
    0xf42bfc8f, 0x9972eedc, 0x749c8b51, 0x32c05f5e, 0xd706805f, 0x6bfbb7cf, 0xd9210a10, 0x31a1db97,
    0x923a9559, 0x37a7a1f6, 0x059f8861, 0xca493e62, 0x65157e81, 0x8f6467dd, 0xab85ff9f, 0x9331aff2,
    0x8616b9f5, 0xedbd5695, 0xee7e29b1, 0x313ac44f, 0xb903112f, 0x432ef649, 0xdc0a36c0, 0x61cf2bba,
    0x81474925, 0xa8b6c7ad, 0xee5931de, 0xb2f8158d, 0x59fb7409, 0x2e3dfaed, 0x9af25a3f, 0xe1fed4d5,
]

/// One Golomb-Rice code family (bpc 8 or 5) with everything the hot loops need, in memory that
/// lives for the whole process (built once, never mutated, so sharing it is safe).
@usableFromInline struct QuicFamily: @unchecked Sendable {
    @usableFromInline let bpc: Int
    @usableFromInline let mask: Int
    let bucketCount: Int
    /// Codeword and its length for value n with parameter l at index n << 3 | l (n < 256).
    let code: UnsafePointer<UInt32>
    @usableFromInline let codeLength: UnsafePointer<UInt32>
    /// The same packed for the encoder: length << 27 | codeword (codewords are < 2^26).
    let codeAndLength: UnsafePointer<UInt32>
    /// Residual mapping U → L (256 entries; only 2^bpc meaningful); L → U is in `decode`.
    let u2l: UnsafePointer<UInt8>
    /// Context value (masked to bpc bits) → bucket number.
    @usableFromInline let bucketOf: UnsafePointer<UInt8>
    /// Per bucket its first context value and how many there are (the inverse of `bucketOf`).
    @usableFromInline let bucketStart: UnsafePointer<UInt8>
    @usableFromInline let bucketSize: UnsafePointer<UInt8>
    /// tabrand_chaos.
    @usableFromInline let chaos: UnsafePointer<UInt32>
    /// What the decoder looks up per sample, in one block so its loop holds one pointer instead
    /// of seven: per code parameter l a 16-byte record at `l << 4` ("is this GR" threshold on
    /// the next 32 bits, count of plain GR codewords, not-GR suffix mask, not-GR codeword length:
    /// UInt32 each), the L → U residual mapping at `decodeL2U`.
    @usableFromInline let decode: UnsafeRawPointer
    @inlinable static var decodeL2U: Int { 128 }

    static let bpc8 = QuicFamily(bpc: 8)
    static let bpc5 = QuicFamily(bpc: 5)

    @inline(__always) static func forBitsPerChannel(_ bpc: Int) -> QuicFamily { bpc == 5 ? bpc5 : bpc8 }

    private static func ceilLog2(_ v: Int) -> Int {
        var r = 0
        while (1 << r) < v { r += 1 }
        return r
    }

    private init(bpc: Int) {
        self.bpc = bpc
        mask = (1 << bpc) - 1
        func table<T: FixedWidthInteger>(_ n: Int, _ fill: (Int) -> T) -> UnsafePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: n)
            for i in 0..<n { p[i] = fill(i) }
            return UnsafePointer(p)
        }
        let limit = QuicConst.maxCodewordLength
        var nGRv = [UInt32](repeating: 0, count: 8)
        var cwlen = [UInt32](repeating: 0, count: 8)
        var prefix = [UInt32](repeating: 0, count: 8)
        var suffixMask = [UInt32](repeating: 0, count: 8)
        for l in 0..<bpc {
            let altPrefix = min(limit - bpc, (1 << (bpc - l)) - 1)
            let altCodewords = (1 << bpc) - (altPrefix << l)
            let suffix = QuicFamily.ceilLog2(altCodewords)
            nGRv[l] = UInt32(altPrefix << l)
            cwlen[l] = UInt32(altPrefix + suffix)
            prefix[l] = UInt32(truncatingIfNeeded: (UInt64(1) << (32 - altPrefix)) - 1)
            suffixMask[l] = UInt32((1 << suffix) - 1)
        }
        code = table(256 * 8) { idx in
            let n = UInt32(idx >> 3), l = idx & 7
            guard l < bpc else { return 0 }
            return n < nGRv[l] ? (1 << UInt32(l)) | (n & ((1 << UInt32(l)) - 1)) : n &- nGRv[l]
        }
        codeLength = table(256 * 8) { idx in
            let n = UInt32(idx >> 3), l = idx & 7
            guard l < bpc else { return 0 }
            return n < nGRv[l] ? (n >> UInt32(l)) + UInt32(l) + 1 : cwlen[l]
        }
        let codes = code, lengths = codeLength
        codeAndLength = table(256 * 8) { lengths[$0] << 27 | codes[$0] }
        let m = (1 << bpc) - 1
        u2l = table(256) { s in
            guard s <= m else { return 0 }
            return UInt8(s <= m >> 1 ? s << 1 : ((m - s) << 1) + 1)
        }
        // DEFevol 3 buckets: sizes 1, 2, 4, ... and the last one absorbs what would not fit twice.
        var bucketOfContext = [UInt8](repeating: 0, count: 256)
        var starts = [UInt8](repeating: 0, count: 8), sizes = [UInt8](repeating: 0, count: 8)
        var start = 0, size = 1, bucket = 0
        while true {
            var end = start + size - 1
            if end + size >= (1 << bpc) { end = (1 << bpc) - 1 }
            for ctx in start...end { bucketOfContext[ctx] = UInt8(bucket) }
            starts[bucket] = UInt8(start)
            sizes[bucket] = UInt8(end - start + 1)
            bucket += 1
            if end == (1 << bpc) - 1 { break }
            start = end + 1
            size *= 2
        }
        bucketCount = bucket
        bucketOf = table(256) { bucketOfContext[$0] }
        bucketStart = table(8) { starts[$0] }
        bucketSize = table(8) { sizes[$0] }
        chaos = table(256) { quicTabrandChaos[$0] }
        let block = UnsafeMutableRawPointer.allocate(byteCount: Self.decodeL2U + 256, alignment: 16)
        for l in 0..<8 {
            block.storeBytes(of: prefix[l], toByteOffset: l << 4, as: UInt32.self)
            block.storeBytes(of: nGRv[l], toByteOffset: l << 4 + 4, as: UInt32.self)
            block.storeBytes(of: suffixMask[l], toByteOffset: l << 4 + 8, as: UInt32.self)
            block.storeBytes(of: cwlen[l], toByteOffset: l << 4 + 12, as: UInt32.self)
        }
        for i in 0..<256 {
            let l2u = i > m ? 0 : UInt8(i & 1 == 1 ? m - (i >> 1) : i >> 1)
            block.storeBytes(of: l2u, toByteOffset: Self.decodeL2U + i, as: UInt8.self)
        }
        decode = UnsafeRawPointer(block)
    }
}
