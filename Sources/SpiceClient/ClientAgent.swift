import Foundation
import NIOCore
import SpiceProtocol
import Synchronization

/// FILE_XFER_STATUS results (`VD_AGENT_FILE_XFER_STATUS_*`).
public enum FileTransferResult: UInt32, Sendable, Equatable {
    case canSendData = 0, cancelled, error, success, notEnoughSpace, sessionLocked, agentNotConnected, disabled
}

public enum ClientAgentError: Error, Equatable, CustomStringConvertible {
    case agentNotConnected
    case cannotRead(String)
    case refused(FileTransferResult?)
    case queueFull
    public var description: String {
        switch self {
        case .agentNotConnected: return "no agent connected"
        case .cannotRead(let p): return "cannot read \(p)"
        case .refused(let r): return "the agent refused the transfer (\(r.map { "\($0)" } ?? "unknown status"))"
        case .queueFull: return "too much agent data queued"
        }
    }
}

final class StatusBox: Sendable {
    let statuses = Mutex<[UInt32]>([])
}

/// The agent side of the main channel, kept on the main channel's event loop.
struct ClientAgentState: Sendable {
    var flow: ClientAgentFlow
    var connected = false
    var started = false
    var theirCapabilities: VDAgent.Capabilities?
    var options = AgentWireOptions()
    /// What we hold per selection (GRAB sent): type → data.
    var owned: [UInt8: (type: UInt32, data: [UInt8])] = [:]
    var requests: [UInt8: [CheckedContinuation<[UInt8]?, Never>]] = [:]
    var transfers: [UInt32: AsyncStream<UInt32>.Continuation] = [:]
    var nextTransferID: UInt32 = 1
    var readyWaiters: [CheckedContinuation<Bool, Never>] = []

    init(maxMessageSize: Int, maxQueuedBytes: Int) {
        flow = ClientAgentFlow(maxMessageSize: maxMessageSize, maxQueuedBytes: maxQueuedBytes)
    }
}

extension SpiceClientSession {
    static let mainChannel = ChannelID(type: .main, id: 0)

    /// What this client announces (spice-gtk's set minus the ones it has no use for here).
    public static let agentCapabilities = VDAgent.Capabilities([
        .mouseState, .monitorsConfig, .reply, .clipboard, .displayConfig, .clipboardByDemand, .clipboardSelection,
        .sparseMonitorsConfig, .guestLineEndLF, .monitorsConfigPosition, .fileXferDetailedErrors,
    ])

    /// The agent answered our capabilities (clipboard and monitors config may be used).
    public var agentReady: Bool { agent.withLock { $0.started && $0.theirCapabilities != nil } }

    /// Waits until the agent announced its capabilities (false: not within `timeout`).
    public func waitForAgent(timeout: Duration = .seconds(10)) async -> Bool {
        if agentReady { return true }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if agentReady { return true }
            if state.withLock({ $0.closed }) { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return agentReady
    }

    /// Holds `data` as `selection`'s content (CLIPBOARD_GRAB; requests are answered from it).
    public func setClipboard(selection: ClipboardSelection = .clipboard, type: ClipboardType, data: [UInt8]) {
        onChannel(Self.mainChannel) { handler, session in
            session.agent.withLock { $0.owned[selection.rawValue] = (type.rawValue, data) }
            session.agentSend(.clipboardGrab(selection: selection.rawValue, serial: nil, types: [type.rawValue]), handler)
        }
    }

    /// Drops what we hold (CLIPBOARD_RELEASE).
    public func releaseClipboard(selection: ClipboardSelection = .clipboard) {
        onChannel(Self.mainChannel) { handler, session in
            guard session.agent.withLock({ $0.owned.removeValue(forKey: selection.rawValue) }) != nil else { return }
            session.agentSend(.clipboardRelease(selection: selection.rawValue), handler)
        }
    }

    /// Asks the guest for its clipboard content (CLIPBOARD_REQUEST); nil when it has none of that
    /// type, there is no agent, or nothing came within `timeout`.
    public func requestClipboard(selection: ClipboardSelection = .clipboard, type: ClipboardType,
                                 timeout: Duration = .seconds(30)) async -> [UInt8]? {
        guard agentReady else { return nil }
        let sel = selection.rawValue
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            self?.finishClipboardRequests(selection: sel, with: nil)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { (c: CheckedContinuation<[UInt8]?, Never>) in
            let first = agent.withLock { s -> Bool in
                s.requests[sel, default: []].append(c)
                return s.requests[sel]!.count == 1
            }
            guard first else { return }
            onChannel(Self.mainChannel, orElse: { $0.finishClipboardRequests(selection: sel, with: nil) }) { handler, session in
                session.agentSend(.clipboardRequest(selection: sel, type: type.rawValue), handler)
            }
        }
    }

    func finishClipboardRequests(selection: UInt8, with data: [UInt8]?) {
        let waiters = agent.withLock { $0.requests.removeValue(forKey: selection) ?? [] }
        for w in waiters { w.resume(returning: data) }
    }

    /// Asks the guest for this monitor layout (VD_AGENT_MONITORS_CONFIG, positions used).
    public func sendMonitorsConfig(_ monitors: [AgentMonitor]) {
        onChannel(Self.mainChannel) { handler, session in
            session.agentSend(.monitorsConfig(monitors: monitors, usePosition: true), handler)
        }
    }

    /// Sends a file to the guest (FILE_XFER_START, then DATA in 64 KiB pieces once the agent
    /// says CAN_SEND_DATA, bounded by the agent tokens); returns the agent's final status.
    /// `progress` gets (bytes sent, total).
    public func sendFile(path: String, name: String? = nil,
                         progress: (@Sendable (Int64, Int64) -> Void)? = nil) async throws -> FileTransferResult {
        guard agentReady else { throw ClientAgentError.agentNotConnected }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ClientAgentError.cannotRead(path) }
        defer { try? handle.close() }
        let total = Int64((try? handle.seekToEnd()) ?? 0)
        try? handle.seek(toOffset: 0)
        let fileName = name ?? (path as NSString).lastPathComponent
        let (statuses, continuation) = AsyncStream<UInt32>.makeStream()
        let id = agent.withLock { s -> UInt32 in
            let id = s.nextTransferID
            s.nextTransferID &+= 1
            s.transfers[id] = continuation
            return id
        }
        defer {
            _ = agent.withLock { $0.transfers.removeValue(forKey: id) }
            continuation.finish()
        }
        let box = StatusBox()
        let reader = Task { for await status in statuses { box.statuses.withLock { $0.append(status) } } }
        defer { reader.cancel() }
        func nextStatus(after count: Int) async throws -> UInt32? {
            while true {
                let (list, closed) = (box.statuses.withLock { $0 }, state.withLock { $0.closed })
                if list.count > count { return list[count] }
                if closed { return nil }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        let escapedName = fileName.replacingOccurrences(of: "\n", with: " ")
        onChannel(Self.mainChannel, orElse: { _ in continuation.finish() }) { handler, session in
            session.agentSend(.fileXferStart(id: id, keyFile: "[vdagent-file-xfer]\nname=\(escapedName)\nsize=\(total)\n"), handler)
        }
        guard let first = try await nextStatus(after: 0) else { throw ClientAgentError.agentNotConnected }
        guard first == FileTransferResult.canSendData.rawValue else { return FileTransferResult(rawValue: first) ?? .error }
        var sent: Int64 = 0
        progress?(0, total)
        while sent < total {
            // A status while sending (the guest cancelled, disk full) ends the transfer.
            if let early = box.statuses.withLock({ $0.count > 1 ? $0[1] : nil }) { return FileTransferResult(rawValue: early) ?? .error }
            let piece = try handle.read(upToCount: 64 * 1024) ?? Data()
            if piece.isEmpty { break }
            let buffer = ByteBuffer(bytes: piece)
            onChannel(Self.mainChannel) { handler, session in
                session.agentSend(.fileXferData(id: id, data: buffer), handler)
            }
            sent += Int64(piece.count)
            progress?(sent, total)
            // Back-pressure: let the queue drain below ~256 KiB before reading on.
            while agentQueuedBytes > 256 * 1024 {
                if state.withLock({ $0.closed }) { throw ClientAgentError.agentNotConnected }
                try await Task.sleep(for: .milliseconds(2))
            }
        }
        guard let final = try await nextStatus(after: 1) else { throw ClientAgentError.agentNotConnected }
        return FileTransferResult(rawValue: final) ?? .error
    }

    var agentQueuedBytes: Int { agent.withLock { $0.flow.queuedBytes } }

    // MARK: On the main channel's event loop

    /// Encodes, queues and sends what the tokens allow.
    func agentSend(_ payload: AgentPayload, _ handler: ClientChannelHandler) {
        let chunks: [ByteBuffer] = agent.withLock { s in
            do { try s.flow.enqueue(payload.message(options: s.options)) } catch {
                logger.warning("agent message dropped: \(error)")
            }
            return s.flow.sendable()
        }
        for c in chunks { handler.send(MainChannel.ClientAgentData(data: c)) }
        handler.flush()
    }

    func agentFlush(_ handler: ClientChannelHandler) {
        let chunks = agent.withLock { $0.flow.sendable() }
        for c in chunks { handler.send(MainChannel.ClientAgentData(data: c)) }
    }

    /// The agent is there (MAIN_INIT with agent_connected, AGENT_CONNECTED(_TOKENS)).
    func agentConnected(tokens: UInt32, _ handler: ClientChannelHandler) {
        let window = agent.withLock { s -> UInt32 in
            s.flow.agentConnected(tokens: tokens)
            s.connected = true
            s.started = true
            s.theirCapabilities = nil
            s.options = AgentWireOptions()
            return s.flow.serverWindow
        }
        handler.send(MainChannel.AgentStart(numTokens: window))
        agentSend(.announceCapabilities(request: true, capabilities: Self.agentCapabilities), handler)
        emit(.agentConnected(true))
    }

    func agentDisconnected() {
        let (waiters, transfers, ready, was) = agent.withLock { s in
            let was = s.connected
            s.flow.agentDisconnected()
            s.connected = false
            s.started = false
            s.theirCapabilities = nil
            let w = s.requests
            s.requests = [:]
            let t = s.transfers
            let r = s.readyWaiters
            s.readyWaiters = []
            return (w, t, r, was)
        }
        for (_, list) in waiters { for c in list { c.resume(returning: nil) } }
        for (_, t) in transfers { t.yield(FileTransferResult.agentNotConnected.rawValue) }
        for r in ready { r.resume(returning: false) }
        if was { emit(.agentConnected(false)) }
    }

    func agentData(_ chunk: ByteBuffer, _ handler: ClientChannelHandler) throws {
        let (messages, back) = try agent.withLock { try $0.flow.received(chunk) }
        if back > 0 { handler.send(MainChannel.ClientAgentToken(numTokens: back)) }
        for message in messages {
            let options = agent.withLock { $0.options }
            let payload: AgentPayload
            do {
                payload = try AgentPayload.decode(message, options: options)
            } catch {
                logger.warning("malformed agent message type \(message.type) refused: \(error)")
                continue
            }
            agentHandle(payload, handler)
        }
    }

    private func agentHandle(_ payload: AgentPayload, _ handler: ClientChannelHandler) {
        switch payload {
        case .announceCapabilities(let request, let caps):
            agent.withLock { s in
                s.theirCapabilities = caps
                s.options = AgentWireOptions(ours: Self.agentCapabilities, theirs: caps)
            }
            if request { agentSend(.announceCapabilities(request: false, capabilities: Self.agentCapabilities), handler) }
            emit(.agentCapabilities(caps.words))
        case .clipboardGrab(let sel, _, let types):
            emit(.clipboardGrabbed(selection: sel, types: types))
        case .clipboardRelease(let sel):
            emit(.clipboardReleased(selection: sel))
        case .clipboardRequest(let sel, let type):
            let owned = agent.withLock { $0.owned[sel] }
            var data = ByteBuffer()
            if let owned, owned.type == type {
                data.writeBytes(owned.data)
                agentSend(.clipboard(selection: sel, type: type, data: data), handler)
            } else {
                agentSend(.clipboard(selection: sel, type: ClipboardType.none.rawValue, data: data), handler)
            }
        case .clipboard(let sel, let type, let data):
            // Type NONE or no bytes: the guest has nothing of that type (spice-gtk treats both as "no data").
            finishClipboardRequests(selection: sel, with: type == ClipboardType.none.rawValue || data.readableBytes == 0
                                    ? nil : Array(data.readableBytesView))
        case .fileXferStatus(let id, let result, _):
            let t = agent.withLock { $0.transfers[id] }
            t?.yield(result)
            emit(.fileTransferStatus(id: id, result: result))
        case .reply(let type, let error):
            emit(.agentReply(type: type, error: error))
        default:
            break
        }
    }
}
