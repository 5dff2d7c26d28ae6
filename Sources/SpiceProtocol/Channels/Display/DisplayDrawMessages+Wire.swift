import NIOCore

// Each encoder writes the fixed part, reserving pointers, then places the pointees after it.

extension DisplayChannel.CopyBits: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        base = try .init(from: &reader)
        sourcePosition = try reader.readPoint()
    }
    public func encode(to writer: inout MessageWriter) {
        base.encode(to: &writer)
        writer.writePoint(sourcePosition)
    }
}

extension DisplayChannel.DrawFill: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        base = try .init(from: &reader)
        brush = try .init(from: &reader)
        ropDescriptor = DisplayChannel.Ropd(rawValue: try reader.read("fill.rop_descriptor"))
        mask = try .init(from: &reader)
    }
    public func encode(to writer: inout MessageWriter) {
        var queue = PointeeQueue()
        base.encode(to: &writer)
        brush.encode(to: &writer, queue: &queue)
        writer.write(ropDescriptor.rawValue)
        mask.encode(to: &writer, queue: &queue)
        PointeeQueue.flush(&queue, into: &writer)
    }
}

extension DisplayChannel.DrawOpaque: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        base = try .init(from: &reader)
        sourceBitmap = try reader.readImagePointer("opaque.src_bitmap")
        sourceArea = try reader.readRect()
        brush = try .init(from: &reader)
        ropDescriptor = DisplayChannel.Ropd(rawValue: try reader.read("opaque.rop_descriptor"))
        scaleMode = DisplayChannel.ImageScaleMode(rawValue: try reader.read("opaque.scale_mode"))
        mask = try .init(from: &reader)
    }
    public func encode(to writer: inout MessageWriter) {
        var queue = PointeeQueue()
        base.encode(to: &writer)
        writer.writePointer(to: .image(sourceBitmap), queue: &queue)
        writer.writeRect(sourceArea)
        brush.encode(to: &writer, queue: &queue)
        writer.write(ropDescriptor.rawValue)
        writer.write(scaleMode.rawValue)
        mask.encode(to: &writer, queue: &queue)
        PointeeQueue.flush(&queue, into: &writer)
    }
}

/// DRAW_COPY and DRAW_BLEND share one layout (spice.proto: `Copy` data for both).
private struct CopyLayout {
    var base: DisplayChannel.DisplayBase
    var sourceBitmap: DisplayChannel.Image
    var sourceArea: SpiceRect
    var ropDescriptor: DisplayChannel.Ropd
    var scaleMode: DisplayChannel.ImageScaleMode
    var mask: DisplayChannel.QMask

    init(base: DisplayChannel.DisplayBase, sourceBitmap: DisplayChannel.Image, sourceArea: SpiceRect,
         ropDescriptor: DisplayChannel.Ropd, scaleMode: DisplayChannel.ImageScaleMode, mask: DisplayChannel.QMask) {
        self.base = base
        self.sourceBitmap = sourceBitmap
        self.sourceArea = sourceArea
        self.ropDescriptor = ropDescriptor
        self.scaleMode = scaleMode
        self.mask = mask
    }

    init(from reader: inout MessageReader) throws {
        base = try .init(from: &reader)
        sourceBitmap = try reader.readImagePointer("copy.src_bitmap")
        sourceArea = try reader.readRect()
        ropDescriptor = DisplayChannel.Ropd(rawValue: try reader.read("copy.rop_descriptor"))
        scaleMode = DisplayChannel.ImageScaleMode(rawValue: try reader.read("copy.scale_mode"))
        mask = try .init(from: &reader)
    }

    func encode(to writer: inout MessageWriter) {
        var queue = PointeeQueue()
        base.encode(to: &writer)
        writer.writePointer(to: .image(sourceBitmap), queue: &queue)
        writer.writeRect(sourceArea)
        writer.write(ropDescriptor.rawValue)
        writer.write(scaleMode.rawValue)
        mask.encode(to: &writer, queue: &queue)
        PointeeQueue.flush(&queue, into: &writer)
    }
}

extension DisplayChannel.DrawCopy: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        let c = try CopyLayout(from: &reader)
        self.init(base: c.base, sourceBitmap: c.sourceBitmap, sourceArea: c.sourceArea, ropDescriptor: c.ropDescriptor,
                  scaleMode: c.scaleMode, mask: c.mask)
    }
    public func encode(to writer: inout MessageWriter) {
        CopyLayout(base: base, sourceBitmap: sourceBitmap, sourceArea: sourceArea, ropDescriptor: ropDescriptor,
                   scaleMode: scaleMode, mask: mask).encode(to: &writer)
    }
}

extension DisplayChannel.DrawBlend: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        let c = try CopyLayout(from: &reader)
        self.init(base: c.base, sourceBitmap: c.sourceBitmap, sourceArea: c.sourceArea, ropDescriptor: c.ropDescriptor,
                  scaleMode: c.scaleMode, mask: c.mask)
    }
    public func encode(to writer: inout MessageWriter) {
        CopyLayout(base: base, sourceBitmap: sourceBitmap, sourceArea: sourceArea, ropDescriptor: ropDescriptor,
                   scaleMode: scaleMode, mask: mask).encode(to: &writer)
    }
}

/// BLACKNESS / WHITENESS / INVERS: base + mask.
private func decodeMaskOnly(_ reader: inout MessageReader) throws -> (DisplayChannel.DisplayBase, DisplayChannel.QMask) {
    (try .init(from: &reader), try .init(from: &reader))
}

private func encodeMaskOnly(base: DisplayChannel.DisplayBase, mask: DisplayChannel.QMask, to writer: inout MessageWriter) {
    var queue = PointeeQueue()
    base.encode(to: &writer)
    mask.encode(to: &writer, queue: &queue)
    PointeeQueue.flush(&queue, into: &writer)
}

extension DisplayChannel.DrawBlackness: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        (base, mask) = try decodeMaskOnly(&reader)
    }
    public func encode(to writer: inout MessageWriter) { encodeMaskOnly(base: base, mask: mask, to: &writer) }
}

extension DisplayChannel.DrawWhiteness: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        (base, mask) = try decodeMaskOnly(&reader)
    }
    public func encode(to writer: inout MessageWriter) { encodeMaskOnly(base: base, mask: mask, to: &writer) }
}

extension DisplayChannel.DrawInvers: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        (base, mask) = try decodeMaskOnly(&reader)
    }
    public func encode(to writer: inout MessageWriter) { encodeMaskOnly(base: base, mask: mask, to: &writer) }
}

extension DisplayChannel.DrawRop3: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        base = try .init(from: &reader)
        sourceBitmap = try reader.readImagePointer("rop3.src_bitmap")
        sourceArea = try reader.readRect()
        brush = try .init(from: &reader)
        rop3 = try reader.read("rop3.rop3")
        scaleMode = DisplayChannel.ImageScaleMode(rawValue: try reader.read("rop3.scale_mode"))
        mask = try .init(from: &reader)
    }
    public func encode(to writer: inout MessageWriter) {
        var queue = PointeeQueue()
        base.encode(to: &writer)
        writer.writePointer(to: .image(sourceBitmap), queue: &queue)
        writer.writeRect(sourceArea)
        brush.encode(to: &writer, queue: &queue)
        writer.write(rop3)
        writer.write(scaleMode.rawValue)
        mask.encode(to: &writer, queue: &queue)
        PointeeQueue.flush(&queue, into: &writer)
    }
}

extension DisplayChannel.DrawStroke: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        base = try .init(from: &reader)
        var pathReader = try reader.readNonNullPointee("stroke.path")
        path = try DisplayChannel.Path(from: &pathReader)
        attributes = try .init(from: &reader)
        brush = try .init(from: &reader)
        foreMode = DisplayChannel.Ropd(rawValue: try reader.read("stroke.fore_mode"))
        backMode = DisplayChannel.Ropd(rawValue: try reader.read("stroke.back_mode"))
    }
    public func encode(to writer: inout MessageWriter) {
        var queue = PointeeQueue()
        base.encode(to: &writer)
        writer.writePointer(to: .path(path), queue: &queue)
        attributes.encode(to: &writer, queue: &queue)
        brush.encode(to: &writer, queue: &queue)
        writer.write(foreMode.rawValue)
        writer.write(backMode.rawValue)
        PointeeQueue.flush(&queue, into: &writer)
    }
}

extension DisplayChannel.DrawText: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        base = try .init(from: &reader)
        var stringReader = try reader.readNonNullPointee("text.str")
        string = try DisplayChannel.GlyphString(from: &stringReader)
        backArea = try reader.readRect()
        foreBrush = try .init(from: &reader)
        backBrush = try .init(from: &reader)
        foreMode = DisplayChannel.Ropd(rawValue: try reader.read("text.fore_mode"))
        backMode = DisplayChannel.Ropd(rawValue: try reader.read("text.back_mode"))
    }
    public func encode(to writer: inout MessageWriter) {
        var queue = PointeeQueue()
        base.encode(to: &writer)
        writer.writePointer(to: .string(string), queue: &queue)
        writer.writeRect(backArea)
        foreBrush.encode(to: &writer, queue: &queue)
        backBrush.encode(to: &writer, queue: &queue)
        writer.write(foreMode.rawValue)
        writer.write(backMode.rawValue)
        PointeeQueue.flush(&queue, into: &writer)
    }
}

extension DisplayChannel.DrawTransparent: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        base = try .init(from: &reader)
        sourceBitmap = try reader.readImagePointer("transparent.src_bitmap")
        sourceArea = try reader.readRect()
        sourceColor = try reader.read("transparent.src_color")
        trueColor = try reader.read("transparent.true_color")
    }
    public func encode(to writer: inout MessageWriter) {
        var queue = PointeeQueue()
        base.encode(to: &writer)
        writer.writePointer(to: .image(sourceBitmap), queue: &queue)
        writer.writeRect(sourceArea)
        writer.write(sourceColor)
        writer.write(trueColor)
        PointeeQueue.flush(&queue, into: &writer)
    }
}

extension DisplayChannel.DrawAlphaBlend: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        base = try .init(from: &reader)
        alphaFlags = DisplayChannel.AlphaFlags(rawValue: try reader.read("alpha_blend.alpha_flags"))
        alpha = try reader.read("alpha_blend.alpha")
        sourceBitmap = try reader.readImagePointer("alpha_blend.src_bitmap")
        sourceArea = try reader.readRect()
    }
    public func encode(to writer: inout MessageWriter) {
        var queue = PointeeQueue()
        base.encode(to: &writer)
        writer.write(alphaFlags.rawValue)
        writer.write(alpha)
        writer.writePointer(to: .image(sourceBitmap), queue: &queue)
        writer.writeRect(sourceArea)
        PointeeQueue.flush(&queue, into: &writer)
    }
}

extension DisplayChannel.DrawComposite: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        base = try .init(from: &reader)
        flags = DisplayChannel.CompositeFlags(rawValue: try reader.read("composite.flags"))
        sourceBitmap = try reader.readImagePointer("composite.src_bitmap")
        maskBitmap = flags.contains(.hasMask) ? try reader.readOptionalImagePointer("composite.mask_bitmap") : nil
        sourceTransform = flags.contains(.hasSrcTransform) ? try DisplayChannel.Transform(from: &reader) : nil
        maskTransform = flags.contains(.hasMaskTransform) ? try DisplayChannel.Transform(from: &reader) : nil
        sourceOrigin = try reader.readPoint16()
        maskOrigin = try reader.readPoint16()
    }
    public func encode(to writer: inout MessageWriter) {
        var queue = PointeeQueue()
        base.encode(to: &writer)
        writer.write(wireFlags.rawValue)
        writer.writePointer(to: .image(sourceBitmap), queue: &queue)
        if let maskBitmap { writer.writePointer(to: .image(maskBitmap), queue: &queue) }
        sourceTransform?.encode(to: &writer)
        maskTransform?.encode(to: &writer)
        writer.writePoint16(sourceOrigin)
        writer.writePoint16(maskOrigin)
        PointeeQueue.flush(&queue, into: &writer)
    }
}
