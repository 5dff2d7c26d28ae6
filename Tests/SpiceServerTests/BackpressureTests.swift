import Logging
import NIOCore
import NIOEmbedded
import SaffronDemo
import SaffronDesktop
@testable import SpiceProtocol
import Testing
@testable import SpiceServer

/// Found by scripts/hostile-clients.py: a client that floods pointer motions and never reads made
/// the server queue a MOTION_ACK per 4 motions without bound. Channels now hold reads back while
/// the socket is full and drop such a client after `stalledClientTimeout`.
@Suite struct BackpressureTests {
    /// Counts the read requests that get through to the transport (it sits at the head side).
    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    private func inputsChannel(stall: TimeAmount, stats: ServerStats = ServerStats(), clientMouse: Bool = false)
        throws -> (EmbeddedChannel, ReadCounter, InputsChannelHandler) {
        var configuration = SpiceServerConfiguration()
        configuration.stalledClientTimeout = stall
        let desktop = DemoDesktop(size: Size(width: 64, height: 64), mode: .static)
        let server = ServerContext(configuration: configuration, authenticator: try TicketAuthenticator(ticketing: .disabled),
                                   hub: DesktopHub(desktop: desktop, stats: stats), stats: stats, logger: Logger(label: "test"))
        let request = LinkMess(connectionID: 1, channelType: .inputs, channelID: 0,
                               commonCaps: CapabilitySet([CommonCapability.miniHeader]), channelCaps: CapabilitySet())
        let linked = ServerLinkStateMachine.Linked(request: request, headerKind: .mini,
                                                   serverCommonCaps: CapabilitySet(), serverChannelCaps: CapabilitySet())
        let channel = EmbeddedChannel()
        let counter = ReadCounter()
        let session = ClientSession(id: 1, peer: "test")
        if clientMouse { session.setMouseMode(.client) }
        let handler = InputsChannelHandler(server: server, session: session, linked: linked,
                                           logger: Logger(label: "test"))
        try channel.pipeline.syncOperations.addHandler(counter)
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, counter, handler)
    }

    /// `count` MOUSE_POSITION messages with the mini header.
    private func motions(_ count: Int) -> ByteBuffer {
        var out = ByteBuffer()
        for i in 0..<count {
            out.writeLE(UInt16(112))
            out.writeLE(UInt32(11))
            out.writeLE(UInt32(i))
            out.writeLE(UInt32(i))
            out.writeLE(UInt16(0))
            out.writeInteger(UInt8(0))
        }
        return out
    }

    /// `count` KEY_DOWN messages ('a'), each a desktop redraw.
    private func keys(_ count: Int) -> ByteBuffer {
        var out = ByteBuffer()
        for _ in 0..<count {
            out.writeLE(UInt16(101))
            out.writeLE(UInt32(4))
            out.writeLE(UInt32(0x1E))
        }
        return out
    }

    @Test func readsAreHeldWhileTheSocketIsFullAndResumeWhenItDrains() throws {
        let (channel, counter, handler) = try inputsChannel(stall: .seconds(30))
        defer { _ = try? channel.finish() }
        channel.read()
        #expect(counter.reads == 1)

        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        try channel.writeInbound(motions(8))
        channel.read()
        channel.read()
        #expect(counter.reads == 1, "a read got through while the socket was full")
        #expect(handler.heldRead)

        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(counter.reads == 2, "reading did not resume once the socket drained")
        #expect(!handler.heldRead)
        channel.read()
        #expect(counter.reads == 3)
        // Draining also cancelled the stall clock: the client is not dropped later.
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
    }

    @Test func aClientThatFloodsAndNeverReadsIsDroppedAfterTheStallTimeout() throws {
        let (channel, counter, _) = try inputsChannel(stall: .seconds(2))
        defer { _ = try? channel.finish() }
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        try channel.writeInbound(motions(400))
        channel.read()
        #expect(counter.reads == 0)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(channel.isActive, "dropped before the stall timeout")
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive, "a client that never reads was not dropped")
    }

    /// Found by the same suite: a MOUSE_POSITION flood redrew the demo once per message on the
    /// event loop, starving every other connection on that loop (a watching client got no frame
    /// for 15 s). A connection now yields its loop after `processingSlice` and holds its reads
    /// until the backlog is processed; nothing is dropped.
    @Test func aFloodYieldsTheEventLoopAndEveryEventStillArrives() throws {
        let stats = ServerStats()
        let (channel, counter, handler) = try inputsChannel(stall: .seconds(30), stats: stats)
        defer { _ = try? channel.finish() }
        let count = 3000
        try channel.writeInbound(keys(count))
        #expect(handler.backlogged, "3000 redraws took less than one slice")
        #expect(stats.snapshot.inputEvents < count)
        channel.read()
        #expect(counter.reads == 0, "a read got through while messages wait")
        channel.embeddedEventLoop.run()
        #expect(!handler.backlogged)
        #expect(stats.snapshot.inputEvents == count)
        #expect(counter.reads == 1, "the held read was not resumed after the backlog")
    }

    @Test func absolutePointerFloodCollapsesToTheLastPositionOfEachPass() throws {
        let stats = ServerStats()
        let (channel, _, _) = try inputsChannel(stall: .seconds(30), stats: stats, clientMouse: true)
        defer { _ = try? channel.finish() }
        try channel.writeInbound(motions(3000))
        channel.embeddedEventLoop.run()
        let delivered = stats.snapshot.inputEvents
        #expect(delivered >= 1 && delivered < 100, "\(delivered) pointer events reached the desktop for 3000 positions")
    }
}
