import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SpiceCodecs
import SpiceProtocol
import Synchronization

/// A connection to a SPICE server: the main channel and the channels it lists, as an async
/// sequence of events plus the primary surface's pixels. The seed of the full client library.
public final class SpiceClientSession: Sendable {
    public let configuration: SpiceClientConfiguration
    public let surface: ClientSurface
    public let events: AsyncStream<SpiceClientEvent>
    let logger: Logger
    private let continuation: AsyncStream<SpiceClientEvent>.Continuation
    private let group: any EventLoopGroup
    struct State {
        var sessionID: UInt32 = 0
        var channels: [ChannelID: Channel] = [:]
        var handlers: [ChannelID: NIOLoopBound<ClientChannelHandler>] = [:]
        var handlerIDs: [ChannelID: ObjectIdentifier] = [:]
        var secure: Set<ChannelID> = []
        /// Connections replaced by a TLS retry (their close is not the channel's).
        var retired: Set<ObjectIdentifier> = []
        var closed = false
    }
    let state = Mutex(State())
    let inputs = Mutex(ClientInputsState())
    let agent: Mutex<ClientAgentState>
    private let cursorModel = Mutex(ClientCursorModel())
    private let tlsContext: NIOSSLContext?

    private init(configuration: SpiceClientConfiguration, group: any EventLoopGroup, logger: Logger) throws {
        self.configuration = configuration
        surface = ClientSurface(quicDecoder: configuration.quicDecoder)
        self.group = group
        self.logger = logger
        agent = Mutex(ClientAgentState(maxMessageSize: configuration.agentMaxMessageSize, maxQueuedBytes: configuration.agentMaxQueuedBytes))
        tlsContext = configuration.tlsPort != nil ? try ClientTLSSetup.makeContext(configuration.tls) : nil
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(4096))
    }

    /// Connects and links the main channel; other channels follow as the server lists them.
    /// With a plaintext port, channels start there and move to `tlsPort` on NEED_SECURED (as
    /// spice-gtk does); with port 0 every channel uses TLS. Throws ClientTLSError for unusable
    /// TLS settings (CA file, host subject).
    public static func connect(_ configuration: SpiceClientConfiguration, group: any EventLoopGroup,
                               logger: Logger = Logger(label: "spice-client")) async throws -> SpiceClientSession {
        guard configuration.port > 0 || configuration.tlsPort != nil else { throw ClientTLSError("no port and no TLS port") }
        let session = try SpiceClientSession(configuration: configuration, group: group, logger: logger)
        try await session.open(ChannelID(type: .main, id: 0), connectionID: 0, secure: configuration.port <= 0).get()
        return session
    }

    /// The cursor as the server last set it.
    public var cursor: ClientCursorState { cursorModel.withLock { $0.state } }

    /// Whether a channel is linked now.
    public func isLinked(_ channel: ChannelID) -> Bool { state.withLock { $0.handlers[channel] != nil } }

    /// Whether a channel runs over TLS.
    public func isSecure(_ channel: ChannelID) -> Bool { state.withLock { $0.secure.contains(channel) } }

    func emit(_ event: SpiceClientEvent) { continuation.yield(event) }

    /// Runs `body` on a linked channel's event loop (`orElse` when it is not linked).
    func onChannel(_ channel: ChannelID, orElse: (@Sendable (SpiceClientSession) -> Void)? = nil,
                   _ body: @escaping @Sendable (ClientChannelHandler, SpiceClientSession) -> Void) {
        guard let bound = state.withLock({ $0.handlers[channel] }) else { orElse?(self); return }
        bound.eventLoop.execute {
            body(bound.value, self)
            bound.value.flush()
        }
    }

    public var sessionID: UInt32 { state.withLock { $0.sessionID } }

    /// Closes every channel.
    public func close() {
        let channels = state.withLock { s -> [Channel] in
            s.closed = true
            return Array(s.channels.values)
        }
        for c in channels { c.close(promise: nil) }
        agentDisconnected()  // pending clipboard requests and transfers end now
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

    private func open(_ id: ChannelID, connectionID: UInt32, secure: Bool) -> EventLoopFuture<Void> {
        let caps: CapabilitySet
        switch id.type {
        case .main: caps = CapabilitySet([MainCapability.nameAndUUID, MainCapability.agentConnectedTokens])
        case .display:
            // What spice-gtk offers, with MJPEG as the only video codec: servers (QXL guests) pick
            // their drawing by these. MULTI_CODEC + CODEC_MJPEG keeps spice-server on its MJPEG
            // encoder whatever its codec list says (without MULTI_CODEC it assumes MJPEG too);
            // SIZED_STREAM lets it keep a stream whose frames change size (STREAM_DATA_SIZED).
            // No STREAM_REPORT: we do not send stream reports, so the server adapts its bit rate
            // alone and never asks for them (STREAM_ACTIVATE_REPORT).
            caps = CapabilitySet([DisplayCapability.sizedStream, DisplayCapability.monitorsConfig, DisplayCapability.composite,
                                  DisplayCapability.a8Surface, DisplayCapability.lz4Compression,
                                  DisplayCapability.multiCodec, DisplayCapability.codecMJPEG]
                                 + (configuration.preferredCompression != nil ? [DisplayCapability.prefCompression] : []))
        default: caps = CapabilitySet()
        }
        let password = configuration.password
        let limits = configuration.limits
        let port: Int
        let tls: (context: NIOSSLContext, serverName: String?, subject: String?)?
        if secure {
            guard let tlsPort = configuration.tlsPort, let context = tlsContext else {
                return group.next().makeFailedFuture(ClientTLSError("\(id) needs TLS but there is no TLS port"))
            }
            port = tlsPort
            tls = (context, ClientTLSSetup.serverName(configuration.host), configuration.tls.hostSubject)
        } else {
            port = configuration.port
            tls = nil
        }
        state.withLock { if secure { $0.secure.insert(id) } else { $0.secure.remove(id) } }
        return ClientBootstrap(group: group)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = ClientChannelHandler(channelID: id, connectionID: connectionID, channelCaps: caps,
                                                       password: password, limits: limits, session: self,
                                                       tlsSubject: tls.map { $0.subject })
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                    self.state.withLock {
                        $0.handlerIDs[id] = ObjectIdentifier(handler)
                    }
                }
            }
            .connect(host: configuration.host, port: port)
            .map { channel in self.state.withLock { $0.channels[id] = channel } }
    }

    // MARK: Called by channel handlers on their event loops

    func channelLinked(_ handler: ClientChannelHandler, eventLoop: any EventLoop) {
        state.withLock { $0.handlers[handler.channelID] = NIOLoopBound(handler, eventLoop: eventLoop) }
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

    /// A link refusal; NEED_SECURED moves the channel to the TLS port when there is one.
    func linkFailed(_ handler: ClientChannelHandler, _ failure: ClientLinkStateMachine.Failure) {
        let id = handler.channelID
        if failure.error == .needSecured, configuration.tlsPort != nil, !isSecure(id) {
            logger.info("NEED_SECURED: moving \(id) to TLS")
            state.withLock { _ = $0.retired.insert(ObjectIdentifier(handler)) }
            let connectionID = id.type == .main ? 0 : sessionID
            open(id, connectionID: connectionID, secure: true).whenFailure { [self] error in
                continuation.yield(.linkFailed(id, failure.error))
                continuation.yield(.closed(id, reason: "\(error)"))
            }
            return
        }
        logger.warning("link failed", metadata: ["channel": "\(id)", "error": "\(failure.error)", "reason": "\(failure.reason)"])
        continuation.yield(.linkFailed(id, failure.error))
    }

    func serverDisconnecting(reason: LinkError, message: String?) {
        continuation.yield(.serverDisconnecting(reason: reason, message: message))
    }

    func channelFailed(_ id: ChannelID, reason: String) {
        continuation.yield(.failed(id, reason: reason))
    }

    func tlsFailed(_ id: ChannelID, reason: String) {
        logger.warning("TLS failed", metadata: ["channel": "\(id)", "reason": "\(reason)"])
        continuation.yield(.tlsFailed(id, reason: reason))
    }

    func channelClosed(_ handler: ClientChannelHandler, reason: String) {
        let id = handler.channelID
        let current = state.withLock { s -> Bool in
            // A channel that moved to TLS closes its plaintext connection: not the channel's end.
            if s.retired.remove(ObjectIdentifier(handler)) != nil { return false }
            guard s.handlerIDs[id] == nil || s.handlerIDs[id] == ObjectIdentifier(handler) else { return false }
            s.channels[id] = nil
            s.handlers[id] = nil
            s.handlerIDs[id] = nil
            return true
        }
        guard current else { return }
        if id.type == .main { agentDisconnected() }
        continuation.yield(.closed(id, reason: reason))
        if id.type == .main { close() }
    }

    func received(_ frame: MessageFrame, on handler: ClientChannelHandler) throws {
        switch handler.channelID.type {
        case .main: try receivedMain(frame, on: handler)
        case .display: try receivedDisplay(frame)
        case .cursor:
            let message = try CursorChannel.ServerMessage.decode(type: frame.type, body: frame.body, limits: configuration.limits)
            let change = try cursorModel.withLock { try $0.apply(message) }
            if let shape = change.shape {
                if let shape { continuation.yield(.cursorShape(width: shape.width, height: shape.height)) }
                continuation.yield(.cursorChanged(shape))
            }
            if let p = change.position { continuation.yield(.cursorMoved(x: p.x, y: p.y)) }
            if let v = change.visible { continuation.yield(v ? .cursorShown : .cursorHidden) }
        case .inputs: try receivedInputs(frame, on: handler)
        default:
            break
        }
    }

    private func receivedMain(_ frame: MessageFrame, on handler: ClientChannelHandler) throws {
        switch try MainChannel.ServerMessage.decode(type: frame.type, body: frame.body, limits: configuration.limits) {
        case .`init`(let m):
            state.withLock { $0.sessionID = m.sessionID }
            inputs.withLock {
                $0.mouseMode = m.currentMouseMode
                $0.supportedMouseModes = m.supportedMouseModes
            }
            continuation.yield(.sessionStarted(sessionID: m.sessionID))
            continuation.yield(.mouseMode(m.currentMouseMode.rawValue))
            handler.send(MainChannel.AttachChannels())
            if m.agentConnected != 0 { agentConnected(tokens: m.agentTokens, handler) }
        case .mouseMode(let m):
            inputs.withLock {
                $0.mouseMode = m.currentMode
                $0.supportedMouseModes = m.supportedModes
            }
            continuation.yield(.mouseMode(m.currentMode.rawValue))
        case .agentConnected:
            agentConnected(tokens: 10, handler)  // servers without AGENT_CONNECTED_TOKENS grant the default window
        case .agentConnectedTokens(let m):
            agentConnected(tokens: m.numTokens, handler)
        case .agentDisconnected:
            agentDisconnected()
        case .agentToken(let m):
            agent.withLock { $0.flow.serverReturned(tokens: m.numTokens) }
            agentFlush(handler)
        case .agentData(let m):
            try agentData(m.data, handler)
        case .channelsList(let list):
            continuation.yield(.channelsListed(list.channels))
            let sessionID = self.sessionID
            for id in list.channels where configuration.channels.contains(id.type) {
                let alreadyOpen = state.withLock { $0.channels[id] != nil || $0.closed }
                guard !alreadyOpen else { continue }
                open(id, connectionID: sessionID, secure: configuration.port <= 0).whenFailure { [self] error in
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
