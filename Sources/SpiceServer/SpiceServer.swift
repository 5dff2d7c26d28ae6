import Logging
import NIOCore
import NIOPosix
import SaffronDesktop
import SpiceProtocol
import Synchronization

/// A SPICE server for one desktop: listens, links channels, serves any number of clients, each
/// seeing the same desktop. Start with `start()`, drive the desktop with `run()`, stop with
/// `shutdown(reason:)` (clients are told why before their connections close).
public final class SpiceServer: Sendable {
    public let stats: ServerStats
    private let context: ServerContext
    private let group: any EventLoopGroup
    private let listener = Mutex<Channel?>(nil)

    public init(configuration: SpiceServerConfiguration, desktop: any DesktopSource,
                group: any EventLoopGroup, logger: Logger) throws {
        let stats = ServerStats()
        self.stats = stats
        self.group = group
        let authenticator = try TicketAuthenticator(ticketing: configuration.ticketing)
        context = ServerContext(configuration: configuration, authenticator: authenticator,
                                hub: DesktopHub(desktop: desktop, stats: stats), stats: stats, logger: logger)
    }

    public var configuration: SpiceServerConfiguration { context.configuration }
    public var authenticator: TicketAuthenticator { context.authenticator }
    public var connectedClients: Int { context.registry.count }

    /// Binds the listening socket; returns the bound address (port 0 picks a free port).
    @discardableResult
    public func start() async throws -> SocketAddress {
        let server = context
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.autoRead, value: true)
            .childChannelInitializer { channel in
                server.stats.update { $0.connectionsAccepted += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(LinkHandler(server: server))
                }
            }
            .bind(host: context.configuration.host, port: context.configuration.port)
            .get()
        listener.withLock { $0 = channel }
        let address = channel.localAddress!
        context.logger.info("listening", metadata: ["address": "\(address)"])
        return address
    }

    public var localAddress: SocketAddress? { listener.withLock { $0?.localAddress } }

    /// Runs the desktop until cancelled or it ends by itself; clients are disconnected either way.
    public func run() async throws {
        do {
            try await context.hub.run(logger: context.logger)
        } catch is CancellationError {}
        let reason = context.hub.endReason ?? "server shutting down"
        await shutdown(reason: reason)
    }

    /// Stops listening and disconnects every client with `reason`.
    public func shutdown(reason: String) async {
        let channel = listener.withLock { l -> Channel? in
            defer { l = nil }
            return l
        }
        guard let channel else { return }
        context.logger.info("shutting down", metadata: ["reason": "\(reason)", "clients": "\(context.registry.count)"])
        try? await channel.close()
        for session in context.registry.all { session.disconnect(reason: reason) }
        // Give the DISCONNECTING messages a moment to reach the clients, bounded.
        for _ in 0..<20 where context.registry.count > 0 {
            try? await Task.sleep(for: .milliseconds(25))
        }
    }
}
