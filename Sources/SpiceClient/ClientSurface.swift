import NIOConcurrencyHelpers
import SpiceCodecs
import SpiceProtocol

/// The client's canvas behind a lock: the display channel draws into it, anyone reads the
/// primary surface's pixels (xRGB, rows top-down).
public final class ClientSurface: @unchecked Sendable {
    /// A plain mutex, not Synchronization.Mutex: on Linux that is a priority-inheriting futex
    /// whose waiters spin in the kernel while the owner runs, and the owner here holds it for a
    /// whole image decode (a viewer's render thread spent ~2.4% of the client's CPU spinning).
    private let lock = NIOLock()
    /// Only touched under `lock`, through `withCanvas` (hence @unchecked Sendable).
    private let canvas: ClientCanvas

    private func withCanvas<R>(_ body: (ClientCanvas) throws -> R) rethrows -> R {
        try lock.withLock { try body(canvas) }
    }

    /// `maxImagePixels`: the largest image one draw may decode; `quicDecoder`: see ClientCanvas.
    public init(maxImagePixels: Int = maxDecodedPixels, quicDecoder: QuicRowDecoder = .portable) {
        canvas = ClientCanvas(maxImagePixels: maxImagePixels, quicDecoder: quicDecoder)
    }

    /// The primary surface's size (0×0 before SURFACE_CREATE).
    public var size: (width: Int, height: Int) {
        withCanvas { c in c.primary.map { ($0.width, $0.height) } ?? (0, 0) }
    }

    /// The primary surface's pixels as 0x00RRGGBB.
    public func snapshot() -> (width: Int, height: Int, pixels: [UInt32]) {
        withCanvas { c in
            guard let p = c.primary else { return (0, 0, []) }
            return (p.width, p.height, p.pixels.map { $0 & 0x00FF_FFFF })
        }
    }

    /// Reads the primary surface's pixels in place (0x??RRGGBB, the top byte undefined) under the
    /// canvas lock: for a viewer copying damaged rectangles without copying the whole frame.
    /// Keep `body` short; drawing waits for it. Nil before SURFACE_CREATE.
    public func withPrimaryPixels<R: Sendable>(_ body: (_ width: Int, _ height: Int, UnsafeBufferPointer<UInt32>) -> R) -> R? {
        withCanvas { c in
            guard let p = c.primary else { return nil }
            return p.pixels.withUnsafeBufferPointer { body(p.width, p.height, $0) }
        }
    }

    /// The ids of the surfaces that exist (primary and off-screen).
    public var surfaceIDs: [UInt32] { withCanvas { $0.surfaces.keys.sorted() } }

    /// Video stream frames drawn so far (all streams).
    public var streamFramesDrawn: Int { withCanvas { $0.streamFramesDrawn } }

    /// Display messages applied so far, by message type.
    public var messageCounts: [UInt16: Int] { withCanvas { $0.messageCounts } }

    /// Applies one decoded display message as the session does (for harnesses and fuzzing);
    /// throws on what the canvas refuses (impossible draws, missing surfaces or cache entries).
    public func draw(_ message: DisplayChannel.ServerMessage) throws {
        _ = try apply(message)
    }

    func apply(_ message: DisplayChannel.ServerMessage) throws -> ClientCanvas.Damage? {
        try withCanvas { try $0.apply(message) }
    }

    var primaryID: UInt32? { withCanvas { $0.primaryID } }
}
