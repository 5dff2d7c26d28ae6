import CTurboJPEG

/// Baseline JPEG for SPICE_IMAGE_TYPE_JPEG (and the colour part of JPEG_ALPHA), via libjpeg-turbo.
/// Rows are visually top-down in the JPEG whatever the source order.
public enum SpiceJPEG {
    /// Encodes an rgb32/rgba/rgb24 image (alpha ignored) at `quality` 1...100 with 4:2:0 chroma.
    public static func encode(_ image: PixelImage, quality: Int = 85) throws -> [UInt8] {
        let pixelFormat: TJPF
        switch image.format {
        case .rgb32, .rgba: pixelFormat = TJPF_BGRX
        case .rgb24: pixelFormat = TJPF_BGR
        default: throw CodecError("jpeg", "format \(image.format) cannot be sent as JPEG")
        }
        guard image.width > 0, image.height > 0, image.data.count >= image.stride * image.height else {
            throw CodecError("jpeg", "image does not fit its buffer")
        }
        guard let handle = tjInitCompress() else { throw CodecError("jpeg", "cannot create a compressor") }
        defer { tjDestroy(handle) }
        var jpeg: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let flags = image.topDown ? 0 : TJFLAG_BOTTOMUP
        let status = image.data.withUnsafeBufferPointer { src in
            tjCompress2(handle, src.baseAddress, Int32(image.width), Int32(image.stride), Int32(image.height),
                        Int32(pixelFormat.rawValue), &jpeg, &size, Int32(TJSAMP_420.rawValue), Int32(max(1, min(100, quality))), flags)
        }
        defer { if let jpeg { tjFree(jpeg) } }
        guard status == 0, let jpeg else { throw CodecError("jpeg", "compression failed: \(errorText(handle))") }
        return Array(UnsafeBufferPointer(start: jpeg, count: Int(size)))
    }

    /// Decodes to top-down rgb32 (B, G, R, 0).
    public static func decode(_ bytes: [UInt8], maxPixels: Int = maxDecodedPixels) throws -> PixelImage {
        guard let handle = tjInitDecompress() else { throw CodecError("jpeg", "cannot create a decompressor") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let header = bytes.withUnsafeBufferPointer { src in
            tjDecompressHeader3(handle, src.baseAddress, UInt(src.count), &width, &height, &subsampling, &colorspace)
        }
        guard header == 0 else { throw CodecError("jpeg", "bad header: \(errorText(handle))") }
        guard width > 0, height > 0, Int(width) * Int(height) <= maxPixels else {
            throw CodecError("jpeg", "image size \(width)x\(height) refused")
        }
        var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * 4)
        let status = bytes.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                tjDecompress2(handle, src.baseAddress, UInt(src.count), dst.baseAddress, width, width * 4, height,
                              Int32(TJPF_BGRX.rawValue), 0)
            }
        }
        guard status == 0 else { throw CodecError("jpeg", "corrupt data: \(errorText(handle))") }
        for i in stride(from: 3, to: pixels.count, by: 4) { pixels[i] = 0 }
        return PixelImage(width: Int(width), height: Int(height), format: .rgb32, data: pixels)
    }

    private static func errorText(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown error" }
        return String(cString: text)
    }
}
