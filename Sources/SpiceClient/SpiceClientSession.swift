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
    }
    private let state = Mutex(State())

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
        case .display:
            // What spice-gtk offers minus video: servers (QXL guests) pick their drawing by these.
            caps = CapabilitySet([DisplayCapability.monitorsConfig, DisplayCapability.composite,
                                  DisplayCapability.a8Surface, DisplayCapability.lz4Compression]
                                 + (configuration.preferredCompression != nil ? [DisplayCapability.prefCompression] : []))
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
            if let preferred = configuration.preferredCompression {
                handler.send(DisplayChannel.PreferredCompression(imageCompression: preferred))
            }
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

    func channelFailed(_ id: ChannelID, reason: String) {
        continuation.yield(.failed(id, reason: reason))
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

    private func receivedDisplay(_ frame: MessageFrame) throws {
        let message = try DisplayChannel.ServerMessage.decode(type: frame.type, body: frame.body, limits: configuration.limits)
        let damage = try surface.apply(message)
        switch message {
        case .surfaceCreate(let m):
            continuation.yield(.surfaceCreated(surfaceID: m.surfaceID, width: Int(m.width), height: Int(m.height)))
        case .surfaceDestroy(let m):
            continuation.yield(.surfaceDestroyed(surfaceID: m.surfaceID))
        case .mark:
            continuation.yield(.mark)
        case .monitorsConfig(let m):
            continuation.yield(.monitorsConfigured(count: m.heads.count))
        default:
            if let damage, damage.surfaceID == surface.primaryID {
                let b = damage.box
                continuation.yield(.drawn(x: Int(b.left), y: Int(b.top), width: b.spanX, height: b.spanY))
            }
        }
    }
}
