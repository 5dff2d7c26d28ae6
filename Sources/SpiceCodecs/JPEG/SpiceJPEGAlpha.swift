/// SPICE_IMAGE_TYPE_JPEG_ALPHA: the colour as a JPEG, the alpha as an LZ XXXA stream right after
/// it (`jpeg_size` bytes of JPEG, then the rest). The LZ stream's top_down must match the
/// image's TOP_DOWN flag; we always write top-down.
public enum SpiceJPEGAlpha {
    public struct Encoded: Hashable, Sendable {
        public var jpegSize: Int
        public var data: [UInt8]
        public var topDown: Bool
    }

    public static func encode(_ image: PixelImage, quality: Int = 85) throws -> Encoded {
        guard image.format == .rgba else { throw CodecError("jpeg-alpha", "needs an rgba image, got \(image.format)") }
        let topDown = image.topDown ? image : flipped(image)
        let jpeg = try SpiceJPEG.encode(topDown, quality: quality)
        let alpha = try LZ.encodeAlpha(topDown)
        return Encoded(jpegSize: jpeg.count, data: jpeg + alpha, topDown: true)
    }

    /// Decodes to top-down rgba.
    public static func decode(_ data: [UInt8], jpegSize: Int, maxPixels: Int = maxDecodedPixels) throws -> PixelImage {
        guard jpegSize > 0, jpegSize < data.count else {
            throw CodecError("jpeg-alpha", "jpeg_size \(jpegSize) does not fit in \(data.count) bytes")
        }
        var color = try SpiceJPEG.decode(Array(data[..<jpegSize]), maxPixels: maxPixels)
        let alpha = try LZ.decode(Array(data[jpegSize...]), maxPixels: maxPixels)
        guard alpha.format == .a8, alpha.width == color.width, alpha.height == color.height else {
            throw CodecError("jpeg-alpha", "alpha plane \(alpha.width)x\(alpha.height) \(alpha.format) does not match the \(color.width)x\(color.height) JPEG")
        }
        for y in 0..<color.height {
            let src = alpha.rowOffset(visualRow: y)
            let dst = color.rowOffset(visualRow: y)
            for x in 0..<color.width { color.data[dst + x * 4 + 3] = alpha.data[src + x] }
        }
        color.format = .rgba
        return color
    }

    static func flipped(_ image: PixelImage) -> PixelImage {
        var out = image
        out.topDown = !image.topDown
        var data = [UInt8](repeating: 0, count: image.stride * image.height)
        for y in 0..<image.height {
            let from = y * image.stride, to = (image.height - 1 - y) * image.stride
            data[to..<(to + image.stride)] = image.data[from..<(from + image.stride)]
        }
        out.data = data
        return out
    }
}
