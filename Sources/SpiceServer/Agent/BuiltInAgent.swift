import NIOCore
import SaffronDesktop
import SpiceProtocol

/// The agent the server itself plays for the desktops it serves (no spice-vdagent in the
/// session): it answers the client's agent messages and turns them into desktop actions.
/// Sans I/O: `handle` takes one whole agent message and returns what to do.
struct BuiltInAgent {
    /// What the built-in agent implements, announced to the client.
    static func capabilities(fileTransfer: Bool) -> VDAgent.Capabilities {
        VDAgent.Capabilities([
            .monitorsConfig, .reply, .monitorsConfigPosition, .sparseMonitorsConfig,
            // Not MAX_CLIPBOARD: the client's answer (type 14) is beyond Wireshark's dissector, and
            // spice-gtk's default limit (100 MB) is above ours (64 MB) anyway.
            .clipboardByDemand, .clipboardSelection,
            fileTransfer ? .fileXferDetailedErrors : .fileXferDisabled,
        ])
    }
    let capabilities: VDAgent.Capabilities

    enum Action: Equatable {
        /// An agent message for the client.
        case send(AgentPayload)
        /// Resize the desktop to this size (the monitors' bounding box).
        case resize(Size, monitors: [AgentMonitor])
        /// The client copied: the desktop should own `selection` with these formats.
        case clipboardOffered(ClipboardSelectionName, [ClipboardFormat])
        case clipboardReleased(ClipboardSelectionName)
        /// The client pastes desktop data.
        case clipboardRequested(ClipboardSelectionName, ClipboardFormat)
        /// The client's data for a desktop request (nil: it had none).
        case clipboardData(ClipboardSelectionName, ClipboardFormat, [UInt8]?)
        /// File transfer into the session (only when enabled).
        case fileStart(id: UInt32, keyFile: String)
        case fileData(id: UInt32, ByteBuffer)
        /// The client ended a transfer (cancelled or failed on its side).
        case fileAbandoned(id: UInt32)
        /// Something worth a log line (refused or ignored input).
        case log(String)
    }

    /// The largest clipboard the client accepts (MAX_CLIPBOARD; nil: no limit said).
    private(set) var clientMaxClipboard: Int?

    /// Whether the client does clipboard by demand (GRAB/REQUEST): then it gets our offers.
    var clientHasClipboard: Bool { clientCapabilities.contains(.clipboardByDemand) }

    /// The agent message telling the client about desktop clipboard news.
    func clipboardMessage(_ event: ClipboardEvent) -> AgentPayload? {
        guard clientHasClipboard else { return nil }
        switch event {
        case .offered(let sel, let formats):
            guard sel == .clipboard || options.clipboardSelection else { return nil }
            return .clipboardGrab(selection: sel.rawValue, serial: nil, types: formats.map(\.rawValue))
        case .released(let sel):
            guard sel == .clipboard || options.clipboardSelection else { return nil }
            return .clipboardRelease(selection: sel.rawValue)
        case .requested(let sel, let format):
            return .clipboardRequest(selection: sel.rawValue, type: format.rawValue)
        case .data(let sel, let format, let bytes):
            guard let bytes, clientMaxClipboard.map({ bytes.count <= $0 }) ?? true else {
                return .clipboard(selection: sel.rawValue, type: 0, data: ByteBuffer())  // NONE: nothing to give
            }
            return .clipboard(selection: sel.rawValue, type: format.rawValue, data: ByteBuffer(bytes: bytes))
        }
    }

    let resizePolicy: ResizePolicy
    private(set) var clientCapabilities = VDAgent.Capabilities()
    private(set) var options = AgentWireOptions()
    /// The largest desktop a client may ask for.
    let maximumSize: Size

    let fileTransfer: Bool

    init(resizePolicy: ResizePolicy, fileTransfer: Bool = false, maximumSize: Size = Size(width: 7680, height: 4320)) {
        self.resizePolicy = resizePolicy
        self.fileTransfer = fileTransfer
        self.maximumSize = maximumSize
        capabilities = Self.capabilities(fileTransfer: fileTransfer)
    }

    /// What to tell the client when its AGENT_START arrives: our capabilities, asking for theirs.
    func greeting() -> [Action] {
        [.send(.announceCapabilities(request: true, capabilities: capabilities))]
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
            options = AgentWireOptions(ours: capabilities, theirs: caps)
            return request ? [.send(.announceCapabilities(request: false, capabilities: capabilities))] : []
        case .monitorsConfig(let monitors, let usePosition):
            return monitorsConfig(monitors, usePosition: usePosition)
        case .displayConfig:
            return [.send(.reply(type: VDAgent.MessageType.displayConfig.rawValue, error: AgentPayload.replySuccess))]
        case .fileXferStart(let id, let keyFile):
            guard fileTransfer else { return [.send(.fileXferStatus(id: id, result: 7, detail: ByteBuffer()))] }  // DISABLED
            return [.fileStart(id: id, keyFile: keyFile)]
        case .fileXferData(let id, let data):
            return fileTransfer ? [.fileData(id: id, data)] : []
        case .fileXferStatus(let id, let result, _):
            // From the client: anything but "go on" ends the transfer.
            return fileTransfer && result != 0 ? [.fileAbandoned(id: id)] : []
        case .clipboardGrab(let sel, _, let types):
            guard let selection = ClipboardSelectionName(rawValue: sel) else { return [] }
            let formats = types.compactMap { ClipboardFormat(rawValue: $0) }
            return [.clipboardOffered(selection, formats)]
        case .clipboardRelease(let sel):
            guard let selection = ClipboardSelectionName(rawValue: sel) else { return [] }
            return [.clipboardReleased(selection)]
        case .clipboardRequest(let sel, let type):
            guard let selection = ClipboardSelectionName(rawValue: sel), let format = ClipboardFormat(rawValue: type) else {
                return [.send(.clipboard(selection: sel, type: 0, data: ByteBuffer()))]
            }
            return [.clipboardRequested(selection, format)]
        case .clipboard(let sel, let type, let data):
            guard let selection = ClipboardSelectionName(rawValue: sel) else { return [] }
            guard let format = ClipboardFormat(rawValue: type) else {
                return [.clipboardData(selection, .utf8Text, nil)]
            }
            return [.clipboardData(selection, format, Array(data.readableBytesView))]
        case .maxClipboard(let max):
            clientMaxClipboard = max > 0 ? Int(max) : nil
            return []
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
