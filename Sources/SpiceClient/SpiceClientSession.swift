import Logging
import NIOCore
import NIOPosix
import SpiceCodecs
import SpiceProtocol
import Synchronization

/// A connection to a SPICE server: the main channel and the channels it lists, as an async
/// sequence of events plus the primary surface's pixels. The seed of the full client library.
public final class SpiceClientSession: Sendable {
    public let configuration: SpiceClientConfiguration
    public let surface = ClientSurface()
    public let events: AsyncStream<SpiceClientEvent>
    let logger: Logger
    private let continuation: AsyncStream<SpiceClientEvent>.Continuation
    private let group: any EventLoopGroup
    private struct State {
        var sessionID: UInt32 = 0
        var channels: [ChannelID: Channel] = [:]
        var handlers: [ChannelID: NIOLoopBound<ClientChannelHandler>] = [:]
        var closed = false
        /// The pixmap cache the server manages (CACHE_ME adds, INVAL_LIST removes).
        /// The pixmap cache: pixels and whether they came from a lossy (JPEG) image.
        var pixmaps: [UInt64: (image: PixelImage, lossy: Bool)] = [:]
    }
    private let state = Mutex(State())
    /// GLZ images by id, shared by the display channels of this session (one today).
    private let glzWindow = Mutex(GLZDecoderWindow())

    private init(configuration: SpiceClientConfiguration, group: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(4096))
    }

    /// Connects and links the main channel; other channels follow as the server lists them.
    public static func connect(_ configuration: SpiceClientConfiguration, group: any EventLoopGroup,
                               logger: Logger = Logger(label: "spice-client")) async throws -> SpiceClientSession {
        let session = SpiceClientSession(configuration: configuration, group: group, logger: logger)
        try await session.open(ChannelID(type: .main, id: 0), connectionID: 0).get()
        return session
    }

    public var sessionID: UInt32 { state.withLock { $0.sessionID } }

    /// Closes every channel.
    public func close() {
        let channels = state.withLock { s -> [Channel] in
            s.closed = true
            return Array(s.channels.values)
        }
        for c in channels { c.close(promise: nil) }
        continuation.finish()
    }

    /// Stops reading a channel's socket (to test a server's handling of a client that stalls).
    public func stopReading(_ channel: ChannelID) {
        let c = state.withLock { $0.channels[channel] }
        c?.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
    }

    /// Sends a message on a linked channel (from any thread).
    public func send<M: SpiceMessage>(_ message: M, on channel: ChannelID) {
        guard let bound = state.withLock({ $0.handlers[channel] }) else { return }
        bound.eventLoop.execute {
            bound.value.send(message)
            bound.value.flush()
        }
    }

    private func open(_ id: ChannelID, connectionID: UInt32) -> EventLoopFuture<Void> {
        let caps: CapabilitySet
        switch id.type {
        case .main: caps = CapabilitySet([MainCapability.nameAndUUID, MainCapability.agentConnectedTokens])
        case .display: caps = CapabilitySet([DisplayCapability.monitorsConfig, DisplayCapability.lz4Compression])
        default: caps = CapabilitySet()
        }
        let password = configuration.password
        let limits = configuration.limits
        return ClientBootstrap(group: group)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = ClientChannelHandler(channelID: id, connectionID: connectionID, channelCaps: caps,
                                                       password: password, limits: limits, session: self)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    self.state.withLock { $0.handlers[id] = NIOLoopBound(handler, eventLoop: channel.eventLoop) }
                }
            }
            .connect(host: configuration.host, port: configuration.port)
            .map { channel in self.state.withLock { $0.channels[id] = channel } }
    }

    // MARK: Called by channel handlers on their event loops

    func channelLinked(_ handler: ClientChannelHandler) {
        continuation.yield(.linked(handler.channelID))
        switch handler.channelID.type {
        case .display:
            handler.send(DisplayChannel.Init(pixmapCacheID: 1, pixmapCacheSize: configuration.pixmapCacheSize,
                                             glzDictionaryID: 1, glzDictionaryWindowSize: configuration.glzWindowSize))
            handler.flush()
        default: break
        }
    }

    func linkFailed(_ id: ChannelID, _ failure: ClientLinkStateMachine.Failure) {
        logger.warning("link failed", metadata: ["channel": "\(id)", "error": "\(failure.error)", "reason": "\(failure.reason)"])
        continuation.yield(.linkFailed(id, failure.error))
    }

    func serverDisconnecting(reason: LinkError, message: String?) {
        continuation.yield(.serverDisconnecting(reason: reason, message: message))
    }

    func channelClosed(_ id: ChannelID, reason: String) {
        state.withLock {
            $0.channels[id] = nil
            $0.handlers[id] = nil
        }
        continuation.yield(.closed(id, reason: reason))
        if id.type == .main { close() }
    }

    func received(_ frame: MessageFrame, on handler: ClientChannelHandler) throws {
        switch handler.channelID.type {
        case .main: try receivedMain(frame, on: handler)
        case .display: try receivedDisplay(frame)
        case .cursor:
            switch try CursorChannel.ServerMessage.decode(type: frame.type, body: frame.body, limits: configuration.limits) {
            case .`init`(let m):
                if let h = m.cursor.header { continuation.yield(.cursorShape(width: Int(h.width), height: Int(h.height))) }
            case .set(let m):
                if let h = m.cursor.header { continuation.yield(.cursorShape(width: Int(h.width), height: Int(h.height))) }
                continuation.yield(.cursorMoved(x: Int(m.position.x), y: Int(m.position.y)))
            case .move(let m):
                continuation.yield(.cursorMoved(x: Int(m.position.x), y: Int(m.position.y)))
            case .hide:
                continuation.yield(.cursorHidden)
            default:
                break
            }
        default:
            break  // inputs: INIT, modifiers and motion acks need no answer here
        }
    }

    private func receivedMain(_ frame: MessageFrame, on handler: ClientChannelHandler) throws {
        switch try MainChannel.ServerMessage.decode(type: frame.type, body: frame.body, limits: configuration.limits) {
        case .`init`(let m):
            state.withLock { $0.sessionID = m.sessionID }
            continuation.yield(.sessionStarted(sessionID: m.sessionID))
            handler.send(MainChannel.AttachChannels())
        case .mouseMode(let m):
            continuation.yield(.mouseMode(m.currentMode.rawValue))
        case .channelsList(let list):
            continuation.yield(.channelsListed(list.channels))
            let sessionID = self.sessionID
            for id in list.channels where configuration.channels.contains(id.type) {
                let alreadyOpen = state.withLock { $0.channels[id] != nil || $0.closed }
                guard !alreadyOpen else { continue }
                open(id, connectionID: sessionID).whenFailure { [self] error in
                    logger.warning("cannot open \(id): \(error)")
                    continuation.yield(.closed(id, reason: "\(error)"))
                }
            }
        default:
            break
        }
    }

    /// Pixels of a SPICE image, from the wire or the pixmap cache; cached when CACHE_ME.
    private func decodeImage(_ image: DisplayChannel.Image) throws -> PixelImage {
        let w = Int(image.width), h = Int(image.height)
        let pixels: PixelImage
        switch image.content {
        case .bitmap(let b):
            guard b.format == .thirtyTwoBit || b.format == .rgba else { throw CodecError("bitmap", "format \(b.format.rawValue) not supported yet") }
            pixels = PixelImage(width: Int(b.width), height: Int(b.height), stride: Int(b.stride),
                                format: b.format == .rgba ? .rgba : .rgb32, topDown: b.flags.contains(.topDown),
                                data: Array(b.data.readableBytesView))
        case .lz4(let data):
            pixels = try SpiceLZ4.decode(Array(data.readableBytesView), width: w, height: h)
        case .jpeg(let data):
            pixels = try SpiceJPEG.decode(Array(data.readableBytesView))
        case .quic(let data):
            pixels = try Quic.decode(Array(data.readableBytesView))
        case .jpegAlpha(let ja):
            pixels = try SpiceJPEGAlpha.decode(Array(ja.data.readableBytesView), jpegSize: Int(ja.jpegSize))
        case .lzRGB(let data):
            pixels = try LZ.decodeToRGB32(Array(data.readableBytesView))
        case .glzRGB(let data):
            pixels = try glzWindow.withLock { try $0.decode(Array(data.readableBytesView)) }
        case .zlibGlzRGB(let z):
            let glz = try SpiceZlib.decompress(Array(z.data.readableBytesView), expectedSize: Int(z.glzDataSize))
            pixels = try glzWindow.withLock { try $0.decode(glz) }
        case .fromCache, .fromCacheLossless:
            guard let cached = state.withLock({ $0.pixmaps[image.id] }) else {
                throw CodecError("cache", "image \(image.id) is not in the pixmap cache")
            }
            if case .fromCacheLossless = image.content, cached.lossy {
                throw CodecError("cache", "image \(image.id) is lossy in the cache but the draw needs it lossless")
            }
            pixels = cached.image
        default:
            throw CodecError("image", "image type \(image.type.rawValue) not supported yet")
        }
        let lossy = image.type == .jpeg || image.type == .jpegAlpha
        if image.flags.contains(.cacheMe) {
            state.withLock { $0.pixmaps[image.id] = (pixels, lossy) }
        } else if image.flags.contains(.cacheReplaceMe) {
            // The lossless version of an image cached from JPEG, under the same id.
            guard !lossy else { throw CodecError("cache", "image \(image.id): a lossy image cannot replace a cached one") }
            try state.withLock { s in
                guard s.pixmaps[image.id] != nil else { throw CodecError("cache", "image \(image.id) to replace is not in the pixmap cache") }
                s.pixmaps[image.id] = (pixels, false)
            }
        }
        return pixels
    }

    private func receivedDisplay(_ frame: MessageFrame) throws {
        switch try DisplayChannel.ServerMessage.decode(type: frame.type, body: frame.body, limits: configuration.limits) {
        case .surfaceCreate(let m):
            if m.flags.contains(.primary) { surface.create(width: Int(m.width), height: Int(m.height)) }
            continuation.yield(.surfaceCreated(surfaceID: m.surfaceID, width: Int(m.width), height: Int(m.height)))
        case .surfaceDestroy(let m):
            continuation.yield(.surfaceDestroyed(surfaceID: m.surfaceID))
        case .drawCopy(let m):
            guard m.base.surfaceID == 0 else { return }
            let image = try decodeImage(m.sourceBitmap)
            if surface.draw(image, sourceArea: m.sourceArea, box: m.base.box) {
                let b = m.base.box
                continuation.yield(.drawn(x: Int(b.left), y: Int(b.top), width: Int(b.width), height: Int(b.height)))
            }
        case .invalList(let m):
            state.withLock { s in for r in m.resources { s.pixmaps[r.id] = nil } }
        case .invalAllPixmaps:
            state.withLock { $0.pixmaps.removeAll() }
        case .copyBits(let m):
            if surface.copyBits(from: m.sourcePosition, to: m.base.box) {
                let b = m.base.box
                continuation.yield(.drawn(x: Int(b.left), y: Int(b.top), width: Int(b.width), height: Int(b.height)))
            }
        case .mark:
            continuation.yield(.mark)
        case .monitorsConfig(let m):
            continuation.yield(.monitorsConfigured(count: m.heads.count))
        default:
            break
        }
    }
}
