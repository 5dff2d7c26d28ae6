import Logging
import NIOCore
import SpiceProtocol

/// The shared part of every linked channel: framing, the common messages (acks, pings,
/// disconnecting), outbound accounting and clean teardown. Subclasses add their channel's logic.
///
/// Lives on its connection's event loop only. Events from elsewhere (desktop, other channels of the
/// client) arrive through `onLoop`, which hops first.
///
/// Reads are held back while the connection's socket is full (`isWritable` false): a client that
/// sends without reading what comes back (every 4 pointer motions make a MOTION_ACK) cannot make
/// the server queue answers without bound; it waits at the write watermark and is dropped after
/// `stalledClientTimeout` like any client that stopped reading.
class SpiceChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let server: ServerContext
    let session: ClientSession
    let linked: ServerLinkStateMachine.Linked
    var logger: Logger
    private(set) var framer: MessageFramer
    private var inbound = ByteBuffer()
    /// Set on channels that use SET_ACK flow control (display, cursor).
    var ack: AckWindow?
    private(set) var context: ChannelHandlerContext?
    private(set) var closed = false
    private var pendingFlush = false

    var channelID: ChannelID { linked.request.channel }
    var clientChannelCaps: CapabilitySet { linked.request.channelCaps }

    init(server: ServerContext, session: ClientSession, linked: ServerLinkStateMachine.Linked, logger: Logger) {
        self.server = server
        self.session = session
        self.linked = linked
        self.logger = logger
        self.framer = MessageFramer(kind: linked.headerKind, limits: server.configuration.inboundLimits)
    }

    // MARK: Subclass hooks

    /// Called once the handler is in the pipeline and the link result has been sent.
    func started() {}
    /// A channel-specific message (type ≥ 101).
    func received(_ frame: MessageFrame) throws {
        throw SpiceProtocolError.unknownMessage(channel: channelID.type, type: frame.type)
    }
    /// Room opened to send more (ack arrived, socket drained).
    func pump() {}
    /// The connection is gone; release subscriptions.
    func stopped() {}

    // MARK: Sending

    func send<M: SpiceMessage>(_ message: M) {
        guard let context, !closed else { return }
        var out = context.channel.allocator.buffer(capacity: 64)
        framer.frame(message, into: &out)
        write(out, context: context)
    }

    /// Sends a body written directly by `encode` (the hot path for large draws).
    func send(type: UInt16, capacity: Int, _ encode: (inout MessageWriter) -> Void) -> Int {
        guard let context, !closed else { return 0 }
        var out = context.channel.allocator.buffer(capacity: capacity + framer.kind.size)
        framer.frame(type: type, into: &out, encode)
        let size = out.readableBytes
        write(out, context: context)
        return size
    }

    private func write(_ out: ByteBuffer, context: ChannelHandlerContext) {
        ack?.didSend()
        sentSinceStallCheck = true
        let size = out.readableBytes
        server.stats.update { $0.bytesSent += size }
        context.write(wrapOutboundOut(out), promise: nil)
        pendingFlush = true
    }

    func flush() {
        guard pendingFlush, let context else { return }
        pendingFlush = false
        context.flush()
    }

    /// May more be encoded now? False while the client owes acks or the socket buffer is full.
    var canSend: Bool {
        guard let context, !closed else { return false }
        return (ack?.canSend ?? true) && context.channel.isWritable
    }

    func startAcks() {
        var window = AckWindow(window: server.configuration.ackWindow)
        let (generation, size) = window.start()
        ack = window
        send(BaseChannel.SetAck(generation: generation, window: size))
    }

    /// A callback any thread may call: it hops to this channel's event loop and runs `body` there.
    func hopping<Value: Sendable>(_ body: @escaping (SpiceChannelHandler, Value) -> Void) -> @Sendable (Value) -> Void {
        guard let context else { return { _ in } }
        let loop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: loop)
        let call = NIOLoopBound(body, eventLoop: loop)
        return { value in loop.execute { call.value(handler.value, value) } }
    }

    /// Schedules `body` on this channel's loop after `delay`.
    func schedule(in delay: TimeAmount, _ body: @escaping (SpiceChannelHandler) -> Void) -> Scheduled<Void>? {
        guard let context else { return nil }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let call = NIOLoopBound(body, eventLoop: context.eventLoop)
        return context.eventLoop.scheduleTask(in: delay) { call.value(handler.value) }
    }

    func close(reason: String) {
        guard !closed, let context else { return }
        logger.info("closing", metadata: ["reason": "\(reason)"])
        flush()
        context.close(promise: nil)
    }

    // MARK: NIO

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        context.channel.setOption(ChannelOptions.writeBufferWaterMark,
                                  value: .init(low: server.configuration.writeBufferLowWater,
                                               high: server.configuration.writeBufferHighWater)).whenFailure { _ in }
        started()
        flush()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // The context holds this handler: drop ours so neither outlives the connection.
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        server.stats.update { $0.bytesReceived += incoming.readableBytes }
        inbound.writeBuffer(&incoming)
        guard !backlogged else { return }  // the scheduled pass takes it
        processInbound()
    }

    /// Longest one pass over received messages may take before the connection yields its event
    /// loop to the others (a flood of inputs, each redrawing the desktop, would starve them).
    static let processingSlice: TimeAmount = .milliseconds(5)
    /// Messages wait for a later pass; reads are held until it has run.
    private(set) var backlogged = false

    private func processInbound() {
        let deadline = NIODeadline.now() + Self.processingSlice
        var yielded = false
        do {
            while !closed, let frame = try framer.nextFrame(from: &inbound) {
                try dispatch(frame)
                if inbound.readableBytes > 0 && NIODeadline.now() > deadline {
                    yielded = true
                    break
                }
            }
        } catch {
            // The logger already names this connection's own peer (the link stage set it).
            logger.warning("bad message from client, closing channel", metadata: ["error": "\(error)"])
            close(reason: "protocol error")
            return
        }
        inbound.discardReadBytes()
        pump()
        flush()
        backlogged = yielded && !closed
        if backlogged, let context {
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.execute { handler.value.processInbound() }
        } else if heldRead, let context, context.channel.isWritable {
            heldRead = false
            context.read()
        }
    }

    private func dispatch(_ frame: MessageFrame) throws {
        guard frame.type < 101 else { return try received(frame) }
        var reader = MessageReader(body: frame.body, limits: framer.limits)
        guard let message = try BaseChannel.ClientMessage.decodeIfBase(type: frame.type, from: &reader) else {
            throw SpiceProtocolError.unknownMessage(channel: channelID.type, type: frame.type)
        }
        switch message {
        case .ackSync(let m):
            ack?.receivedAckSync(generation: m.generation)
        case .ack:
            ack?.receivedAck()
        case .pong(let m):
            receivedPong(m)
        case .disconnecting(let m):
            logger.info("client is disconnecting", metadata: ["reason": "\(m.reason)"])
        case .migrateFlushMark, .migrateData:
            logger.debug("ignoring migration message \(frame.type): migration is not supported")
        }
    }

    func receivedPong(_ pong: BaseChannel.Pong) {}

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            if heldRead && !backlogged {
                heldRead = false
                context.read()
            }
            checkStall(workPending: false)  // it reads again; pump() restarts the clock if still stuck
            pump()
            flush()
        }
        context.fireChannelWritabilityChanged()
    }

    /// A read request from the transport (autoRead asks after every read). Held while the socket
    /// is full, so what the client sends is not turned into more unsendable answers.
    private(set) var heldRead = false

    func read(context: ChannelHandlerContext) {
        if closed { return context.read() }
        if backlogged && context.channel.isWritable {
            heldRead = true  // processInbound reads again once the backlog is done
            return
        }
        guard !context.channel.isWritable else { return context.read() }
        if !heldRead {
            heldRead = true
            logger.debug("socket full: reading paused until the client reads")
        }
        checkStall(workPending: true)
    }

    /// Runs while there is something to send and the client takes nothing (no acks, full socket).
    private var stallTimer: Scheduled<Void>?
    private var sentSinceStallCheck = false

    /// Called after a pump: `workPending` says whether something still waits to be sent. A
    /// client that has taken nothing for `stalledClientTimeout` while work waited is dropped.
    func checkStall(workPending: Bool) {
        defer { sentSinceStallCheck = false }
        guard workPending || heldRead, !canSend else {
            stallTimer?.cancel()
            stallTimer = nil
            return
        }
        if stallTimer != nil && !sentSinceStallCheck { return }  // still stuck: let the timer run
        stallTimer?.cancel()
        let limit = server.configuration.stalledClientTimeout
        stallTimer = schedule(in: limit) { handler in
            handler.stallTimer = nil
            handler.logger.warning("client stopped reading: disconnecting it", metadata: [
                "seconds": "\(limit.nanoseconds / 1_000_000_000)"])
            handler.session.disconnect(reason: "the client stopped reading for too long")
            handler.close(reason: "stalled")
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stallTimer?.cancel()
        stallTimer = nil
        closed = true
        session.detach(channelID)
        stopped()
        logger.info("channel closed")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("connection error: \(error)")
        closed = true
        context.close(promise: nil)
    }
}

extension MessageFramer {
    /// Frames one message struct.
    mutating func frame<M: SpiceMessage>(_ message: M, into out: inout ByteBuffer) {
        frame(type: M.messageType, into: &out) { message.encode(to: &$0) }
    }

    /// Frames a body written in place by `encode`; the header's size is patched afterwards.
    mutating func frame(type: UInt16, into out: inout ByteBuffer, _ encode: (inout MessageWriter) -> Void) {
        let headerIndex = out.writerIndex
        writeHeader(type: type, bodySize: 0, into: &out)
        var writer = MessageWriter(buffer: out)
        out = ByteBuffer()  // keep the writer's storage uniquely referenced (no copy on write)
        encode(&writer)
        out = writer.buffer
        let bodySize = out.writerIndex - headerIndex - kind.size
        out.setLE(UInt32(bodySize), at: headerIndex + (kind == .full ? 10 : 2))
    }
}
