import Logging
import NIOCore
import NIOPosix
import SaffronDesktop
import SpiceClient
import SpiceServer

/// Shared by the in-process end-to-end suites: one event loop group, a server on a free port,
/// and bounded waits on a client's events.
enum TestSupport {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    /// A started server on 127.0.0.1 and a free port, with its desktop running until `run` is cancelled.
    static func startServer(_ desktop: any DesktopSource,
                            _ configure: (inout SpiceServerConfiguration) -> Void = { _ in })
        async throws -> (server: SpiceServer, port: Int, run: Task<Void, Error>) {
        var configuration = SpiceServerConfiguration()
        configuration.port = 0
        configure(&configuration)
        var logger = Logger(label: "test-server")
        logger.logLevel = .warning
        let server = try SpiceServer(configuration: configuration, desktop: desktop, group: group, logger: logger)
        let port = try await server.start().port!
        return (server, port, Task { try await server.run() })
    }

    /// Collects events until `predicate` matches or `seconds` pass; returns everything seen.
    static func collect(_ session: SpiceClientSession, seconds: Double = 10,
                        until predicate: @escaping @Sendable (SpiceClientEvent) -> Bool) async throws -> [SpiceClientEvent] {
        try await withThrowingTaskGroup(of: [SpiceClientEvent]?.self) { group in
            group.addTask {
                var seen: [SpiceClientEvent] = []
                for await event in session.events {
                    seen.append(event)
                    if predicate(event) { return seen }
                }
                return seen
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first ?? []
        }
    }

    /// The first event matching `predicate` within `seconds`, or nil.
    static func next(_ session: SpiceClientSession, seconds: Double = 10,
                     _ predicate: @escaping @Sendable (SpiceClientEvent) -> Bool) async throws -> SpiceClientEvent? {
        let seen = try await collect(session, seconds: seconds, until: predicate)
        return seen.last.flatMap { predicate($0) ? $0 : nil }
    }

    static func isDrawn(_ e: SpiceClientEvent) -> Bool { if case .drawn = e { return true } else { return false } }
}
