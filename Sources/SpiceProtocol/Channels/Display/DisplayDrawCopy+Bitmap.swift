import NIOCore

extension DisplayChannel.DrawCopy {
    /// Size of DRAW_COPY's fixed part with no clip rects (DisplayBase 21 + 36): where the image goes.
    public static let fixedSizeWithoutClip = 57
    /// Image descriptor (18) + BITMAP header with a palette pointer (18).
    public static let bitmapHeadersSize = 36

    /// The server's hot path: writes a whole DRAW_COPY body of an uncompressed, top-down 32-bit xRGB
    /// bitmap without building an `Image` value — DisplayBase (no clip), `src_bitmap = 57`,
    /// `src_area = (0, 0, width, height)`, rop OP_PUT, scale 0, no mask, then the image descriptor
    /// (type BITMAP, `imageFlags`: CACHE_ME to have the client keep it), the bitmap header (format 32BIT, flags TOP_DOWN, stride 4·width,
    /// palette 0) and the pixels, which `writePixels` must append: exactly `4 · width · height`
    /// bytes of B, G, R, X, top row first.
    public static func encodeBitmap(surfaceID: UInt32, destination: SpiceRect, imageID: UInt64,
                                    imageFlags: DisplayChannel.ImageFlags = [],
                                    width: UInt32, height: UInt32, into writer: inout MessageWriter,
                                    writePixels: (inout ByteBuffer) -> Void) {
        let stride = 4 * width
        writer.buffer.reserveCapacity(minimumWritableBytes: fixedSizeWithoutClip + bitmapHeadersSize + Int(stride) * Int(height))
        let start = writer.offset
        // DisplayBase
        writer.write(surfaceID)
        writer.writeRect(destination)
        writer.write(DisplayChannel.ClipType.none.rawValue)
        // src_bitmap, src_area, rop, scale, mask
        writer.write(start + UInt32(fixedSizeWithoutClip))
        writer.writeRect(SpiceRect(top: 0, left: 0, bottom: Int32(truncatingIfNeeded: height), right: Int32(truncatingIfNeeded: width)))
        writer.write(DisplayChannel.Ropd.opPut.rawValue)
        writer.write(DisplayChannel.ImageScaleMode.interpolate.rawValue)
        writer.write(UInt8(0))
        writer.writePoint(SpicePoint(x: 0, y: 0))
        writer.write(UInt32(0))
        // Image descriptor
        writer.write(imageID)
        writer.write(DisplayChannel.ImageType.bitmap.rawValue)
        writer.write(imageFlags.rawValue)
        writer.write(width)
        writer.write(height)
        // Bitmap header
        writer.write(DisplayChannel.BitmapFormat.thirtyTwoBit.rawValue)
        writer.write(DisplayChannel.BitmapFlags.topDown.rawValue)
        writer.write(width)
        writer.write(height)
        writer.write(stride)
        writer.write(UInt32(0))
        let pixelsStart = writer.buffer.writerIndex
        writePixels(&writer.buffer)
        assert(writer.buffer.writerIndex - pixelsStart == Int(stride) * Int(height), "writePixels must write 4·width·height bytes")
    }
}
