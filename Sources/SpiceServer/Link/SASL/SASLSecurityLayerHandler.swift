import Logging
import NIOCore

/// SASL's negotiated security layer (e.g. DIGEST-MD5 auth-conf) around everything after the
/// link result: outgoing bytes are `sasl_encode`d in chunks of at most SASL_MAXOUTBUF and written
/// as they come out; incoming bytes are `sasl_decode`d as they arrive (the library keeps partial
/// packets), as spice-server's red_stream_sasl_write/read and spice-gtk do. Sits before the
/// SPICE handlers, after TLS (if any).
final class SASLSecurityLayerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let session: any SASLServerSession
    private let logger: Logger
    private var failed = false

    init(session: any SASLServerSession, logger: Logger) {
        self.session = session
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        let wire = unwrapInboundIn(data)
        do {
            let plain = try session.decode(Array(wire.readableBytesView))
            if !plain.isEmpty {
                context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(bytes: plain)))
            }
        } catch {
            fail(context: context, error)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !failed else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        let plain = unwrapOutboundIn(data)
        let chunk = max(1, session.maxEncodeSize)
        var out = context.channel.allocator.buffer(capacity: plain.readableBytes + plain.readableBytes / 8 + 64)
        do {
            var offset = plain.readerIndex
            while offset < plain.writerIndex {
                let length = min(chunk, plain.writerIndex - offset)
                out.writeBytes(try session.encode(plain.getBytes(at: offset, length: length)!))
                offset += length
            }
        } catch {
            promise?.fail(error)
            fail(context: context, error)
            return
        }
        context.write(wrapOutboundOut(out), promise: promise)
    }

    private func fail(context: ChannelHandlerContext, _ error: any Error) {
        failed = true
        logger.warning("SASL security layer error, closing", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
