/// Little-endian loads at any alignment for the codecs' inner loops. The standard library's
/// generic `loadUnaligned(fromByteOffset:as:)` is not always inlined (a call per pixel); a
/// fixed-size memory copy into a local compiles to one plain load.
extension UnsafeRawPointer {
    @inline(__always) func u32LE(at offset: Int) -> UInt32 {
        var v: UInt32 = 0
        withUnsafeMutableBytes(of: &v) { $0.baseAddress!.copyMemory(from: self + offset, byteCount: 4) }
        return UInt32(littleEndian: v)
    }

    @inline(__always) func u64LE(at offset: Int) -> UInt64 {
        var v: UInt64 = 0
        withUnsafeMutableBytes(of: &v) { $0.baseAddress!.copyMemory(from: self + offset, byteCount: 8) }
        return UInt64(littleEndian: v)
    }
}

extension UnsafeMutableRawPointer {
    /// Stores `value` little-endian at any alignment (see `u32LE`).
    @inline(__always) func storeU32LE(_ value: UInt32, at offset: Int) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { (self + offset).copyMemory(from: $0.baseAddress!, byteCount: 4) }
    }
}

/// The same as `u32LE` and `storeU32LE`, spelled as the four bytes they touch (the compiler
/// merges them into one access), for the QUIC decoder's loops: those are inlined into another
/// module too (SpiceCodecsX86v3, see QuicDecoder.swift), and there the standard library's copy
/// and unaligned-access functions stay calls, one per pixel.
extension UnsafeRawPointer {
    @inlinable @inline(__always) func bytesLE32(at offset: Int) -> UInt32 {
        let p = (self + offset).assumingMemoryBound(to: UInt8.self)
        return UInt32(p[0]) | UInt32(p[1]) &<< 8 | UInt32(p[2]) &<< 16 | UInt32(p[3]) &<< 24
    }
}

extension UnsafeMutableRawPointer {
    @inlinable @inline(__always) func storeBytesLE32(_ value: UInt32, at offset: Int) {
        let p = (self + offset).assumingMemoryBound(to: UInt8.self)
        p[0] = UInt8(truncatingIfNeeded: value)
        p[1] = UInt8(truncatingIfNeeded: value &>> 8)
        p[2] = UInt8(truncatingIfNeeded: value &>> 16)
        p[3] = UInt8(truncatingIfNeeded: value &>> 24)
    }
}
