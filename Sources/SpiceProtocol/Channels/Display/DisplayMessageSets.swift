import NIOCore

// MARK: message sets

extension DisplayChannel.ServerMessage: SpiceMessageSet {
    public static var channel: ChannelType { .display }

    public var messageType: UInt16 {
        switch self {
        case .base(let m): return m.messageType
        case .mode: return DisplayChannel.Mode.messageType
        case .mark: return DisplayChannel.Mark.messageType
        case .reset: return DisplayChannel.Reset.messageType
        case .copyBits: return DisplayChannel.CopyBits.messageType
        case .invalList: return DisplayChannel.InvalList.messageType
        case .invalAllPixmaps: return DisplayChannel.InvalAllPixmaps.messageType
        case .invalPalette: return DisplayChannel.InvalPalette.messageType
        case .invalAllPalettes: return DisplayChannel.InvalAllPalettes.messageType
        case .streamCreate: return DisplayChannel.StreamCreate.messageType
        case .streamData: return DisplayChannel.StreamData.messageType
        case .streamClip: return DisplayChannel.StreamClip.messageType
        case .streamDestroy: return DisplayChannel.StreamDestroy.messageType
        case .streamDestroyAll: return DisplayChannel.StreamDestroyAll.messageType
        case .drawFill: return DisplayChannel.DrawFill.messageType
        case .drawOpaque: return DisplayChannel.DrawOpaque.messageType
        case .drawCopy: return DisplayChannel.DrawCopy.messageType
        case .drawBlend: return DisplayChannel.DrawBlend.messageType
        case .drawBlackness: return DisplayChannel.DrawBlackness.messageType
        case .drawWhiteness: return DisplayChannel.DrawWhiteness.messageType
        case .drawInvers: return DisplayChannel.DrawInvers.messageType
        case .drawRop3: return DisplayChannel.DrawRop3.messageType
        case .drawStroke: return DisplayChannel.DrawStroke.messageType
        case .drawText: return DisplayChannel.DrawText.messageType
        case .drawTransparent: return DisplayChannel.DrawTransparent.messageType
        case .drawAlphaBlend: return DisplayChannel.DrawAlphaBlend.messageType
        case .surfaceCreate: return DisplayChannel.SurfaceCreate.messageType
        case .surfaceDestroy: return DisplayChannel.SurfaceDestroy.messageType
        case .streamDataSized: return DisplayChannel.StreamDataSized.messageType
        case .monitorsConfig: return DisplayChannel.MonitorsConfig.messageType
        case .drawComposite: return DisplayChannel.DrawComposite.messageType
        case .streamActivateReport: return DisplayChannel.StreamActivateReport.messageType
        case .glScanoutUnix: return DisplayChannel.GLScanoutUnix.messageType
        case .glDraw: return DisplayChannel.GLDraw.messageType
        case .qualityIndicator: return DisplayChannel.QualityIndicator.messageType
        }
    }

    public static func decode(type: UInt16, from reader: inout MessageReader) throws -> Self {
        if let base = try BaseChannel.ServerMessage.decodeIfBase(type: type, from: &reader) { return .base(base) }
        switch type {
        case DisplayChannel.Mode.messageType: return .mode(try .init(from: &reader))
        case DisplayChannel.Mark.messageType: return .mark(try .init(from: &reader))
        case DisplayChannel.Reset.messageType: return .reset(try .init(from: &reader))
        case DisplayChannel.CopyBits.messageType: return .copyBits(try .init(from: &reader))
        case DisplayChannel.InvalList.messageType: return .invalList(try .init(from: &reader))
        case DisplayChannel.InvalAllPixmaps.messageType: return .invalAllPixmaps(try .init(from: &reader))
        case DisplayChannel.InvalPalette.messageType: return .invalPalette(try .init(from: &reader))
        case DisplayChannel.InvalAllPalettes.messageType: return .invalAllPalettes(try .init(from: &reader))
        case DisplayChannel.StreamCreate.messageType: return .streamCreate(try .init(from: &reader))
        case DisplayChannel.StreamData.messageType: return .streamData(try .init(from: &reader))
        case DisplayChannel.StreamClip.messageType: return .streamClip(try .init(from: &reader))
        case DisplayChannel.StreamDestroy.messageType: return .streamDestroy(try .init(from: &reader))
        case DisplayChannel.StreamDestroyAll.messageType: return .streamDestroyAll(try .init(from: &reader))
        case DisplayChannel.DrawFill.messageType: return .drawFill(try .init(from: &reader))
        case DisplayChannel.DrawOpaque.messageType: return .drawOpaque(try .init(from: &reader))
        case DisplayChannel.DrawCopy.messageType: return .drawCopy(try .init(from: &reader))
        case DisplayChannel.DrawBlend.messageType: return .drawBlend(try .init(from: &reader))
        case DisplayChannel.DrawBlackness.messageType: return .drawBlackness(try .init(from: &reader))
        case DisplayChannel.DrawWhiteness.messageType: return .drawWhiteness(try .init(from: &reader))
        case DisplayChannel.DrawInvers.messageType: return .drawInvers(try .init(from: &reader))
        case DisplayChannel.DrawRop3.messageType: return .drawRop3(try .init(from: &reader))
        case DisplayChannel.DrawStroke.messageType: return .drawStroke(try .init(from: &reader))
        case DisplayChannel.DrawText.messageType: return .drawText(try .init(from: &reader))
        case DisplayChannel.DrawTransparent.messageType: return .drawTransparent(try .init(from: &reader))
        case DisplayChannel.DrawAlphaBlend.messageType: return .drawAlphaBlend(try .init(from: &reader))
        case DisplayChannel.SurfaceCreate.messageType: return .surfaceCreate(try .init(from: &reader))
        case DisplayChannel.SurfaceDestroy.messageType: return .surfaceDestroy(try .init(from: &reader))
        case DisplayChannel.StreamDataSized.messageType: return .streamDataSized(try .init(from: &reader))
        case DisplayChannel.MonitorsConfig.messageType: return .monitorsConfig(try .init(from: &reader))
        case DisplayChannel.DrawComposite.messageType: return .drawComposite(try .init(from: &reader))
        case DisplayChannel.StreamActivateReport.messageType: return .streamActivateReport(try .init(from: &reader))
        case DisplayChannel.GLScanoutUnix.messageType: return .glScanoutUnix(try .init(from: &reader))
        case DisplayChannel.GLDraw.messageType: return .glDraw(try .init(from: &reader))
        case DisplayChannel.QualityIndicator.messageType: return .qualityIndicator(try .init(from: &reader))
        default: throw SpiceProtocolError.unknownMessage(channel: .display, type: type)
        }
    }

    public func encode(to writer: inout MessageWriter) {
        switch self {
        case .base(let m): m.encode(to: &writer)
        case .mode(let m): m.encode(to: &writer)
        case .mark(let m): m.encode(to: &writer)
        case .reset(let m): m.encode(to: &writer)
        case .copyBits(let m): m.encode(to: &writer)
        case .invalList(let m): m.encode(to: &writer)
        case .invalAllPixmaps(let m): m.encode(to: &writer)
        case .invalPalette(let m): m.encode(to: &writer)
        case .invalAllPalettes(let m): m.encode(to: &writer)
        case .streamCreate(let m): m.encode(to: &writer)
        case .streamData(let m): m.encode(to: &writer)
        case .streamClip(let m): m.encode(to: &writer)
        case .streamDestroy(let m): m.encode(to: &writer)
        case .streamDestroyAll(let m): m.encode(to: &writer)
        case .drawFill(let m): m.encode(to: &writer)
        case .drawOpaque(let m): m.encode(to: &writer)
        case .drawCopy(let m): m.encode(to: &writer)
        case .drawBlend(let m): m.encode(to: &writer)
        case .drawBlackness(let m): m.encode(to: &writer)
        case .drawWhiteness(let m): m.encode(to: &writer)
        case .drawInvers(let m): m.encode(to: &writer)
        case .drawRop3(let m): m.encode(to: &writer)
        case .drawStroke(let m): m.encode(to: &writer)
        case .drawText(let m): m.encode(to: &writer)
        case .drawTransparent(let m): m.encode(to: &writer)
        case .drawAlphaBlend(let m): m.encode(to: &writer)
        case .surfaceCreate(let m): m.encode(to: &writer)
        case .surfaceDestroy(let m): m.encode(to: &writer)
        case .streamDataSized(let m): m.encode(to: &writer)
        case .monitorsConfig(let m): m.encode(to: &writer)
        case .drawComposite(let m): m.encode(to: &writer)
        case .streamActivateReport(let m): m.encode(to: &writer)
        case .glScanoutUnix(let m): m.encode(to: &writer)
        case .glDraw(let m): m.encode(to: &writer)
        case .qualityIndicator(let m): m.encode(to: &writer)
        }
    }
}

extension DisplayChannel.ClientMessage: SpiceMessageSet {
    public static var channel: ChannelType { .display }

    public var messageType: UInt16 {
        switch self {
        case .base(let m): return m.messageType
        case .`init`: return DisplayChannel.Init.messageType
        case .streamReport: return DisplayChannel.StreamReport.messageType
        case .preferredCompression: return DisplayChannel.PreferredCompression.messageType
        case .glDrawDone: return DisplayChannel.GLDrawDone.messageType
        case .preferredVideoCodecType: return DisplayChannel.PreferredVideoCodecType.messageType
        }
    }

    public static func decode(type: UInt16, from reader: inout MessageReader) throws -> Self {
        if let base = try BaseChannel.ClientMessage.decodeIfBase(type: type, from: &reader) { return .base(base) }
        switch type {
        case DisplayChannel.Init.messageType: return .`init`(try .init(from: &reader))
        case DisplayChannel.StreamReport.messageType: return .streamReport(try .init(from: &reader))
        case DisplayChannel.PreferredCompression.messageType: return .preferredCompression(try .init(from: &reader))
        case DisplayChannel.GLDrawDone.messageType: return .glDrawDone(try .init(from: &reader))
        case DisplayChannel.PreferredVideoCodecType.messageType: return .preferredVideoCodecType(try .init(from: &reader))
        default: throw SpiceProtocolError.unknownMessage(channel: .display, type: type)
        }
    }

    public func encode(to writer: inout MessageWriter) {
        switch self {
        case .base(let m): m.encode(to: &writer)
        case .`init`(let m): m.encode(to: &writer)
        case .streamReport(let m): m.encode(to: &writer)
        case .preferredCompression(let m): m.encode(to: &writer)
        case .glDrawDone(let m): m.encode(to: &writer)
        case .preferredVideoCodecType(let m): m.encode(to: &writer)
        }
    }
}

