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
    private var queue: [ByteBuffer] = []
    private var queueHead = 0
    public private(set) var queuedBytes = 0
    private var reassembler: AgentReassembler

    public init(window: Int = 10, returnBatch: Int = 5, maxMessageSize: Int, maxQueuedBytes: Int) {
        self.window = window
        self.returnBatch = returnBatch
        self.maxQueuedBytes = maxQueuedBytes
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
        let chunks = AgentChunker.chunks(message)
        let bytes = chunks.reduce(0) { $0 + $1.readableBytes }
        guard queuedBytes + bytes <= maxQueuedBytes else { throw FlowError.queueFull(bytes: queuedBytes + bytes, limit: maxQueuedBytes) }
        queue.append(contentsOf: chunks)
        queuedBytes += bytes
    }

    /// The chunks that may be sent now (each costs a token); nil-token state (no AGENT_START yet) sends nothing.
    public mutating func sendable() -> [ByteBuffer] {
        guard var tokens = serverTokens else { return [] }
        var out: [ByteBuffer] = []
        while tokens > 0, queueHead < queue.count {
            let c = queue[queueHead]
            queueHead += 1
            queuedBytes -= c.readableBytes
            out.append(c)
            tokens -= 1
        }
        serverTokens = tokens
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        } else if queueHead > 256 {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        return out
    }

    public var pendingChunks: Int { queue.count - queueHead }
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
    private var queue: [ByteBuffer] = []
    private var queueHead = 0
    public private(set) var queuedBytes = 0
    private var reassembler: AgentReassembler
    private var receivedSinceReturn = 0
    private var serverTokensLeft: UInt64

    public init(serverWindow: UInt32 = 0xFFFF_FFFF, returnBatch: Int = 5, maxMessageSize: Int, maxQueuedBytes: Int) {
        self.serverWindow = serverWindow
        self.returnBatch = returnBatch
        self.maxQueuedBytes = maxQueuedBytes
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
        queue.removeAll()
        queueHead = 0
        queuedBytes = 0
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
        let chunks = AgentChunker.chunks(message)
        let bytes = chunks.reduce(0) { $0 + $1.readableBytes }
        guard queuedBytes + bytes <= maxQueuedBytes else { throw FlowError.queueFull(bytes: queuedBytes + bytes, limit: maxQueuedBytes) }
        queue.append(contentsOf: chunks)
        queuedBytes += bytes
    }

    /// The chunks that may be sent now (each costs a token).
    public mutating func sendable() -> [ByteBuffer] {
        var out: [ByteBuffer] = []
        while tokens > 0, queueHead < queue.count {
            let c = queue[queueHead]
            queueHead += 1
            queuedBytes -= c.readableBytes
            out.append(c)
            tokens -= 1
        }
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        } else if queueHead > 256 {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        return out
    }

    public var pendingChunks: Int { queue.count - queueHead }
}
