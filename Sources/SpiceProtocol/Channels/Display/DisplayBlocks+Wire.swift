import NIOCore

/// Pointed-to data waiting to be placed after the fixed part of a display message. Like spice's
/// marshaller, pointees are appended in creation order (breadth first: an image's palette goes
/// after every pointee created before it).
enum DisplayPointee {
    case image(DisplayChannel.Image)
    case palette(DisplayChannel.Palette)
    case path(DisplayChannel.Path)
    case style([Int32])
    case string(DisplayChannel.GlyphString)
}

struct PointeeQueue {
    private(set) var pending: [(slot: MessageWriter.PointerSlot, data: DisplayPointee)] = []

    mutating func add(_ data: DisplayPointee, at slot: MessageWriter.PointerSlot) {
        pending.append((slot, data))
    }

    /// Writes every pointee (and those they add) and patches their pointers.
    static func flush(_ queue: inout PointeeQueue, into writer: inout MessageWriter) {
        var index = 0
        while index < queue.pending.count {
            let (slot, data) = queue.pending[index]
            index += 1
            writer.resolve(slot)
            switch data {
            case .image(let image): image.encode(to: &writer, queue: &queue)
            case .palette(let palette): palette.encode(to: &writer)
            case .path(let path): path.encode(to: &writer)
            case .style(let style): for s in style { writer.write(s) }
            case .string(let string): string.encode(to: &writer)
            }
        }
    }
}

extension MessageWriter {
    /// Reserves a pointer to `data`, placed later by `PointeeQueue.flush`.
    mutating func writePointer(to data: DisplayPointee, queue: inout PointeeQueue) {
        queue.add(data, at: reservePointer())
    }
}

extension MessageReader {
    /// Resolves a non-null image pointer field.
    mutating func readImagePointer(_ field: StaticString) throws -> DisplayChannel.Image {
        var sub = try readNonNullPointee(field)
        return try DisplayChannel.Image(from: &sub)
    }

    /// Resolves a nullable image pointer field.
    mutating func readOptionalImagePointer(_ field: StaticString) throws -> DisplayChannel.Image? {
        guard var sub = try readPointee(field) else { return nil }
        return try DisplayChannel.Image(from: &sub)
    }
}

extension DisplayChannel.Clip {
    init(from reader: inout MessageReader) throws {
        let type = DisplayChannel.ClipType(rawValue: try reader.read("clip.type"))
        switch type {
        case .none:
            self = .none
        case .rects:
            let count = try reader.readCount("clip.num_rects", as: UInt32.self, elementSize: SpiceRect.wireSize)
            var rects: [SpiceRect] = []
            rects.reserveCapacity(count)
            for _ in 0..<count { rects.append(try reader.readRect()) }
            self = .rects(rects)
        default:
            throw SpiceProtocolError.invalidValue(field: "clip.type", value: UInt64(type.rawValue))
        }
    }

    func encode(to writer: inout MessageWriter) {
        switch self {
        case .none:
            writer.write(DisplayChannel.ClipType.none.rawValue)
        case .rects(let rects):
            writer.write(DisplayChannel.ClipType.rects.rawValue)
            writer.write(UInt32(rects.count))
            for r in rects { writer.writeRect(r) }
        }
    }
}

extension DisplayChannel.DisplayBase {
    init(from reader: inout MessageReader) throws {
        surfaceID = try reader.read("base.surface_id")
        box = try reader.readRect()
        clip = try DisplayChannel.Clip(from: &reader)
    }

    func encode(to writer: inout MessageWriter) {
        writer.write(surfaceID)
        writer.writeRect(box)
        clip.encode(to: &writer)
    }
}

extension DisplayChannel.QMask {
    init(from reader: inout MessageReader) throws {
        flags = DisplayChannel.MaskFlags(rawValue: try reader.read("mask.flags"))
        position = try reader.readPoint()
        bitmap = try reader.readOptionalImagePointer("mask.bitmap")
    }

    func encode(to writer: inout MessageWriter, queue: inout PointeeQueue) {
        writer.write(flags.rawValue)
        writer.writePoint(position)
        if let bitmap {
            writer.writePointer(to: .image(bitmap), queue: &queue)
        } else {
            writer.write(UInt32(0))
        }
    }
}

extension DisplayChannel.Brush {
    init(from reader: inout MessageReader) throws {
        let type = DisplayChannel.BrushType(rawValue: try reader.read("brush.type"))
        switch type {
        case .none:
            self = .none
        case .solid:
            self = .solid(color: try reader.read("brush.color"))
        case .pattern:
            let image = try reader.readImagePointer("brush.pattern.pat")
            self = .pattern(DisplayChannel.Pattern(image: image, position: try reader.readPoint()))
        default:
            throw SpiceProtocolError.invalidValue(field: "brush.type", value: UInt64(type.rawValue))
        }
    }

    func encode(to writer: inout MessageWriter, queue: inout PointeeQueue) {
        switch self {
        case .none:
            writer.write(DisplayChannel.BrushType.none.rawValue)
        case .solid(let color):
            writer.write(DisplayChannel.BrushType.solid.rawValue)
            writer.write(color)
        case .pattern(let pattern):
            writer.write(DisplayChannel.BrushType.pattern.rawValue)
            writer.writePointer(to: .image(pattern.image), queue: &queue)
            writer.writePoint(pattern.position)
        }
    }
}

extension DisplayChannel.Palette {
    init(from reader: inout MessageReader) throws {
        unique = try reader.read("palette.unique")
        let count = try reader.readCount("palette.num_ents", as: UInt16.self, elementSize: 4)
        var entries: [UInt32] = []
        entries.reserveCapacity(count)
        for _ in 0..<count { entries.append(try reader.read("palette.ents")) }
        self.entries = entries
    }

    func encode(to writer: inout MessageWriter) {
        writer.write(unique)
        writer.write(UInt16(truncatingIfNeeded: entries.count))
        for e in entries.prefix(Int(UInt16.max)) { writer.write(e) }
    }
}

extension DisplayChannel.Path {
    init(from reader: inout MessageReader) throws {
        // Each segment is at least 5 bytes (flags + count).
        let count = try reader.readCount("path.num_segments", as: UInt32.self, elementSize: 5)
        var segments: [DisplayChannel.PathSegment] = []
        segments.reserveCapacity(count)
        for _ in 0..<count {
            let flags = DisplayChannel.PathFlags(rawValue: try reader.read("path.segment.flags"))
            let n = try reader.readCount("path.segment.count", as: UInt32.self, elementSize: SpicePoint.wireSize)
            var points: [SpicePoint] = []
            points.reserveCapacity(n)
            for _ in 0..<n { points.append(try reader.readPoint()) }
            segments.append(DisplayChannel.PathSegment(flags: flags, points: points))
        }
        self.segments = segments
    }

    func encode(to writer: inout MessageWriter) {
        writer.write(UInt32(segments.count))
        for s in segments {
            writer.write(s.flags.rawValue)
            writer.write(UInt32(s.points.count))
            for p in s.points { writer.writePoint(p) }
        }
    }
}

extension DisplayChannel.LineAttr {
    init(from reader: inout MessageReader) throws {
        flags = DisplayChannel.LineFlags(rawValue: try reader.read("line_attr.flags"))
        style = []
        guard flags.contains(.styled) else { return }
        let count = Int(try reader.read("line_attr.style_nseg", as: UInt8.self))
        let pointee = try reader.readPointee("line_attr.style")
        guard count > 0 else { return }
        guard var sub = pointee else { throw SpiceProtocolError.badPointer(field: "line_attr.style", offset: 0) }
        try sub.checkCount(count, field: "line_attr.style", elementSize: 4, available: sub.remaining)
        var style: [Int32] = []
        style.reserveCapacity(count)
        for _ in 0..<count { style.append(try sub.read("line_attr.style")) }
        self.style = style
    }

    func encode(to writer: inout MessageWriter, queue: inout PointeeQueue) {
        writer.write(flags.rawValue)
        guard flags.contains(.styled) else { return }
        let style = Array(self.style.prefix(255))
        writer.write(UInt8(style.count))
        if style.isEmpty {
            writer.write(UInt32(0))
        } else {
            writer.writePointer(to: .style(style), queue: &queue)
        }
    }
}

extension DisplayChannel.GlyphString {
    init(from reader: inout MessageReader) throws {
        let count = try reader.readCount("string.length", as: UInt16.self, elementSize: DisplayChannel.RasterGlyph.fixedSize)
        flags = DisplayChannel.StringFlags(rawValue: try reader.read("string.flags"))
        guard let bpp = flags.bitsPerPixel else {
            guard count == 0 else {
                throw SpiceProtocolError.invalidValue(field: "string.flags", value: UInt64(flags.rawValue))
            }
            glyphs = []
            return
        }
        var glyphs: [DisplayChannel.RasterGlyph] = []
        glyphs.reserveCapacity(count)
        for _ in 0..<count {
            let renderPosition = try reader.readPoint()
            let glyphOrigin = try reader.readPoint()
            let width: UInt16 = try reader.read("glyph.width")
            let height: UInt16 = try reader.read("glyph.height")
            let size = DisplayChannel.RasterGlyph.dataSize(bitsPerPixel: bpp, width: width, height: height)
            let data = try reader.readSlice(size, field: "glyph.data")
            glyphs.append(DisplayChannel.RasterGlyph(renderPosition: renderPosition, glyphOrigin: glyphOrigin,
                                                     width: width, height: height, data: data))
        }
        self.glyphs = glyphs
    }

    func encode(to writer: inout MessageWriter) {
        writer.write(UInt16(truncatingIfNeeded: glyphs.count))
        writer.write(flags.rawValue)
        for g in glyphs.prefix(Int(UInt16.max)) {
            writer.writePoint(g.renderPosition)
            writer.writePoint(g.glyphOrigin)
            writer.write(g.width)
            writer.write(g.height)
            writer.writeBuffer(g.data)
        }
    }
}

extension DisplayChannel.Transform {
    init(from reader: inout MessageReader) throws {
        t00 = try reader.read("transform.t00")
        t01 = try reader.read("transform.t01")
        t02 = try reader.read("transform.t02")
        t10 = try reader.read("transform.t10")
        t11 = try reader.read("transform.t11")
        t12 = try reader.read("transform.t12")
    }

    func encode(to writer: inout MessageWriter) {
        for v in [t00, t01, t02, t10, t11, t12] { writer.write(v) }
    }
}
