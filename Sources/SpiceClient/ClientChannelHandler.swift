import Logging
import NIOCore
import NIOSSL
import NIOTLS
import SpiceProtocol

/// One client channel connection: link (ticket encrypted here), then framing, acks and pings,
/// handing channel messages to the session. Lives on its connection's event loop.
final class ClientChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Stage {
        case linking(ClientLinkStateMachine)
        case linked(MessageFramer)
        case closed
    }

    let channelID: ChannelID
    private let password: String?
    private let limits: WireLimits
    private let sendsAcks: Bool
    private let session: SpiceClientSession
    private var stage: Stage
    private var inbound = ByteBuffer()
    private var context: ChannelHandlerContext?
    /// Acks: one ACK every `ackWindow` received messages once SET_ACK arrived.
    private var ackWindow: UInt32 = 0
    private var received: UInt32 = 0
    private(set) var serverChannelCaps = CapabilitySet()
    private var lastNotify: String?
    /// TLS: nil = plaintext; .some(subject) = wait for the handshake, then check the subject (if any).
    private let tlsSubject: String??
    private var tlsPending: Bool

    init(channelID: ChannelID, connectionID: UInt32, channelCaps: CapabilitySet, password: String?,
         limits: WireLimits, session: SpiceClientSession, tlsSubject: String?? = nil) {
        self.tlsSubject = tlsSubject
        tlsPending = tlsSubject != nil
        self.channelID = channelID
        self.password = password
        self.limits = limits
        self.sendsAcks = session.configuration.sendsAcks
        self.session = session
        stage = .linking(ClientLinkStateMachine(configuration: .init(
            connectionID: connectionID, channel: channelID, channelCaps: channelCaps)))
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        if !tlsPending { startLink(context: context) }
        context.fireChannelActive()
    }

    private func startLink(context: ChannelHandlerContext) {
        guard case .linking(var machine) = stage else { return }
        let action = machine.start()
        stage = .linking(machine)
        perform(action, context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if tlsPending, let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            tlsPending = false
            if case .some(.some(let subject)) = tlsSubject {
                do {
                    let certificate = try context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate
                    guard let certificate else { throw ClientTLSError("the server sent no certificate") }
                    let (ok, actual) = try ClientTLSSetup.subjectMatches(certificate, expected: subject)
                    guard ok else { throw ClientTLSError("certificate subject '\(actual)' is not the expected '\(subject)'") }
                } catch {
                    session.tlsFailed(channelID, reason: "\(error)")
                    close(context: context, reason: "\(error)")
                    return
                }
            }
            startLink(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        inbound.writeBuffer(&bytes)
        while true {
            switch stage {
            case .linking(var machine):
                guard let action = machine.receive(&inbound) else { stage = .linking(machine); return }
                stage = .linking(machine)
                perform(action, context: context)
            case .linked(var framer):
                do {
                    guard let frame = try framer.nextFrame(from: &inbound) else {
                        stage = .linked(framer)
                        inbound.discardReadBytes()
                        return
                    }
                    stage = .linked(framer)
                    try handle(frame, context: context)
                } catch {
                    session.channelFailed(channelID, reason: "bad message from server: \(error)")
                    close(context: context, reason: "bad message from server: \(error)")
                    return
                }
            case .closed:
                return
            }
        }
    }

    private func perform(_ action: ClientLinkStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .send(let bytes):
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        case .encryptTicket(let key):
            guard case .linking(var machine) = stage else { return }
            do {
                let ticket = try TicketEncryptor.encrypt(password: password, publicKeyDER: key)
                if let next = machine.ticketEncrypted(ticket) {
                    stage = .linking(machine)
                    perform(next, context: context)
                } else {
                    stage = .linking(machine)
                }
            } catch {
                close(context: context, reason: "cannot encrypt the ticket: \(error)")
            }
        case .linked(let linked):
            serverChannelCaps = linked.serverChannelCaps
            stage = .linked(MessageFramer(kind: linked.headerKind, limits: limits))
            session.channelLinked(self, eventLoop: context.eventLoop)
        case .fail(let failure):
            session.linkFailed(self, failure)
            stage = .closed
            context.close(promise: nil)
        }
    }

    private func handle(_ frame: MessageFrame, context: ChannelHandlerContext) throws {
        received &+= 1
        if frame.type < 101 {
            var reader = MessageReader(body: frame.body, limits: limits)
            switch try BaseChannel.ServerMessage.decodeIfBase(type: frame.type, from: &reader) {
            case .setAck(let m)? where sendsAcks:
                ackWindow = m.window
                received = 0
                send(BaseChannel.AckSync(generation: m.generation))
            case .ping(let m)?:
                send(BaseChannel.Pong(id: m.id, timestamp: m.timestamp))
            case .list(let list)?:
                for sub in list.messages { try session.received(MessageFrame(type: sub.type, body: sub.body), on: self) }
            case .notify(let m)?:
                lastNotify = m.text
            case .disconnecting(let m)?:
                session.logger.info("server is disconnecting", metadata: ["reason": "\(m.reason)"])
                session.serverDisconnecting(reason: m.reason, message: lastNotify)
            default:
                break
            }
        } else {
            try session.received(frame, on: self)
        }
        if ackWindow > 0, received >= ackWindow {
            received = 0
            send(BaseChannel.Ack())
        }
        context.flush()
    }

    /// Sends one message (from this channel's event loop).
    func send<M: SpiceMessage>(_ message: M) {
        guard let context, case .linked(var framer) = stage else { return }
        var out = context.channel.allocator.buffer(capacity: 32)
        framer.writeHeader(type: M.messageType, bodySize: 0, into: &out)
        let headerSize = out.readableBytes
        var writer = MessageWriter(buffer: out)
        message.encode(to: &writer)
        out = writer.buffer
        out.setLE(UInt32(out.readableBytes - headerSize), at: headerSize - (framer.kind == .full ? 8 : 4))
        stage = .linked(framer)
        context.write(wrapOutboundOut(out), promise: nil)
    }

    func flush() { context?.flush() }

    func channelInactive(context: ChannelHandlerContext) {
        stage = .closed
        if tlsPending {
            tlsPending = false
            session.tlsFailed(channelID, reason: "connection closed during the TLS handshake")
        }
        session.channelClosed(self, reason: "connection closed")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if tlsPending {
            tlsPending = false
            session.tlsFailed(channelID, reason: "\(error)")
        }
        close(context: context, reason: "\(error)")
    }

    private func close(context: ChannelHandlerContext, reason: String) {
        session.logger.warning("closing channel", metadata: ["channel": "\(channelID)", "reason": "\(reason)"])
        stage = .closed
        context.close(promise: nil)
    }
}
