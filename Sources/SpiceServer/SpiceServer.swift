import Logging
import NIOCore
import NIOPosix
import NIOSSL
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
    private let listeners = Mutex<[Channel]>([])
    private let tlsContext: NIOSSLContext?
    private let tlsAddress = Mutex<SocketAddress?>(nil)

    /// Makes a new desktop after the previous one ended by itself (given why); throws while it
    /// cannot (the server retries with a growing delay).
    public typealias DesktopFactory = @Sendable (_ endReason: String) async throws -> any DesktopSource
    private let replacement: DesktopFactory?

    /// `replacement`: what to serve when the desktop ends by itself (nil: the server stops).
    public init(configuration: SpiceServerConfiguration, desktop: any DesktopSource,
                group: any EventLoopGroup, logger: Logger, replacement: DesktopFactory? = nil) throws {
        self.replacement = replacement
        let stats = ServerStats()
        self.stats = stats
        self.group = group
        let authenticator = try TicketAuthenticator(ticketing: configuration.ticketing, lifetime: configuration.ticketLifetime)
        tlsContext = try configuration.tls.map { try TLSSetup.makeContext($0) }
        let sasl: (any SASLServerFactory)? = try configuration.sasl.map { _ in try CyrusSASLFactory() }
        context = ServerContext(configuration: configuration, authenticator: authenticator,
                                hub: DesktopHub(desktop: desktop, stats: stats), stats: stats, logger: logger, sasl: sasl)
    }

    public var configuration: SpiceServerConfiguration { context.configuration }
    public var authenticator: TicketAuthenticator { context.authenticator }
    public var connectedClients: Int { context.registry.count }

    /// Binds the listening sockets (plaintext unless disabled, TLS when configured); returns the
    /// plaintext address, or the TLS one without plaintext (port 0 picks a free port).
    @discardableResult
    public func start() async throws -> SocketAddress {
        var first: SocketAddress?
        if context.configuration.plaintextEnabled {
            first = try await listen(port: context.configuration.port, tls: nil)
        }
        if let tlsContext, let settings = context.configuration.tls {
            do {
                let address = try await listen(port: settings.port, tls: tlsContext)
                tlsAddress.withLock { $0 = address }
                first = first ?? address
            } catch {
                await closeListeners()
                throw error
            }
        }
        guard let first else { throw TLSSetupError("nothing to listen on: plaintext disabled and no TLS port") }
        return first
    }

    private func listen(port: Int, tls: NIOSSLContext?) async throws -> SocketAddress {
        let server = context
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.autoRead, value: true)
            .childChannelInitializer { channel in
                server.stats.update { $0.connectionsAccepted += 1 }
                let peer = channel.remoteAddress?.ipAddress ?? "?"
                if case .refused(let why) = server.admission.admit(peer: peer) {
                    server.stats.update { $0.linksFailed += 1 }
                    server.logger.warning("connection refused before link", metadata: ["peer": "\(channel.remoteAddress?.description ?? "?")", "reason": "\(why)"])
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.addHandler(LinkHandler(server: server, secure: tls != nil, admittedPeer: peer))
                }
            }
            .bind(host: context.configuration.host, port: port)
            .get()
        listeners.withLock { $0.append(channel) }
        let address = channel.localAddress!
        context.logger.info("listening", metadata: ["address": "\(address)", "tls": "\(tls != nil)"])
        return address
    }

    private func closeListeners() async {
        let channels = listeners.withLock { l -> [Channel] in
            defer { l = [] }
            return l
        }
        for channel in channels { try? await channel.close() }
    }

    /// The plaintext listener's address (nil when plaintext is disabled).
    public var localAddress: SocketAddress? {
        guard context.configuration.plaintextEnabled else { return nil }
        return listeners.withLock { $0.first?.localAddress }
    }

    /// The TLS listener's address (nil without TLS).
    public var tlsLocalAddress: SocketAddress? { tlsAddress.withLock { $0 } }

    /// Runs the desktop until cancelled. When it ends by itself its clients are told why and
    /// disconnected; then a replacement is served if there is a factory, else the server stops.
    public func run() async throws {
        while !Task.isCancelled {
            do {
                try await context.hub.run(logger: context.logger)
            } catch is CancellationError {
                break
            }
            guard let reason = context.hub.endReason else { break }
            context.logger.error("the desktop ended", metadata: ["reason": "\(reason)", "clients": "\(context.registry.count)"])
            guard let replacement else {
                await shutdown(reason: reason)
                return
            }
            for session in context.registry.all { session.disconnect(reason: "the desktop ended: \(reason)") }
            guard let next = await makeReplacement(replacement, reason: reason) else { break }
            context.hub.replace(with: next)
            context.logger.notice("serving a new desktop", metadata: ["desktop": "\(next.name)"])
        }
        await shutdown(reason: context.hub.endReason ?? "server shutting down")
    }

    /// Calls the factory until it gives a desktop (retrying after 1, 2, 4 ... 30 s) or the task is
    /// cancelled (nil).
    private func makeReplacement(_ factory: DesktopFactory, reason: String) async -> (any DesktopSource)? {
        var delay = 1.0
        while !Task.isCancelled {
            do {
                return try await factory(reason)
            } catch is CancellationError {
                return nil
            } catch {
                context.logger.error("cannot start a new desktop; retrying", metadata: ["error": "\(error)", "in": "\(Int(delay)) s"])
            }
            do { try await Task.sleep(for: .seconds(delay)) } catch { return nil }
            delay = min(30, delay * 2)
        }
        return nil
    }

    /// Stops listening and disconnects every client with `reason`.
    public func shutdown(reason: String) async {
        let channels = listeners.withLock { l -> [Channel] in
            defer { l = [] }
            return l
        }
        guard !channels.isEmpty else { return }
        context.logger.info("shutting down", metadata: ["reason": "\(reason)", "clients": "\(context.registry.count)"])
        for channel in channels { try? await channel.close() }
        for session in context.registry.all { session.disconnect(reason: reason) }
        // Give the DISCONNECTING messages a moment to reach the clients, bounded.
        for _ in 0..<20 where context.registry.count > 0 {
            try? await Task.sleep(for: .milliseconds(25))
        }
    }
}
