import Logging
import NIOCore
import SaffronDesktop
import SpiceProtocol

/// The main channel of one client: session setup, channel list, mouse mode, latency probes.
/// Its lifetime is the client's: when it closes, the client's other channels close too.
final class MainChannelHandler: SpiceChannelHandler {
    private var pings = PingTracker()
    /// The net test's pings: (latency id, padded id), and the latency ping's round trip.
    private var netTest: (latency: UInt32, padded: UInt32)?
    private var netTestLatency: UInt64?
    static let netTestBytes = 256_000
    private var pingTask: RepeatedTask?
    private var sentChannelsList = false
    /// The built-in agent and its data flow (nil when the agent is off).
    private var agent: BuiltInAgent?
    private var agentFlow: ServerAgentFlow?
    /// Desktop clipboard data this client asked for and waits for.
    private var awaitingDesktopData: Set<ClipboardKey> = []
    private var clipboardSubscription: Int?
    /// Files this client is sending into the session.
    private var files: FileTransferReceiver?
    private var toldDesktopOffers = false
    struct ClipboardKey: Hashable {
        var selection: ClipboardSelectionName
        var format: ClipboardFormat
    }

    static let supportedMouseModes: MainChannel.MouseModes = [.server, .client]
    /// AGENT_DATA messages a client may send before we return tokens (the spice server's 10).
    static let agentWindow = 10

    override func started() {
        if server.configuration.agent {
            agent = BuiltInAgent(resizePolicy: server.configuration.resize, fileTransfer: server.configuration.transferDirectory != nil)
            if let dir = server.configuration.transferDirectory {
                files = FileTransferReceiver(settings: .init(directory: dir, maxFileSize: server.configuration.maxTransferFileSize))
            }
            agentFlow = ServerAgentFlow(window: Self.agentWindow, maxMessageSize: server.configuration.maxAgentMessage,
                                        maxQueuedBytes: server.configuration.maxAgentQueue)
        }
        server.stats.update {
            $0.clientsConnected += 1
            $0.clientsTotal += 1
        }
        send(MainChannel.Init(
            sessionID: session.id,
            displayChannelsHint: 1,
            supportedMouseModes: Self.supportedMouseModes,
            currentMouseMode: MainChannel.MouseModes(rawValue: session.mouseMode.rawValue),
            agentConnected: agent != nil ? 1 : 0,
            agentTokens: UInt32(Self.agentWindow),
            multiMediaTime: server.multimediaTime &- 400,
            ramHint: 0))
        if clientChannelCaps.contains(MainCapability.nameAndUUID) {
            send(MainChannel.Name(name: server.configuration.name))
            send(MainChannel.UUID(uuid: server.configuration.uuid))
        }
        startNetTest()
        session.onDisconnect(hopping { (handler: SpiceChannelHandler, reason: String) in
            (handler as! MainChannelHandler).disconnect(reason: .ok, message: reason)
        })
        if agent != nil {
            clipboardSubscription = server.hub.subscribe(hopping { (handler: SpiceChannelHandler, event: DesktopEvent) in
                if case .clipboard(let c) = event { (handler as! MainChannelHandler).desktopClipboard(c) }
            })
        }
        if let ended = server.hub.endReason {
            // Between a desktop's end and its replacement: say so rather than show nothing.
            return disconnect(reason: .ok, message: "the desktop ended: \(ended); try again in a moment")
        }
        guard let context else { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        pingTask = context.eventLoop.scheduleRepeatedTask(initialDelay: server.configuration.pingInterval,
                                                          delay: server.configuration.pingInterval) { _ in
            bound.value.sendPing()
            bound.value.flush()
        }
    }

    @discardableResult
    private func sendPing(padding: Int = 0) -> UInt32? {
        let now = UInt64(NIODeadline.now().uptimeNanoseconds)
        guard let id = pings.ping(now: now) else { return nil }
        send(BaseChannel.Ping(id: id, timestamp: now, data: ByteBuffer(repeating: 0, count: padding)))
        return id
    }

    /// Warm-up, latency and 256000-byte pings, as the spice server does: their round trips give
    /// the link's latency and bandwidth, which decide lossy (JPEG) compression on slow links.
    private func startNetTest() {
        sendPing()
        guard let latency = sendPing(), let padded = sendPing(padding: Self.netTestBytes) else { return }
        netTest = (latency, padded)
    }

    override func receivedPong(_ pong: BaseChannel.Pong) {
        let now = UInt64(NIODeadline.now().uptimeNanoseconds)
        guard let rtt = pings.pong(id: pong.id, now: now) else { return }
        if let test = netTest, pong.id == test.padded {
            netTest = nil
            if let latency = netTestLatency,
               let bandwidth = LinkQuality.bandwidth(paddingBytes: Self.netTestBytes, latencyRTTNanoseconds: latency, paddedRTTNanoseconds: rtt) {
                session.updateLinkQuality { $0.bitsPerSecond = bandwidth }
                logger.info("net test", metadata: ["rtt-us": "\(latency / 1000)", "mbit/s": "\(Int(bandwidth / 1e6))"])
            }
            return
        }
        if let test = netTest, pong.id == test.latency { netTestLatency = rtt }
        let micros = Int(rtt / 1000)
        session.updateLinkQuality { $0.roundTripMicroseconds = micros }
        server.stats.update { $0.lastRoundTripMicroseconds = micros }
        logger.debug("round trip", metadata: ["us": "\(micros)"])
    }

    override func received(_ frame: MessageFrame) throws {
        let message = try MainChannel.ClientMessage.decode(type: frame.type, body: frame.body, limits: framer.limits)
        switch message {
        case .attachChannels:
            guard !sentChannelsList else { return }
            sentChannelsList = true
            send(MainChannel.ChannelsList(channels: ServerContext.offeredChannels))
        case .mouseModeRequest(let request):
            let mode = MouseMode(rawValue: request.mode.rawValue)
            guard mode == .server || mode == .client else {
                logger.warning("client asked for unknown mouse mode \(request.mode.rawValue)")
                return
            }
            session.setMouseMode(mode)
            logger.info("mouse mode", metadata: ["mode": "\(mode == .client ? "client" : "server")"])
            send(MainChannel.MouseMode(supportedModes: Self.supportedMouseModes, currentMode: MainChannel.MouseModes(rawValue: mode.rawValue)))
        case .agentStart(let m):
            guard var flow = agentFlow, let agent else { return logger.debug("AGENT_START without an agent: ignored") }
            flow.clientStarted(tokens: m.numTokens)
            agentFlow = flow
            perform(agent.greeting())
        case .agentToken(let m):
            agentFlow?.clientReturned(tokens: m.numTokens)
            flushAgent()
        case .agentData(let m):
            guard var flow = agentFlow, agent != nil else { return logger.debug("AGENT_DATA without an agent: ignored") }
            let result: (messages: [VDAgent.Message], returnTokens: UInt32)
            do {
                result = try flow.received(m.data)
            } catch {
                // The stream cannot be trusted any more (no token, or a bad message header).
                agentFlow = flow
                logger.warning("agent data refused: \(error); disconnecting", metadata: ["peer": "\(session.peer)"])
                return disconnect(reason: .invalidData, message: "agent protocol error: \(error)")
            }
            agentFlow = flow
            if result.returnTokens > 0 { send(MainChannel.AgentToken(numTokens: result.returnTokens)) }
            for message in result.messages {
                guard let actions = agent?.handle(message) else { break }
                perform(actions)
            }
        case .clientInfo, .migrateConnected, .migrateConnectError, .migrateEnd, .migrateDstDoSeamless,
             .migrateConnectedSeamless, .qualityIndicator:
            logger.debug("ignoring main message \(frame.type)")
        case .base:
            break
        }
    }

    override func stopped() {
        if let n = files?.abandonAll(), n > 0 { logger.info("client left during \(n) file transfer(s); partial files removed") }
        if let clipboardSubscription { server.hub.unsubscribe(clipboardSubscription) }
        clipboardSubscription = nil
        for selection in server.hub.clipboard.clientLeft(session: session.id) {
            server.hub.desktop.clipboard?.clientReleased(selection)
        }
        pingTask?.cancel()
        pingTask = nil  // the repeated task holds this handler
        session.onDisconnect(nil)  // the closure holds this handler: break the cycle
        server.registry.remove(id: session.id)
        server.stats.update { $0.clientsConnected -= 1 }
        for channel in session.channels { channel.close(promise: nil) }
        logger.info("client left", metadata: ["peer": "\(session.peer)"])
    }

    private func perform(_ actions: [BuiltInAgent.Action]) {
        for action in actions {
            switch action {
            case .send(let payload):
                enqueueAgent(payload)
            case .resize(let size, let monitors):
                logger.info("client monitors config: resizing the desktop", metadata: ["size": "\(size)", "monitors": "\(monitors.count)"])
                let rects = monitors.map { Rect(x: Int($0.x), y: Int($0.y), width: Int($0.width), height: Int($0.height)) }
                let origin = Rect.boundingBox(rects)?.origin ?? .zero
                let layout = rects.map { $0.offsetBy(dx: -origin.x, dy: -origin.y) }
                if layout.count > 1 { server.hub.desktop.requestLayout(layout) } else { server.hub.desktop.requestResize(to: size) }
            case .clipboardOffered(let selection, let formats):
                server.hub.clipboard.clientOffered(selection, session: session.id)
                server.hub.desktop.clipboard?.clientOffered(selection, formats: formats)
            case .clipboardReleased(let selection):
                if server.hub.clipboard.clientReleased(selection, session: session.id) {
                    server.hub.desktop.clipboard?.clientReleased(selection)
                }
            case .clipboardRequested(let selection, let format):
                guard let clipboard = server.hub.desktop.clipboard, server.hub.clipboard.desktopMayHave(selection, format) else {
                    perform([.send(.clipboard(selection: selection.rawValue, type: 0, data: ByteBuffer()))])
                    continue
                }
                awaitingDesktopData.insert(ClipboardKey(selection: selection, format: format))
                clipboard.clientRequested(selection, format: format)
            case .clipboardData(let selection, let format, let data):
                guard server.hub.clipboard.owns(selection, session: session.id) else {
                    logger.debug("clipboard data from a client that does not own \(selection): dropped")
                    continue
                }
                server.hub.desktop.clipboard?.clientData(selection, format: format, data: data)
            case .fileStart(let id, let keyFile):
                guard let files else { continue }
                let (status, reason, free) = files.start(id: id, keyFile: keyFile)
                fileStatus(id: id, status, reason: reason, freeBytes: free)
            case .fileData(let id, let data):
                guard let files, let result = data.withUnsafeReadableBytes({ files.data(id: id, bytes: $0) }) else { continue }
                fileStatus(id: id, result.0, reason: result.reason, freeBytes: result.freeBytes)
            case .fileAbandoned(let id):
                files?.cancel(id: id)
                logger.info("file transfer \(id) cancelled by the client; partial file removed")
            case .log(let text):
                logger.notice("agent: \(text)", metadata: ["peer": "\(session.peer)"])
            }
        }
        // A client that just announced clipboard support hears of what the desktop offers now.
        if let agent, agent.clientHasClipboard, !toldDesktopOffers {
            toldDesktopOffers = true
            for (selection, formats) in server.hub.clipboard.desktopOffers {
                if let payload = agent.clipboardMessage(.offered(selection, formats)) { enqueueAgent(payload) }
            }
        }
        flushAgent()
    }

    /// FILE_XFER_STATUS to the client, with the detail its capabilities allow.
    private func fileStatus(id: UInt32, _ status: FileTransferReceiver.Status, reason: String?, freeBytes: UInt64?) {
        if let reason {
            if status == .success || status == .canSendData {
                logger.info("file transfer \(id): \(reason)")
            } else {
                logger.warning("file transfer \(id) failed: \(reason)", metadata: ["peer": "\(session.peer)"])
            }
        }
        var detail = ByteBuffer()
        if status == .notEnoughSpace, let freeBytes, agent?.clientCapabilities.contains(.fileXferDetailedErrors) == true {
            detail.writeInteger(freeBytes, endianness: .little)
        }
        enqueueAgent(.fileXferStatus(id: id, result: status.rawValue, detail: detail))
    }

    private func enqueueAgent(_ payload: AgentPayload) {
        do {
            try agentFlow?.enqueue(payload.message(options: agent?.options ?? AgentWireOptions()))
        } catch {
            logger.warning("client does not take agent data: \(error); disconnecting")
            disconnect(reason: .invalidData, message: "agent data not taken")
        }
    }

    /// Desktop clipboard news, for this client when it concerns it.
    private func desktopClipboard(_ event: ClipboardEvent) {
        guard let agent, agent.clientHasClipboard else { return }
        switch event {
        case .offered, .released:
            break
        case .requested(let selection, _):
            guard server.hub.clipboard.owns(selection, session: session.id) else { return }
        case .data(let selection, let format, _):
            guard awaitingDesktopData.remove(ClipboardKey(selection: selection, format: format)) != nil else { return }
        }
        if let payload = agent.clipboardMessage(event) { enqueueAgent(payload) }
        flushAgent()
        flush()
    }

    /// Sends the queued agent data the client's tokens allow.
    private func flushAgent() {
        guard let chunks = agentFlow?.sendable(), !chunks.isEmpty else { return }
        for chunk in chunks { send(MainChannel.AgentData(data: chunk)) }
    }

    /// Tells the client why it is being disconnected, then closes.
    func disconnect(reason: LinkError, message: String) {
        let stamp = UInt64(NIODeadline.now().uptimeNanoseconds)
        send(BaseChannel.Notify(timeStamp: stamp, severity: .warn, visibility: .high, what: 0, text: message))
        send(BaseChannel.Disconnecting(timeStamp: stamp, reason: reason))
        flush()
        close(reason: message)
    }
}
