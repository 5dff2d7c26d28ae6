import CZlib

/// zlib (RFC 1950) streams for SPICE_IMAGE_TYPE_ZLIB_GLZ_RGB: a deflated GLZ stream whose
/// inflated size the message states, so inflation is bounded by it.
public enum SpiceZlib {
    public static func compress(_ bytes: [UInt8], level: Int = 6) throws -> [UInt8] {
        var size = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = out.withUnsafeMutableBufferPointer { dst in
            bytes.withUnsafeBufferPointer { src in
                compress2(dst.baseAddress, &size, src.baseAddress, uLong(src.count), Int32(max(0, min(9, level))))
            }
        }
        guard status == Z_OK else { throw CodecError("zlib", "deflate failed (\(status))") }
        out.removeSubrange(Int(size)...)
        return out
    }

    /// Inflates to exactly `expectedSize` bytes (more or less is an error).
    public static func decompress(_ bytes: [UInt8], expectedSize: Int, maxSize: Int = maxDecodedPixels * 4) throws -> [UInt8] {
        guard expectedSize > 0, expectedSize <= maxSize else { throw CodecError("zlib", "inflated size \(expectedSize) refused") }
        var out = [UInt8](repeating: 0, count: expectedSize)
        var size = uLong(expectedSize)
        let status = out.withUnsafeMutableBufferPointer { dst in
            bytes.withUnsafeBufferPointer { src in
                uncompress(dst.baseAddress, &size, src.baseAddress, uLong(src.count))
            }
        }
        guard status == Z_OK, Int(size) == expectedSize else {
            throw CodecError("zlib", status == Z_OK ? "inflated \(size) bytes, expected \(expectedSize)" : "corrupt stream (\(status))")
        }
        return out
    }
}
