import NIOCore

extension DisplayChannel.Image {
    init(from reader: inout MessageReader) throws {
        id = try reader.read("image.descriptor.id")
        let type = DisplayChannel.ImageType(rawValue: try reader.read("image.descriptor.type"))
        flags = DisplayChannel.ImageFlags(rawValue: try reader.read("image.descriptor.flags"))
        width = try reader.read("image.descriptor.width")
        height = try reader.read("image.descriptor.height")
        switch type {
        case .bitmap: content = .bitmap(try DisplayChannel.Bitmap(from: &reader))
        case .quic: content = .quic(try Self.readBinary(&reader, "image.quic.data_size"))
        case .lzPLT: content = .lzPLT(try DisplayChannel.LZPLT(from: &reader))
        case .lzRGB: content = .lzRGB(try Self.readBinary(&reader, "image.lz_rgb.data_size"))
        case .glzRGB: content = .glzRGB(try Self.readBinary(&reader, "image.glz_rgb.data_size"))
        case .fromCache: content = .fromCache
        case .surface: content = .surface(surfaceID: try reader.read("image.surface.surface_id"))
        case .jpeg: content = .jpeg(try Self.readBinary(&reader, "image.jpeg.data_size"))
        case .fromCacheLossless: content = .fromCacheLossless
        case .zlibGlzRGB:
            let glzSize: UInt32 = try reader.read("image.zlib_glz.glz_data_size")
            content = .zlibGlzRGB(DisplayChannel.ZlibGlzRGB(glzDataSize: glzSize, data: try Self.readBinary(&reader, "image.zlib_glz.data_size")))
        case .jpegAlpha:
            let flags = DisplayChannel.JPEGAlphaFlags(rawValue: try reader.read("image.jpeg_alpha.flags"))
            let jpegSize: UInt32 = try reader.read("image.jpeg_alpha.jpeg_size")
            let data = try Self.readBinary(&reader, "image.jpeg_alpha.data_size")
            content = .jpegAlpha(DisplayChannel.JPEGAlpha(flags: flags, jpegSize: jpegSize, data: data))
        case .lz4: content = .lz4(try Self.readBinary(&reader, "image.lz4.data_size"))
        default:
            throw SpiceProtocolError.invalidValue(field: "image.descriptor.type", value: UInt64(type.rawValue))
        }
    }

    /// `BinaryData`: `data_size u32` + that many bytes (a slice, no copy).
    private static func readBinary(_ reader: inout MessageReader, _ field: StaticString) throws -> ByteBuffer {
        let size: UInt32 = try reader.read(field)
        return try reader.readSlice(Int(size), field: field)
    }

    func encode(to writer: inout MessageWriter, queue: inout PointeeQueue) {
        writer.write(id)
        writer.write(type.rawValue)
        writer.write(flags.rawValue)
        writer.write(width)
        writer.write(height)
        switch content {
        case .bitmap(let bitmap): bitmap.encode(to: &writer, queue: &queue)
        case .quic(let data), .lzRGB(let data), .glzRGB(let data), .jpeg(let data), .lz4(let data):
            Self.writeBinary(data, to: &writer)
        case .lzPLT(let plt): plt.encode(to: &writer, queue: &queue)
        case .fromCache, .fromCacheLossless: break
        case .surface(let surfaceID): writer.write(surfaceID)
        case .zlibGlzRGB(let z):
            writer.write(z.glzDataSize)
            Self.writeBinary(z.data, to: &writer)
        case .jpegAlpha(let j):
            writer.write(j.flags.rawValue)
            writer.write(j.jpegSize)
            Self.writeBinary(j.data, to: &writer)
        }
    }

    private static func writeBinary(_ data: ByteBuffer, to writer: inout MessageWriter) {
        writer.write(UInt32(data.readableBytes))
        writer.writeBuffer(data)
    }
}

extension DisplayChannel.PaletteSource {
    /// Reads the palette part of BITMAP / LZ_PLT given the (already read) bitmap flags.
    init(from reader: inout MessageReader, flags: DisplayChannel.BitmapFlags, nonNull: Bool) throws {
        if flags.contains(.palFromCache) {
            self = .cached(id: try reader.read("bitmap.palette_id"))
        } else if var sub = try reader.readPointee("bitmap.palette") {
            self = .inline(try DisplayChannel.Palette(from: &sub))
        } else if nonNull {
            throw SpiceProtocolError.badPointer(field: "lz_plt.palette", offset: 0)
        } else {
            self = .none
        }
    }

    /// The flags to put on the wire: `PAL_FROM_CACHE` iff the palette is cached.
    func wireFlags(_ flags: DisplayChannel.BitmapFlags) -> DisplayChannel.BitmapFlags {
        var flags = flags
        if case .cached = self { flags.insert(.palFromCache) } else { flags.remove(.palFromCache) }
        return flags
    }

    func encode(to writer: inout MessageWriter, queue: inout PointeeQueue) {
        switch self {
        case .none: writer.write(UInt32(0))
        case .inline(let palette): writer.writePointer(to: .palette(palette), queue: &queue)
        case .cached(let id): writer.write(id)
        }
    }
}

extension DisplayChannel.Bitmap {
    init(from reader: inout MessageReader) throws {
        format = DisplayChannel.BitmapFormat(rawValue: try reader.read("bitmap.format"))
        flags = DisplayChannel.BitmapFlags(rawValue: try reader.read("bitmap.flags"))
        width = try reader.read("bitmap.x")
        height = try reader.read("bitmap.y")
        stride = try reader.read("bitmap.stride")
        palette = try DisplayChannel.PaletteSource(from: &reader, flags: flags, nonNull: false)
        let (size, overflow) = UInt64(stride).multipliedReportingOverflow(by: UInt64(height))
        guard !overflow, size <= UInt64(reader.limits.maxMessageBody) else {
            throw SpiceProtocolError.tooLarge(field: "bitmap.data", size: Int(clamping: size), limit: reader.limits.maxMessageBody)
        }
        data = try reader.readSlice(Int(size), field: "bitmap.data")
    }

    func encode(to writer: inout MessageWriter, queue: inout PointeeQueue) {
        writer.write(format.rawValue)
        writer.write(palette.wireFlags(flags).rawValue)
        writer.write(width)
        writer.write(height)
        writer.write(stride)
        palette.encode(to: &writer, queue: &queue)
        writer.writeBuffer(data)
    }
}

extension DisplayChannel.LZPLT {
    init(from reader: inout MessageReader) throws {
        flags = DisplayChannel.BitmapFlags(rawValue: try reader.read("lz_plt.flags"))
        let size: UInt32 = try reader.read("lz_plt.data_size")
        palette = try DisplayChannel.PaletteSource(from: &reader, flags: flags, nonNull: true)
        data = try reader.readSlice(Int(size), field: "lz_plt.data")
    }

    func encode(to writer: inout MessageWriter, queue: inout PointeeQueue) {
        writer.write(palette.wireFlags(flags).rawValue)
        writer.write(UInt32(data.readableBytes))
        palette.encode(to: &writer, queue: &queue)
        writer.writeBuffer(data)
    }
}
