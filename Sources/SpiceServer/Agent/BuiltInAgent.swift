import NIOCore
import SaffronDesktop
import SpiceProtocol

/// The agent the server itself plays for the desktops it serves (no spice-vdagent in the
/// session): it answers the client's agent messages and turns them into desktop actions.
/// Sans I/O: `handle` takes one whole agent message and returns what to do.
struct BuiltInAgent {
    /// What the built-in agent implements, announced to the client.
    static let capabilities = VDAgent.Capabilities([
        .monitorsConfig, .reply, .monitorsConfigPosition, .sparseMonitorsConfig, .fileXferDisabled,
    ])

    enum Action: Equatable {
        /// An agent message for the client.
        case send(AgentPayload)
        /// Resize the desktop to this size (the monitors' bounding box).
        case resize(Size, monitors: [AgentMonitor])
        /// Something worth a log line (refused or ignored input).
        case log(String)
    }

    let resizePolicy: ResizePolicy
    private(set) var clientCapabilities = VDAgent.Capabilities()
    private(set) var options = AgentWireOptions()
    /// The largest desktop a client may ask for.
    let maximumSize: Size

    init(resizePolicy: ResizePolicy, maximumSize: Size = Size(width: 7680, height: 4320)) {
        self.resizePolicy = resizePolicy
        self.maximumSize = maximumSize
    }

    /// What to tell the client when its AGENT_START arrives: our capabilities, asking for theirs.
    func greeting() -> [Action] {
        [.send(.announceCapabilities(request: true, capabilities: Self.capabilities))]
    }

    mutating func handle(_ message: VDAgent.Message) -> [Action] {
        let payload: AgentPayload
        do {
            payload = try AgentPayload.decode(message, options: options)
        } catch {
            return [.log("malformed agent message type \(message.type) refused: \(error)")]
        }
        switch payload {
        case .announceCapabilities(let request, let caps):
            clientCapabilities = caps
            options = AgentWireOptions(ours: Self.capabilities, theirs: caps)
            return request ? [.send(.announceCapabilities(request: false, capabilities: Self.capabilities))] : []
        case .monitorsConfig(let monitors, let usePosition):
            return monitorsConfig(monitors, usePosition: usePosition)
        case .displayConfig:
            return [.send(.reply(type: VDAgent.MessageType.displayConfig.rawValue, error: AgentPayload.replySuccess))]
        case .fileXferStart(let id, _):
            // Until file transfer lands: refused the way a disabled agent does.
            return [.send(.fileXferStatus(id: id, result: 7, detail: ByteBuffer()))]
        case .fileXferData, .fileXferStatus:
            return []
        case .clipboard, .clipboardGrab, .clipboardRequest, .clipboardRelease, .maxClipboard:
            return [.log("clipboard message ignored (no clipboard capability announced)")]
        case .clientDisconnected, .reply, .mouseState:
            return []
        case .other(let type, _):
            return [.log("agent message type \(type) ignored")]
        }
    }

    /// The monitors as one screen: their bounding box (positions when given, else side by side).
    private func monitorsConfig(_ monitors: [AgentMonitor], usePosition: Bool) -> [Action] {
        let reply = Action.send(.reply(type: VDAgent.MessageType.monitorsConfig.rawValue, error: AgentPayload.replySuccess))
        let enabled = monitors.filter { $0.width > 0 && $0.height > 0 }
        guard !enabled.isEmpty else { return [reply] }
        var placed: [AgentMonitor] = []
        var nextX: Int32 = 0
        for m in enabled {
            var m = m
            if !usePosition { m.x = nextX; m.y = 0 }
            nextX = max(nextX, m.x &+ Int32(clamping: m.width))
            placed.append(m)
        }
        let minX = placed.map { Int($0.x) }.min()!, minY = placed.map { Int($0.y) }.min()!
        let maxX = placed.map { Int($0.x) + Int($0.width) }.max()!, maxY = placed.map { Int($0.y) + Int($0.height) }.max()!
        let size = Size(width: min(maxX - minX, maximumSize.width), height: min(maxY - minY, maximumSize.height))
        guard resizePolicy == .always else { return [reply, .log("client asked for \(size); --resize never keeps the desktop size")] }
        guard size.width >= 64, size.height >= 64 else { return [reply, .log("client asked for \(size): too small, ignored")] }
        return [reply, .resize(size, monitors: placed)]
    }
}

/// Whether clients may resize the desktop (`--resize`).
public enum ResizePolicy: String, Sendable, CaseIterable {
    case always
    case never
}
