import NIOCore
import SpiceProtocol
import Synchronization

/// SPICE mouse modes (`SPICE_MOUSE_MODE_*`).
public struct MouseMode: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let server = MouseMode(rawValue: 1)
    public static let client = MouseMode(rawValue: 2)
}

/// One connected client: its session id (from MAIN INIT) and the channels it linked.
///
/// Channels of other types link with this id as their connection id. When the main channel
/// closes, every channel of the client closes with it.
public final class ClientSession: Sendable {
    public let id: UInt32
    public let peer: String
    private struct State {
        var channels: [ChannelID: Channel] = [:]
        var mouseMode: MouseMode = .client
        var mouseModeObservers: [ChannelID: @Sendable (MouseMode) -> Void] = [:]
        var disconnect: (@Sendable (String) -> Void)?
        var linkQuality = LinkQuality()
    }
    private let state = Mutex(State())

    init(id: UInt32, peer: String) {
        self.id = id
        self.peer = peer
    }

    public var mouseMode: MouseMode { state.withLock { $0.mouseMode } }

    /// The main channel's latest measurement of this client's link.
    public var linkQuality: LinkQuality { state.withLock { $0.linkQuality } }

    func updateLinkQuality(_ body: (inout LinkQuality) -> Void) { state.withLock { body(&$0.linkQuality) } }

    /// Changes the mouse mode and tells the client's channels (cursor and inputs act on it).
    func setMouseMode(_ mode: MouseMode) {
        let observers = state.withLock { s -> [@Sendable (MouseMode) -> Void] in
            s.mouseMode = mode
            return Array(s.mouseModeObservers.values)
        }
        for o in observers { o(mode) }
    }

    func observeMouseMode(_ channel: ChannelID, _ observer: @escaping @Sendable (MouseMode) -> Void) {
        state.withLock { $0.mouseModeObservers[channel] = observer }
    }

    /// Registers a linked channel; false if this client already has one of that type and id.
    func attach(_ id: ChannelID, _ channel: Channel) -> Bool {
        state.withLock { s in
            if s.channels[id] != nil { return false }
            s.channels[id] = channel
            return true
        }
    }

    func detach(_ id: ChannelID) {
        state.withLock { s in
            s.channels[id] = nil
            s.mouseModeObservers[id] = nil
        }
    }

    var channels: [Channel] { state.withLock { Array($0.channels.values) } }

    /// Set by the main channel: tells the client why, then closes it.
    func onDisconnect(_ body: (@Sendable (String) -> Void)?) { state.withLock { $0.disconnect = body } }

    func disconnect(reason: String) {
        let body = state.withLock { $0.disconnect }
        if let body { body(reason) } else { for c in channels { c.close(promise: nil) } }
    }
}

/// All connected clients by session id.
public final class SessionRegistry: Sendable {
    private let sessions = Mutex([UInt32: ClientSession]())

    public init() {}

    /// A new client with a fresh random non-zero session id.
    func create(peer: String) -> ClientSession {
        sessions.withLock { all in
            var id: UInt32
            repeat { id = UInt32.random(in: 1...UInt32.max) } while all[id] != nil
            let session = ClientSession(id: id, peer: peer)
            all[id] = session
            return session
        }
    }

    func session(id: UInt32) -> ClientSession? { sessions.withLock { $0[id] } }

    func remove(id: UInt32) { _ = sessions.withLock { $0.removeValue(forKey: id) } }

    var all: [ClientSession] { sessions.withLock { Array($0.values) } }
    public var count: Int { sessions.withLock { $0.count } }
}
