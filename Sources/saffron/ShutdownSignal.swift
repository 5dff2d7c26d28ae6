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
            installSignalSource(number, queue: queue) { continuation.yield(name) }
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
        source = installSignalSource(SIGHUP, queue: DispatchQueue(label: "saffron.sighup")) { continuation.yield() }
    }
}

/// Replaces the default action of `number` with `handler` on `queue`, and returns once the source
/// is registered: between SIG_IGN and the registration (which dispatch does asynchronously) the
/// signal would be discarded, so callers create these before announcing that they are up.
private func installSignalSource(_ number: Int32, queue: DispatchQueue,
                                 handler: @escaping @Sendable () -> Void) -> any DispatchSourceSignal {
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
    let registered = DispatchSemaphore(value: 0)
    source.setRegistrationHandler { registered.signal() }
    source.setEventHandler(handler: handler)
    source.resume()
    // Bounded: registration takes microseconds; a stuck dispatch must not hang start-up.
    _ = registered.wait(timeout: .now() + .seconds(2))
    return source
}
