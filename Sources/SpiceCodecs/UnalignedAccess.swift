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
