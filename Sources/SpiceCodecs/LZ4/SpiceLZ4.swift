import CLZ4

/// SPICE_IMAGE_TYPE_LZ4 payloads: `top_down u8`, `format u8` (SpiceBitmapFmt), then blocks of
/// `u32 big-endian compressed size` + a raw LZ4 block, compressed as one LZ4 stream (later
/// blocks may refer to earlier output). Rows are tightly packed. liblz4 does the compression.
public enum SpiceLZ4 {
    /// SpiceBitmapFmt values LZ4 images may carry.
    static func bitmapFormat(_ f: PixelFormat) -> UInt8? {
        switch f {
        case .rgb16: return 6
        case .rgb24: return 7
        case .rgb32: return 8
        case .rgba: return 9
        default: return nil
        }
    }

    static func pixelFormat(_ b: UInt8) -> PixelFormat? {
        switch b {
        case 6: return .rgb16
        case 7: return .rgb24
        case 8: return .rgb32
        case 9: return .rgba
        default: return nil
        }
    }

    /// Input bytes per LZ4 block (the stream keeps a 64 KiB history across blocks).
    static let blockBytes = 1 << 20

    public static func encode(_ image: PixelImage) throws -> [UInt8] {
        guard let format = bitmapFormat(image.format) else {
            throw CodecError("lz4", "format \(image.format) cannot be sent as LZ4")
        }
        let rowBytes = image.format.rowBytes(width: image.width)
        guard image.width > 0, image.height > 0, image.stride >= rowBytes, image.data.count >= image.stride * image.height else {
            throw CodecError("lz4", "image of \(image.width)x\(image.height) with stride \(image.stride) does not fit its \(image.data.count) bytes")
        }
        // Packed rows in storage order (the top_down byte tells the client which order that is);
        // already packed rows are compressed in place, not copied.
        let packed: [UInt8]
        if image.stride == rowBytes {
            packed = image.data
        } else {
            var p = [UInt8]()
            p.reserveCapacity(rowBytes * image.height)
            for y in 0..<image.height { p.append(contentsOf: image.data[(y * image.stride)..<(y * image.stride + rowBytes)]) }
            packed = p
        }
        guard let stream = LZ4_createStream() else { throw CodecError("lz4", "out of memory") }
        defer { LZ4_freeStream(stream) }
        var out: [UInt8] = [image.topDown ? 1 : 0, format]
        out.reserveCapacity(2 + Int(LZ4_compressBound(Int32(min(packed.count, blockBytes)))) + 16)
        var block = [UInt8](repeating: 0, count: Int(LZ4_compressBound(Int32(min(packed.count, blockBytes)))))
        let total = rowBytes * image.height
        try packed.withUnsafeBufferPointer { whole in
            let src = UnsafeBufferPointer(rebasing: whole[0..<total])
            var offset = 0
            while offset < src.count {
                let n = min(blockBytes, src.count - offset)
                let written = block.withUnsafeMutableBufferPointer { dst in
                    LZ4_compress_fast_continue(stream, UnsafeRawPointer(src.baseAddress! + offset).assumingMemoryBound(to: CChar.self),
                                               UnsafeMutableRawPointer(dst.baseAddress!).assumingMemoryBound(to: CChar.self),
                                               Int32(n), Int32(dst.count), 1)
                }
                guard written > 0 else { throw CodecError("lz4", "compression failed") }
                let size = UInt32(written)
                out.append(contentsOf: [UInt8(size >> 24), UInt8((size >> 16) & 0xFF), UInt8((size >> 8) & 0xFF), UInt8(size & 0xFF)])
                out.append(contentsOf: block[0..<Int(written)])
                offset += n
            }
        }
        return out
    }

    /// Decodes a payload for an image of `width`×`height` (from the image descriptor).
    public static func decode(_ bytes: [UInt8], width: Int, height: Int, maxPixels: Int = maxDecodedPixels) throws -> PixelImage {
        guard bytes.count >= 2 else { throw CodecError("lz4", "missing header") }
        guard width > 0, height > 0, width.multipliedReportingOverflow(by: height).partialValue <= maxPixels,
              width <= maxPixels, height <= maxPixels else {
            throw CodecError("lz4", "image size \(width)x\(height) refused")
        }
        let topDown = bytes[0] != 0
        guard let format = pixelFormat(bytes[1]) else { throw CodecError("lz4", "unsupported bitmap format \(bytes[1])") }
        let rowBytes = format.rowBytes(width: width)
        guard let stream = LZ4_createStreamDecode() else { throw CodecError("lz4", "out of memory") }
        defer { LZ4_freeStreamDecode(stream) }
        var produced = 0
        // Not zero-filled first: every byte is written by the blocks, and anything short of the
        // whole image throws below (initializedCount is only what was decoded).
        let pixels = try [UInt8](unsafeUninitializedCapacity: rowBytes * height) { dst, initialized in
            defer { initialized = produced }
            try bytes.withUnsafeBufferPointer { src in
                var at = 2
                while at < src.count {
                    guard src.count - at >= 4 else { throw CodecError("lz4", "truncated block size") }
                    let size = Int(src[at]) << 24 | Int(src[at + 1]) << 16 | Int(src[at + 2]) << 8 | Int(src[at + 3])
                    at += 4
                    guard size > 0, size <= src.count - at else { throw CodecError("lz4", "block of \(size) bytes overruns the data") }
                    guard produced < dst.count else { throw CodecError("lz4", "more data than the image holds") }
                    let n = LZ4_decompress_safe_continue(
                        stream, UnsafeRawPointer(src.baseAddress! + at).assumingMemoryBound(to: CChar.self),
                        UnsafeMutableRawPointer(dst.baseAddress! + produced).assumingMemoryBound(to: CChar.self),
                        Int32(size), Int32(dst.count - produced))
                    guard n > 0 else { throw CodecError("lz4", "corrupt block") }
                    produced += Int(n)
                    at += size
                }
            }
        }
        guard produced == rowBytes * height else { throw CodecError("lz4", "decoded \(produced) bytes, the image needs \(rowBytes * height)") }
        return PixelImage(width: width, height: height, stride: rowBytes, format: format, topDown: topDown, data: pixels)
    }
}
