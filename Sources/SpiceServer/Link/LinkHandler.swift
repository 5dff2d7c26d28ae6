import Logging
import NIOCore
import SpiceProtocol

/// Drives the link stage of one new connection, then replaces itself with the channel's handler.
final class LinkHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let server: ServerContext
    private var machine: ServerLinkStateMachine
    private var buffer = ByteBuffer()
    private var timeout: Scheduled<Void>?
    private var peer = "?"
    private var logger: Logger
    private var done = false
    private let secure: Bool
    /// The address counted in `server.admission` (released when this handler goes).
    private var admittedPeer: String?
    /// The SASL conversation while it runs (then owned by the security layer, if any).
    private var sasl: (any SASLServerSession)?

    init(server: ServerContext, secure: Bool = false, admittedPeer: String? = nil) {
        self.server = server
        self.secure = secure
        self.admittedPeer = admittedPeer
        self.machine = ServerLinkStateMachine(configuration: server.linkConfiguration, secureTransport: secure)
        self.logger = server.logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress?.description ?? "?"
        logger[metadataKey: "peer"] = "\(peer)"
        if secure { logger[metadataKey: "tls"] = "true" }
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        let seconds = server.configuration.linkTimeout.nanoseconds / 1_000_000_000
        timeout = context.eventLoop.scheduleTask(in: server.configuration.linkTimeout) {
            let (handler, context) = bound.value
            guard !handler.done else { return }
            handler.fail(context: context, reason: "link not completed within \(seconds) s", reply: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timeout?.cancel()
        timeout = nil
        if let admittedPeer {
            server.admission.release(peer: admittedPeer)
            self.admittedPeer = nil
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        while !done, let action = machine.receive(&buffer) {
            perform(action, context: context)
        }
    }

    private func perform(_ action: ServerLinkStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .send(let bytes):
            server.stats.update { $0.bytesSent += bytes.readableBytes }
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        case .verifyTicket(let request, let ticket):
            let (result, reason) = authorize(request, ticket: ticket)
            for next in machine.ticketVerified(result, reason: reason) { perform(next, context: context) }
        case .startSASL:
            for next in startSASL(context: context) { perform(next, context: context) }
        case .saslStep(let mechanism, let data):
            for next in saslStep(mechanism: mechanism, data: data) { perform(next, context: context) }
        case .saslAuthenticated(let request):
            for next in saslAuthenticated(request, context: context) { perform(next, context: context) }
        case .linked(let linked):
            link(linked, context: context)
        case .fail(let failure):
            fail(context: context, reason: "\(failure.error): \(failure.reason)", reply: failure.reply)
        }
    }

    /// Ticket first, then the connection id: a wrong password never learns whether the id exists.
    private func authorize(_ request: LinkMess, ticket: [UInt8]) -> (LinkError, String) {
        if case .rejected(let why) = server.authenticator.verify(ticket) {
            // `why` names the cause ("wrong password", "password expired"), never the password.
            return (.permissionDenied, why)
        }
        return checkConnectionID(request)
    }

    private func checkConnectionID(_ request: LinkMess) -> (LinkError, String) {
        if request.channelType == .main {
            // A non-zero id on main would be a migration target; we do not migrate yet.
            return request.connectionID == 0 ? (.ok, "") : (.badConnectionID, "main channel with connection id \(request.connectionID)")
        }
        guard server.registry.session(id: request.connectionID) != nil else {
            return (.badConnectionID, "no session \(request.connectionID)")
        }
        return (.ok, "")
    }

    // MARK: SASL

    private func startSASL(context: ChannelHandlerContext) -> [ServerLinkStateMachine.Action] {
        guard let factory = server.sasl else { return machine.saslMechanisms(nil, reason: "SASL not configured") }
        do {
            let session = try factory.makeSession(local: Self.saslAddress(context.channel.localAddress),
                                                  remote: Self.saslAddress(context.channel.remoteAddress), tls: secure)
            let list = try session.mechanisms()
            sasl = session
            logger.debug("SASL mechanisms offered", metadata: ["mechanisms": "\(list)"])
            return machine.saslMechanisms(list)
        } catch {
            return machine.saslMechanisms(nil, reason: "SASL: \(error)")
        }
    }

    private func saslStep(mechanism: String?, data: [UInt8]?) -> [ServerLinkStateMachine.Action] {
        guard let sasl else { return machine.saslStepped(.failed, reason: "SASL step without a session") }
        if let mechanism {
            logger[metadataKey: "sasl-mechanism"] = "\(mechanism)"
        }
        let result = mechanism.map { sasl.start(mechanism: $0, clientData: data) } ?? sasl.step(clientData: data)
        switch result {
        case .continue(let out):
            return machine.saslStepped(.continue(serverOut: out))
        case .done(let out):
            // libsasl2 already enforces min_ssf; checked again as spice-server does.
            if !secure && sasl.securityStrength < 56 {
                return machine.saslStepped(.weakSecurity(serverOut: out),
                                           reason: "SASL security layer too weak (SSF \(sasl.securityStrength) < 56)")
            }
            return machine.saslStepped(.complete(serverOut: out))
        case .failed(let why):
            // `why` is libsasl2's error detail; it never contains the password.
            return machine.saslStepped(.failed, reason: "SASL authentication failed: \(why)")
        }
    }

    /// The OK went out unwrapped; from here on the security layer (if any) wraps the stream.
    private func saslAuthenticated(_ request: LinkMess, context: ChannelHandlerContext) -> [ServerLinkStateMachine.Action] {
        guard let sasl else { return machine.ticketVerified(.error, reason: "SASL session vanished") }
        let strength = sasl.securityStrength
        logger[metadataKey: "sasl-user"] = "\(sasl.username ?? "?")"
        logger.info("SASL authenticated", metadata: ["ssf": "\(strength)"])
        if strength > 0 {
            // The client sends nothing until it has read the link result, so nothing buffered
            // here can be encoded data; anything there is a protocol violation.
            guard buffer.readableBytes == 0 else {
                return machine.ticketVerified(.invalidData, reason: "data after SASL before the link result")
            }
            do {
                try context.pipeline.syncOperations.addHandler(
                    SASLSecurityLayerHandler(session: sasl, logger: logger), position: .before(self))
            } catch {
                return machine.ticketVerified(.error, reason: "pipeline: \(error)")
            }
        }
        self.sasl = nil
        let (result, reason) = checkConnectionID(request)
        return machine.ticketVerified(result, reason: reason)
    }

    /// "ip;port" as libsasl2 wants it (nil for non-IP sockets).
    private static func saslAddress(_ address: SocketAddress?) -> String? {
        guard let address, let ip = address.ipAddress, let port = address.port else { return nil }
        return "\(ip);\(port)"
    }

    private func link(_ linked: ServerLinkStateMachine.Linked, context: ChannelHandlerContext) {
        done = true
        timeout?.cancel()
        timeout = nil
        let channelID = linked.request.channel
        let session: ClientSession
        if channelID.type == .main {
            session = server.registry.create(peer: peer)
        } else if let existing = server.registry.session(id: linked.request.connectionID) {
            session = existing
        } else {
            return fail(context: context, reason: "session vanished during link", reply: nil)
        }
        guard session.attach(channelID, context.channel) else {
            return fail(context: context, reason: "client already has channel \(channelID)", reply: nil)
        }
        server.stats.update { $0.linksSucceeded += 1 }
        var channelLogger = logger
        channelLogger[metadataKey: "channel"] = "\(channelID)"
        channelLogger[metadataKey: "session"] = "\(String(session.id, radix: 16))"
        channelLogger.info("linked", metadata: ["header": "\(linked.headerKind)", "client-caps": "\(linked.request.commonCaps)/\(linked.request.channelCaps)"])

        let handler: SpiceChannelHandler
        switch channelID.type {
        case .main: handler = MainChannelHandler(server: server, session: session, linked: linked, logger: channelLogger)
        case .display: handler = DisplayChannelHandler(server: server, session: session, linked: linked, logger: channelLogger)
        case .inputs: handler = InputsChannelHandler(server: server, session: session, linked: linked, logger: channelLogger)
        case .cursor: handler = CursorChannelHandler(server: server, session: session, linked: linked, logger: channelLogger)
        default:
            return fail(context: context, reason: "no handler for \(channelID)", reply: nil)
        }
        let leftover = buffer
        buffer = ByteBuffer()
        do {
            try context.pipeline.syncOperations.addHandler(handler, position: .after(self))
        } catch {
            return fail(context: context, reason: "pipeline: \(error)", reply: nil)
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        if leftover.readableBytes > 0 {
            context.fireChannelRead(wrapInboundOut(leftover))
        }
    }

    private func fail(context: ChannelHandlerContext, reason: String, reply: ByteBuffer?) {
        done = true
        timeout?.cancel()
        timeout = nil
        server.stats.update { $0.linksFailed += 1 }
        logger.warning("link failed", metadata: ["reason": "\(reason)"])
        if let reply, reply.readableBytes > 0 {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in bound.value.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }

    /// The client went away before the link finished (cut short, a port scan, a dropped client).
    func channelInactive(context: ChannelHandlerContext) {
        if !done {
            done = true
            timeout?.cancel()
            timeout = nil
            server.stats.update { $0.linksFailed += 1 }
            logger.notice("connection closed by the client during link", metadata: [
                "stage": "\(machine.stage)", "buffered-bytes": "\(buffer.readableBytes)"])
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if secure {
            // TLS handshake failures (an untrusted certificate, no common cipher) are worth seeing.
            logger.notice("TLS connection error during link: \(error)")
        } else {
            logger.debug("connection error during link: \(error)")
        }
        context.close(promise: nil)
    }
}
