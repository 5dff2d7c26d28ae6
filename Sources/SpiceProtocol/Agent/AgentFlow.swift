import NIOCore

/// The agent data flow of one client's main channel, server side (sans I/O).
///
/// Client → server: the client may send as many AGENT_DATA as we granted (`window`, told in
/// MAIN_INIT); the built-in agent consumes each at once, so tokens go back in batches of
/// `returnBatch` (AGENT_TOKEN). A client sending without a token breaks the protocol.
/// Server → client: after AGENT_START we may send `num_tokens` AGENT_DATA; more wait in a
/// bounded queue until the client returns tokens (spice-gtk grants 0xFFFFFFFF and never does).
public struct ServerAgentFlow: Sendable {
    public let window: Int
    public let returnBatch: Int
    public let maxQueuedBytes: Int
    /// AGENT_DATA the client may still send before we return tokens.
    public private(set) var clientTokens: Int
    private var consumedSinceReturn = 0
    /// AGENT_DATA we may send; nil until the client's AGENT_START.
    public private(set) var serverTokens: UInt64?
    private var outbox: AgentOutbox
    private var reassembler: AgentReassembler

    public init(window: Int = 10, returnBatch: Int = 5, maxMessageSize: Int, maxQueuedBytes: Int) {
        self.window = window
        self.returnBatch = returnBatch
        self.maxQueuedBytes = maxQueuedBytes
        outbox = AgentOutbox(maxBytes: maxQueuedBytes)
        clientTokens = window
        reassembler = AgentReassembler(maxMessageSize: maxMessageSize)
    }

    public enum FlowError: Error, Equatable, CustomStringConvertible {
        case noTokens
        case queueFull(bytes: Int, limit: Int)
        public var description: String {
            switch self {
            case .noTokens: return "client sent agent data without a token (window exhausted)"
            case .queueFull(let bytes, let limit): return "agent data for the client exceeds \(limit) bytes queued (\(bytes))"
            }
        }
    }

    /// The client's AGENT_START: from now on we may send `tokens` chunks.
    public mutating func clientStarted(tokens: UInt32) {
        serverTokens = UInt64(tokens)
    }

    /// The client's AGENT_TOKEN.
    public mutating func clientReturned(tokens: UInt32) {
        serverTokens = (serverTokens ?? 0) &+ UInt64(tokens)
    }

    /// A client AGENT_DATA: the messages it completed and the tokens to give back now (0: none yet).
    public mutating func received(_ chunk: ByteBuffer) throws -> (messages: [VDAgent.Message], returnTokens: UInt32) {
        guard clientTokens > 0 else { throw FlowError.noTokens }
        clientTokens -= 1
        let messages = try reassembler.append(chunk)
        consumedSinceReturn += 1
        guard consumedSinceReturn >= returnBatch else { return (messages, 0) }
        let back = consumedSinceReturn
        consumedSinceReturn = 0
        clientTokens += back
        return (messages, UInt32(back))
    }

    /// Queues a message for the client (chunked); throws when the queue would exceed its bound.
    public mutating func enqueue(_ message: VDAgent.Message) throws {
        if let total = outbox.append(message) { throw FlowError.queueFull(bytes: total, limit: maxQueuedBytes) }
    }

    /// The chunks that may be sent now (each costs a token); nil-token state (no AGENT_START yet) sends nothing.
    public mutating func sendable() -> [ByteBuffer] {
        guard var tokens = serverTokens else { return [] }
        defer { serverTokens = tokens }
        return outbox.take(tokens: &tokens)
    }

    public var queuedBytes: Int { outbox.bytes }
    public var pendingChunks: Int { outbox.count }
}

/// The agent data flow of a client's main channel, client side (sans I/O).
///
/// Client → server: the server grants `tokens` AGENT_DATA (MAIN_INIT's agent_tokens or
/// AGENT_CONNECTED_TOKENS) and returns more with AGENT_TOKEN; chunks beyond that wait in a
/// bounded queue. Server → client: our AGENT_START grants `serverWindow` chunks (spice-gtk:
/// 0xFFFFFFFF, never returned); with a smaller window, tokens go back every `returnBatch`.
public struct ClientAgentFlow: Sendable {
    public let serverWindow: UInt32
    public let returnBatch: Int
    public let maxQueuedBytes: Int
    /// AGENT_DATA we may still send.
    public private(set) var tokens: UInt64 = 0
    private var outbox: AgentOutbox
    private var reassembler: AgentReassembler
    private var receivedSinceReturn = 0
    private var serverTokensLeft: UInt64

    public init(serverWindow: UInt32 = 0xFFFF_FFFF, returnBatch: Int = 5, maxMessageSize: Int, maxQueuedBytes: Int) {
        self.serverWindow = serverWindow
        self.returnBatch = returnBatch
        self.maxQueuedBytes = maxQueuedBytes
        outbox = AgentOutbox(maxBytes: maxQueuedBytes)
        serverTokensLeft = UInt64(serverWindow)
        reassembler = AgentReassembler(maxMessageSize: maxMessageSize)
    }

    public enum FlowError: Error, Equatable, CustomStringConvertible {
        case noTokens
        case queueFull(bytes: Int, limit: Int)
        public var description: String {
            switch self {
            case .noTokens: return "server sent agent data beyond the tokens we granted"
            case .queueFull(let bytes, let limit): return "agent data for the server exceeds \(limit) bytes queued (\(bytes))"
            }
        }
    }

    /// The agent (re)connected: a fresh token count and a fresh inbound stream; unsent chunks stay queued.
    public mutating func agentConnected(tokens: UInt32) {
        self.tokens = UInt64(tokens)
        serverTokensLeft = UInt64(serverWindow)
        receivedSinceReturn = 0
        reassembler = AgentReassembler(maxMessageSize: reassembler.maxMessageSize)
    }

    /// The agent went away: drop what was queued for it.
    public mutating func agentDisconnected() {
        outbox.removeAll()
        tokens = 0
    }

    /// The server's AGENT_TOKEN.
    public mutating func serverReturned(tokens: UInt32) {
        self.tokens &+= UInt64(tokens)
    }

    /// A server AGENT_DATA: the messages it completed and the tokens to return now (0: none).
    public mutating func received(_ chunk: ByteBuffer) throws -> (messages: [VDAgent.Message], returnTokens: UInt32) {
        if serverWindow != 0xFFFF_FFFF {
            guard serverTokensLeft > 0 else { throw FlowError.noTokens }
            serverTokensLeft -= 1
        }
        let messages = try reassembler.append(chunk)
        guard serverWindow != 0xFFFF_FFFF else { return (messages, 0) }
        receivedSinceReturn += 1
        guard receivedSinceReturn >= returnBatch else { return (messages, 0) }
        let back = receivedSinceReturn
        receivedSinceReturn = 0
        serverTokensLeft += UInt64(back)
        return (messages, UInt32(back))
    }

    /// Queues a message for the server (chunked); throws when the queue would exceed its bound.
    public mutating func enqueue(_ message: VDAgent.Message) throws {
        if let total = outbox.append(message) { throw FlowError.queueFull(bytes: total, limit: maxQueuedBytes) }
    }

    /// The chunks that may be sent now (each costs a token).
    public mutating func sendable() -> [ByteBuffer] {
        outbox.take(tokens: &tokens)
    }

    public var queuedBytes: Int { outbox.bytes }
    public var pendingChunks: Int { outbox.count }
}

/// Agent chunks waiting for the peer's tokens, bounded in bytes: the send side both ends share.
struct AgentOutbox: Sendable {
    let maxBytes: Int
    private var queue: [ByteBuffer] = []
    private var head = 0
    private(set) var bytes = 0

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    var count: Int { queue.count - head }

    /// Chunks and queues `message`; when that would pass `maxBytes` nothing is queued and the
    /// total it would have made is returned.
    mutating func append(_ message: VDAgent.Message) -> Int? {
        let chunks = AgentChunker.chunks(message)
        let total = bytes + chunks.reduce(0) { $0 + $1.readableBytes }
        guard total <= maxBytes else { return total }
        queue.append(contentsOf: chunks)
        bytes = total
        return nil
    }

    /// Takes as many chunks as `tokens` allow, one token each.
    mutating func take(tokens: inout UInt64) -> [ByteBuffer] {
        var out: [ByteBuffer] = []
        while tokens > 0, head < queue.count {
            let c = queue[head]
            head += 1
            bytes -= c.readableBytes
            out.append(c)
            tokens -= 1
        }
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 256 {
            queue.removeFirst(head)
            head = 0
        }
        return out
    }

    mutating func removeAll() {
        queue.removeAll()
        head = 0
        bytes = 0
    }
}
