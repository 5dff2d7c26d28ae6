import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into an async event (the default handlers are replaced so the server
/// can tell its clients before it exits). Keep the value alive while waiting.
final class ShutdownSignal: @unchecked Sendable {
    // Immutable after init; dispatch sources are thread-safe.
    private let sources: [any DispatchSourceSignal]
    private let stream: AsyncStream<String>

    init() {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        self.stream = stream
        let queue = DispatchQueue(label: "saffron.signals")
        sources = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            return source
        }
    }

    /// The name of the first signal received.
    func wait() async -> String {
        for await name in stream { return name }
        return "end of signals"
    }
}

/// SIGHUP as an async stream of events (re-read the password file). Keep the value alive.
final class ReloadSignal: @unchecked Sendable {
    // Immutable after init; dispatch sources are thread-safe.
    private let source: any DispatchSourceSignal
    let events: AsyncStream<Void>

    init() {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        events = stream
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "saffron.sighup"))
        source.setEventHandler { continuation.yield() }
        source.resume()
    }
}
