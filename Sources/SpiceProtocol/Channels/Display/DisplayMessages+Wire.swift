import NIOCore

extension DisplayChannel.Mode: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        xRes = try reader.read("mode.x_res")
        yRes = try reader.read("mode.y_res")
        bits = try reader.read("mode.bits")
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(xRes)
        writer.write(yRes)
        writer.write(bits)
    }
}
extension DisplayChannel.Mark: EmptySpiceMessage {}
extension DisplayChannel.Reset: EmptySpiceMessage {}
extension DisplayChannel.InvalList: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        let count = try reader.readCount("inval_list.count", as: UInt16.self, elementSize: DisplayChannel.Resource.wireSize)
        var resources: [DisplayChannel.Resource] = []
        resources.reserveCapacity(count)
        for _ in 0..<count {
            let type = DisplayChannel.ResourceType(rawValue: try reader.read("resource.type"))
            resources.append(DisplayChannel.Resource(type: type, id: try reader.read("resource.id")))
        }
        self.resources = resources
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(UInt16(truncatingIfNeeded: resources.count))
        for r in resources.prefix(Int(UInt16.max)) {
            writer.write(r.type.rawValue)
            writer.write(r.id)
        }
    }
}
extension DisplayChannel.InvalAllPixmaps: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        waits = try BaseChannel.WaitForChannels(from: &reader).channels
    }
    public func encode(to writer: inout MessageWriter) {
        BaseChannel.WaitForChannels(channels: waits).encode(to: &writer)
    }
}
extension DisplayChannel.InvalPalette: SpiceMessage {
    public init(from reader: inout MessageReader) throws { id = try reader.read("inval_palette.id") }
    public func encode(to writer: inout MessageWriter) { writer.write(id) }
}
extension DisplayChannel.InvalAllPalettes: EmptySpiceMessage {}
extension DisplayChannel.StreamCreate: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        surfaceID = try reader.read("stream_create.surface_id")
        id = try reader.read("stream_create.id")
        flags = DisplayChannel.StreamFlags(rawValue: try reader.read("stream_create.flags"))
        codecType = DisplayChannel.VideoCodecType(rawValue: try reader.read("stream_create.codec_type"))
        stamp = try reader.read("stream_create.stamp")
        streamWidth = try reader.read("stream_create.stream_width")
        streamHeight = try reader.read("stream_create.stream_height")
        sourceWidth = try reader.read("stream_create.src_width")
        sourceHeight = try reader.read("stream_create.src_height")
        destination = try reader.readRect()
        clip = try DisplayChannel.Clip(from: &reader)
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(surfaceID)
        writer.write(id)
        writer.write(flags.rawValue)
        writer.write(codecType.rawValue)
        writer.write(stamp)
        writer.write(streamWidth)
        writer.write(streamHeight)
        writer.write(sourceWidth)
        writer.write(sourceHeight)
        writer.writeRect(destination)
        clip.encode(to: &writer)
    }
}
extension DisplayChannel.StreamData: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        id = try reader.read("stream_data.id")
        multiMediaTime = try reader.read("stream_data.multi_media_time")
        let size: UInt32 = try reader.read("stream_data.data_size")
        data = try reader.readSlice(Int(size), field: "stream_data.data")
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(id)
        writer.write(multiMediaTime)
        writer.write(UInt32(data.readableBytes))
        writer.writeBuffer(data)
    }
}
extension DisplayChannel.StreamClip: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        id = try reader.read("stream_clip.id")
        clip = try DisplayChannel.Clip(from: &reader)
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(id)
        clip.encode(to: &writer)
    }
}
extension DisplayChannel.StreamDestroy: SpiceMessage {
    public init(from reader: inout MessageReader) throws { id = try reader.read("stream_destroy.id") }
    public func encode(to writer: inout MessageWriter) { writer.write(id) }
}
extension DisplayChannel.StreamDestroyAll: EmptySpiceMessage {}
extension DisplayChannel.SurfaceCreate: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        surfaceID = try reader.read("surface_create.surface_id")
        width = try reader.read("surface_create.width")
        height = try reader.read("surface_create.height")
        format = DisplayChannel.SurfaceFormat(rawValue: try reader.read("surface_create.format"))
        flags = DisplayChannel.SurfaceFlags(rawValue: try reader.read("surface_create.flags"))
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(surfaceID)
        writer.write(width)
        writer.write(height)
        writer.write(format.rawValue)
        writer.write(flags.rawValue)
    }
}
extension DisplayChannel.SurfaceDestroy: SpiceMessage {
    public init(from reader: inout MessageReader) throws { surfaceID = try reader.read("surface_destroy.surface_id") }
    public func encode(to writer: inout MessageWriter) { writer.write(surfaceID) }
}
extension DisplayChannel.StreamDataSized: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        id = try reader.read("stream_data_sized.id")
        multiMediaTime = try reader.read("stream_data_sized.multi_media_time")
        width = try reader.read("stream_data_sized.width")
        height = try reader.read("stream_data_sized.height")
        destination = try reader.readRect()
        let size: UInt32 = try reader.read("stream_data_sized.data_size")
        data = try reader.readSlice(Int(size), field: "stream_data_sized.data")
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(id)
        writer.write(multiMediaTime)
        writer.write(width)
        writer.write(height)
        writer.writeRect(destination)
        writer.write(UInt32(data.readableBytes))
        writer.writeBuffer(data)
    }
}
extension DisplayChannel.MonitorsConfig: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        let countRaw: UInt16 = try reader.read("monitors_config.count")
        maxAllowed = try reader.read("monitors_config.max_allowed")
        let count = Int(countRaw)
        try reader.checkCount(count, field: "monitors_config.heads", elementSize: DisplayChannel.Head.wireSize, available: reader.remaining)
        var heads: [DisplayChannel.Head] = []
        heads.reserveCapacity(count)
        for _ in 0..<count {
            heads.append(DisplayChannel.Head(
                monitorID: try reader.read("head.id"), surfaceID: try reader.read("head.surface_id"),
                width: try reader.read("head.width"), height: try reader.read("head.height"),
                x: try reader.read("head.x"), y: try reader.read("head.y"), flags: try reader.read("head.flags")))
        }
        self.heads = heads
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(UInt16(truncatingIfNeeded: heads.count))
        writer.write(maxAllowed)
        for h in heads.prefix(Int(UInt16.max)) {
            for v in [h.monitorID, h.surfaceID, h.width, h.height, h.x, h.y, h.flags] { writer.write(v) }
        }
    }
}
extension DisplayChannel.StreamActivateReport: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        streamID = try reader.read("stream_activate_report.stream_id")
        uniqueID = try reader.read("stream_activate_report.unique_id")
        maxWindowSize = try reader.read("stream_activate_report.max_window_size")
        timeoutMs = try reader.read("stream_activate_report.timeout_ms")
    }
    public func encode(to writer: inout MessageWriter) {
        for v in [streamID, uniqueID, maxWindowSize, timeoutMs] { writer.write(v) }
    }
}
extension DisplayChannel.GLScanoutUnix: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        width = try reader.read("gl_scanout.width")
        height = try reader.read("gl_scanout.height")
        stride = try reader.read("gl_scanout.stride")
        drmFourccFormat = try reader.read("gl_scanout.drm_fourcc_format")
        flags = DisplayChannel.GLScanoutFlags(rawValue: try reader.read("gl_scanout.flags"))
    }
    public func encode(to writer: inout MessageWriter) {
        for v in [width, height, stride, drmFourccFormat, flags.rawValue] { writer.write(v) }
    }
}
extension DisplayChannel.GLDraw: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        x = try reader.read("gl_draw.x")
        y = try reader.read("gl_draw.y")
        w = try reader.read("gl_draw.w")
        h = try reader.read("gl_draw.h")
    }
    public func encode(to writer: inout MessageWriter) {
        for v in [x, y, w, h] { writer.write(v) }
    }
}
extension DisplayChannel.QualityIndicator: SpiceMessage {
    public init(from reader: inout MessageReader) throws { data = reader.readRest() }
    public func encode(to writer: inout MessageWriter) { writer.writeBuffer(data) }
}

extension DisplayChannel.Init: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        pixmapCacheID = try reader.read("display_init.pixmap_cache_id")
        pixmapCacheSize = try reader.read("display_init.pixmap_cache_size")
        glzDictionaryID = try reader.read("display_init.glz_dictionary_id")
        glzDictionaryWindowSize = try reader.read("display_init.glz_dictionary_window_size")
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(pixmapCacheID)
        writer.write(pixmapCacheSize)
        writer.write(glzDictionaryID)
        writer.write(glzDictionaryWindowSize)
    }
}
extension DisplayChannel.StreamReport: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        streamID = try reader.read("stream_report.stream_id")
        uniqueID = try reader.read("stream_report.unique_id")
        startFrameMMTime = try reader.read("stream_report.start_frame_mm_time")
        endFrameMMTime = try reader.read("stream_report.end_frame_mm_time")
        numFrames = try reader.read("stream_report.num_frames")
        numDrops = try reader.read("stream_report.num_drops")
        lastFrameDelay = try reader.read("stream_report.last_frame_delay")
        audioDelay = try reader.read("stream_report.audio_delay")
    }
    public func encode(to writer: inout MessageWriter) {
        for v in [streamID, uniqueID, startFrameMMTime, endFrameMMTime, numFrames, numDrops] { writer.write(v) }
        writer.write(lastFrameDelay)
        writer.write(audioDelay)
    }
}
extension DisplayChannel.PreferredCompression: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        imageCompression = DisplayChannel.ImageCompression(rawValue: try reader.read("preferred_compression.image_compression"))
    }
    public func encode(to writer: inout MessageWriter) { writer.write(imageCompression.rawValue) }
}
extension DisplayChannel.GLDrawDone: EmptySpiceMessage {}
extension DisplayChannel.PreferredVideoCodecType: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        let count = try reader.readCount("preferred_video_codec_type.num_of_codecs", as: UInt8.self, elementSize: 1)
        codecs = try reader.readBytes(count, field: "preferred_video_codec_type.codecs").map(DisplayChannel.VideoCodecType.init(rawValue:))
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(UInt8(truncatingIfNeeded: codecs.count))
        writer.writeBytes(codecs.prefix(255).map(\.rawValue))
    }
}
