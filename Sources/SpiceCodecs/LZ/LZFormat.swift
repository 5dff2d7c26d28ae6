/// Shared pieces of SPICE's LZ and GLZ formats (spice-common `lz_common.h`): image types,
/// header constants, the byte cursor the decoders read through and the byte sink the encoders
/// write into.

/// `LzImageType` as it appears in LZ and GLZ headers.
public enum LZImageType: UInt32, Sendable, CaseIterable {
    case plt1LE = 1, plt1BE, plt4LE, plt4BE, plt8, rgb16, rgb24, rgb32, rgba, xxxa, a8

    public var isPalette: Bool { rawValue <= LZImageType.plt8.rawValue }

    /// Pixels per stream byte for the palette types (the stream codes bytes, not pixels).
    public var pixelsPerByte: Int {
        switch self {
        case .plt1LE, .plt1BE: return 8
        case .plt4LE, .plt4BE: return 2
        default: return 1
        }
    }

    /// Bytes per pixel of the input bitmap for the RGB-family types (`RGB_BYTES_PER_PIXEL`).
    public var bytesPerPixel: Int {
        switch self {
        case .rgb16: return 2
        case .rgb24: return 3
        case .rgb32, .rgba, .xxxa: return 4
        default: return 1
        }
    }

    /// The stream type for a pixel format (gray8 has no LZ type).
    public init?(format: PixelFormat) {
        switch format {
        case .rgb32: self = .rgb32
        case .rgba: self = .rgba
        case .rgb24: self = .rgb24
        case .rgb16: self = .rgb16
        case .a8: self = .a8
        case .plt1LE: self = .plt1LE
        case .plt1BE: self = .plt1BE
        case .plt4LE: self = .plt4LE
        case .plt4BE: self = .plt4BE
        case .plt8: self = .plt8
        case .gray8: return nil
        }
    }

    /// The format the decoders return for this stream type (XXXA decodes to its alpha plane, a8).
    public var decodedFormat: PixelFormat {
        switch self {
        case .plt1LE: return .plt1LE
        case .plt1BE: return .plt1BE
        case .plt4LE: return .plt4LE
        case .plt4BE: return .plt4BE
        case .plt8: return .plt8
        case .rgb16: return .rgb16
        case .rgb24: return .rgb24
        case .rgb32: return .rgb32
        case .rgba: return .rgba
        case .xxxa, .a8: return .a8
        }
    }

    /// The `stride` an encoder writes into the header for `width` (what lz.c / glz-encoder.c accept).
    func headerStride(width: Int) -> Int {
        isPalette ? (width + pixelsPerByte - 1) / pixelsPerByte : width * bytesPerPixel
    }
}

enum LZConst {
    static let magic: UInt32 = 0x2020_5A4C
    static let version: UInt32 = 0x0001_0001
    static let maxCopy = 32
    static let maxDistance = 8191
    static let maxFarDistance = 65535 + 8191 - 1
    static let maxWindowSize = 1 << 25
    static let lzHeaderSize = 28
    static let glzHeaderSize = 33
}

/// How a match length on the wire maps to pixels: PLT/A8/alpha +2, RGB16 +1, RGB24/32 +0.
@inline(__always) func lzLengthBias(_ type: LZImageType) -> Int {
    switch type {
    case .rgb24, .rgb32, .rgba: return 0
    case .rgb16: return 1
    default: return 2
    }
}

/// Bounds-checked reader over the compressed bytes. Every read checks what remains and throws
/// `CodecError` on truncation.
struct ByteCursor {
    let base: UnsafePointer<UInt8>
    let count: Int
    var pos: Int
    let codec: String

    init(_ buffer: UnsafeBufferPointer<UInt8>, codec: String) {
        // An empty buffer may have no base address; with count 0 nothing is ever read through it.
        base = buffer.baseAddress ?? UnsafePointer(bitPattern: 0x10)!
        count = buffer.count
        pos = 0
        self.codec = codec
    }

    var remaining: Int { count - pos }

    func truncated() -> CodecError { CodecError(codec, "truncated stream at byte \(pos) of \(count)") }

    @inline(__always) mutating func u8() throws(CodecError) -> Int {
        guard pos < count else { throw truncated() }
        let b = base[pos]
        pos += 1
        return Int(b)
    }

    mutating func u32() throws(CodecError) -> UInt32 {
        guard count - pos >= 4 else { throw truncated() }
        let v = UInt32(base[pos]) << 24 | UInt32(base[pos + 1]) << 16 | UInt32(base[pos + 2]) << 8
            | UInt32(base[pos + 3])
        pos += 4
        return v
    }

    /// The magic and version LZ and GLZ streams start with.
    mutating func lzPreamble() throws(CodecError) {
        guard try u32() == LZConst.magic else { throw CodecError(codec, "bad magic") }
        let version = try u32()
        guard version == LZConst.version else { throw CodecError(codec, "bad version \(version)") }
    }

    mutating func u64() throws(CodecError) -> UInt64 {
        let hi = try u32()
        let lo = try u32()
        return UInt64(hi) << 32 | UInt64(lo)
    }
}

/// A growable output buffer written through a raw pointer; callers `reserve` before each
/// bounded burst of writes (a literal run, a match) so the hot loops do no checks per byte.
/// Owns its memory until `finish()` (use one copy only; `finish` frees it).
struct ByteSink {
    private(set) var ptr: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        ptr = .allocate(capacity: self.capacity)
    }

    @inline(__always) mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private mutating func grow(_ needed: Int) {
        let newCap = max(needed, capacity * 2)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: newCap)
        p.update(from: ptr, count: count)
        ptr.deallocate()
        ptr = p
        capacity = newCap
    }

    /// Unchecked: only after `reserve`.
    @inline(__always) mutating func put(_ b: UInt8) {
        ptr[count] = b
        count += 1
    }

    mutating func putU32(_ v: UInt32) {
        reserve(4)
        put(UInt8(truncatingIfNeeded: v >> 24)); put(UInt8(truncatingIfNeeded: v >> 16))
        put(UInt8(truncatingIfNeeded: v >> 8)); put(UInt8(truncatingIfNeeded: v))
    }

    mutating func putU64(_ v: UInt64) {
        putU32(UInt32(truncatingIfNeeded: v >> 32))
        putU32(UInt32(truncatingIfNeeded: v))
    }

    mutating func finish() -> [UInt8] {
        let out = Array(UnsafeBufferPointer(start: ptr, count: count))
        ptr.deallocate()
        capacity = 0
        count = 0
        return out
    }
}

/// Validated geometry of a stream: what the decoders may allocate.
struct LZGeometry {
    var type: LZImageType
    var width: Int
    var height: Int
    var stride: Int
    var topDown: Bool
    /// Units the stream codes: pixels for RGB types, bytes for palette types.
    var units: Int

    init(codec: String, rawType: UInt32, width w: UInt32, height h: UInt32, stride s: UInt32,
         topDown: Bool, maxPixels: Int) throws(CodecError) {
        guard let type = LZImageType(rawValue: rawType) else {
            throw CodecError(codec, "invalid image type \(rawType)")
        }
        let width = Int(w), height = Int(h), stride = Int(s)
        // An empty side would pass the pixel bound with any other side: 0 x 2^31 once meant
        // two billion empty rows decoded and expanded (a fuzzer timeout).
        guard width >= 1, height >= 1 else {
            throw CodecError(codec, "image \(width)x\(height) has an empty side")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else {
            throw CodecError(codec, "image \(width)x\(height) exceeds \(maxPixels) pixels")
        }
        guard stride == type.headerStride(width: width) else {
            throw CodecError(codec, "stride \(stride) does not match width \(width) for \(type)")
        }
        self.type = type
        self.width = width
        self.height = height
        self.stride = stride
        self.topDown = topDown
        units = type.isPalette ? stride * height : pixels
    }
}

extension PixelImage {
    /// The pixels as xRGB rgb32 (bytes B, G, R, 0): palette formats expanded through `palette`
    /// (indices beyond it wrap, as spice-common does for PLT4), rgb16 widened 5→8 bits, rgb24 padded,
    /// a8 moved into the top byte (like spice-common's A8→RGB32). Rows keep their storage order.
    public func expandedToRGB32(palette overridePalette: [UInt32]? = nil) throws(CodecError) -> PixelImage {
        if format == .rgb32 || format == .rgba { return self }
        let pixels = width * height
        guard data.count >= (height > 0 ? (height - 1) * stride + format.rowBytes(width: width) : 0) else {
            throw CodecError("pixels", "image data shorter than its geometry")
        }
        var out = [UInt8](repeating: 0, count: pixels * 4)
        let pal = overridePalette ?? palette
        if [.plt1LE, .plt1BE, .plt4LE, .plt4BE, .plt8].contains(format) {
            guard let pal, !pal.isEmpty else { throw CodecError("pixels", "palette image without a palette") }
        }
        data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    let row = y * stride
                    for x in 0..<width {
                        let o = (y * width + x) * 4
                        var v: UInt32 = 0
                        switch format {
                        case .rgb24:
                            let i = row + x * 3
                            v = UInt32(src[i]) | UInt32(src[i + 1]) << 8 | UInt32(src[i + 2]) << 16
                        case .rgb16:
                            let i = row + x * 2
                            let p = Int(src[i]) | Int(src[i + 1]) << 8
                            let r = (p >> 10) & 31, g = (p >> 5) & 31, b = p & 31
                            v = UInt32((b << 3) | (b >> 2)) | UInt32((g << 3) | (g >> 2)) << 8
                                | UInt32((r << 3) | (r >> 2)) << 16
                        case .a8, .gray8:
                            v = format == .a8 ? UInt32(src[row + x]) << 24
                                : UInt32(src[row + x]) * 0x0001_0101
                        case .plt8:
                            v = pal![Int(src[row + x]) % pal!.count] & 0xFF_FFFF
                        case .plt4LE, .plt4BE:
                            let byte = Int(src[row + x / 2])
                            let lowFirst = format == .plt4LE
                            let nib = (x & 1 == 0) == lowFirst ? byte & 15 : byte >> 4
                            v = pal![nib % pal!.count] & 0xFF_FFFF
                        case .plt1LE, .plt1BE:
                            let byte = Int(src[row + x / 8])
                            let bit = format == .plt1LE ? (byte >> (x & 7)) & 1 : (byte >> (7 - (x & 7))) & 1
                            v = pal![bit % pal!.count] & 0xFF_FFFF
                        case .rgb32, .rgba:
                            break
                        }
                        dst[o] = UInt8(truncatingIfNeeded: v)
                        dst[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                        dst[o + 2] = UInt8(truncatingIfNeeded: v >> 16)
                        dst[o + 3] = UInt8(truncatingIfNeeded: v >> 24)
                    }
                }
            }
        }
        return PixelImage(width: width, height: height, stride: width * 4, format: .rgb32, topDown: topDown,
                          data: out)
    }
}
