import SpiceProtocol

/// SASL as the server configures it (`saffron serve --sasl`).
public struct SASLSettings: Sendable, Hashable {
    /// Bounds on what a client may send during the exchange.
    public var limits: SASLServerExchange.Limits

    public init(limits: SASLServerExchange.Limits = .init()) {
        self.limits = limits
    }
}

/// A SASL failure outside the exchange itself (library init, connection setup, security layer).
public struct SASLError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What one `start`/`step` of a SASL conversation gave.
enum SASLStepResult: Sendable, Hashable {
    /// More round trips: send this to the client.
    case `continue`([UInt8])
    /// Authenticated; this is the final server data (often empty).
    case done([UInt8])
    /// Refused (wrong password, unknown user, no common mechanism…), with the library's reason.
    case failed(String)
}

/// One server-side SASL conversation, for one connection; used on its event loop only.
/// Abstracted so the link handler can be tested without libsasl2.
protocol SASLServerSession: AnyObject {
    /// ",MECH1,MECH2," — mechanisms the client may choose.
    func mechanisms() throws(SASLError) -> String
    func start(mechanism: String, clientData: [UInt8]?) -> SASLStepResult
    func step(clientData: [UInt8]?) -> SASLStepResult
    /// After `.done`: the negotiated security layer's strength (0 = none).
    var securityStrength: Int { get }
    /// After `.done`: who logged in.
    var username: String? { get }
    /// Wraps outgoing bytes for the security layer (callers chunk by `maxEncodeSize`).
    func encode(_ plain: [UInt8]) throws(SASLError) -> [UInt8]
    /// Unwraps incoming bytes; may return nothing until a whole packet arrived.
    func decode(_ wire: [UInt8]) throws(SASLError) -> [UInt8]
    /// Largest input `encode` accepts at once.
    var maxEncodeSize: Int { get }
}

/// Makes a `SASLServerSession` per connection.
protocol SASLServerFactory: Sendable {
    /// `local`/`remote` are "ip;port" as libsasl2 wants them; `tls` = the stream is already
    /// encrypted, so no security layer is needed.
    func makeSession(local: String?, remote: String?, tls: Bool) throws(SASLError) -> any SASLServerSession
}
