import NIOCore

/// The server side of SPICE's SASL link exchange (after the client chose auth mechanism 2),
/// without I/O and without libsasl2: it frames and validates bytes, the caller runs the SASL
/// library. Byte layout as spice-server `red-stream.cpp` / spice-gtk `spice-channel.c`:
///
///     S→C  u32 len, mechlist (",A,B," — no NUL)
///     C→S  u32 len (1...100), mechname (no NUL)
///     C→S  u32 len, clientout + NUL (len 0 = no data, which SASL tells apart from empty)
///     S→C  u32 len, serverout + NUL (0 = none), u8 complete
///          … C→S data / S→C reply repeat until complete …
///     S→C  u32 0 (auth OK, never wrapped by the security layer)
public struct SASLServerExchange: Sendable {
    public struct Limits: Sendable, Hashable {
        /// spice-server's `SASL_MAX_MECHNAME_LEN`.
        public var maxMechanismNameLength: Int
        /// spice-server's `SASL_DATA_MAX_LEN` (1 MiB); applies to client data.
        public var maxDataLength: Int

        public init(maxMechanismNameLength: Int = 100, maxDataLength: Int = 1 << 20) {
            self.maxMechanismNameLength = maxMechanismNameLength
            self.maxDataLength = maxDataLength
        }
    }

    /// What the received bytes ask of the caller.
    public enum Event: Sendable, Hashable {
        /// Run `sasl_server_start` (mechanism set) or `sasl_server_step` (nil) with this data
        /// (nil = the client sent none), then call `stepped(_:)`.
        case step(mechanism: String?, clientData: [UInt8]?)
        /// Protocol violation: send `result` as the 4-byte link result if set, then close.
        case fail(reason: String, result: LinkError?)
    }

    /// What one SASL start/step call gave.
    public enum Outcome: Sendable, Hashable {
        /// SASL_CONTINUE: the client must answer `serverOut`.
        case `continue`(serverOut: [UInt8])
        /// SASL_OK with an acceptable security strength.
        case complete(serverOut: [UInt8])
        /// SASL_OK but the negotiated security layer is weaker than required.
        case weakSecurity(serverOut: [UInt8])
        /// Any SASL error (wrong password, unknown user…): the reference closes without a word.
        case failed
    }

    private enum State: Sendable, Hashable {
        case awaitingMechanismList
        case awaitingMechanismNameLength
        case awaitingMechanismName(length: Int)
        case awaitingDataLength(mechanism: String?)
        case awaitingData(mechanism: String?, length: Int)
        case stepping
        case finished
    }

    private var state: State = .awaitingMechanismList
    private var mechanisms: Set<String> = []
    public let limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// The mechanisms on offer, from `sasl_listmech` with "," as prefix, separator and suffix.
    /// Returns the bytes to send.
    public mutating func offer(mechanismList: String) -> ByteBuffer {
        mechanisms = Set(mechanismList.split(separator: ",").map(String.init))
        state = .awaitingMechanismNameLength
        var out = ByteBuffer()
        let bytes = Array(mechanismList.utf8)
        out.writeLE(UInt32(bytes.count))
        out.writeBytes(bytes)
        return out
    }

    /// Consumes what the current step needs; nil = need more bytes (or waiting for `stepped`).
    public mutating func receive(_ buffer: inout ByteBuffer) -> Event? {
        switch state {
        case .awaitingMechanismNameLength:
            guard let length = buffer.readLE(as: UInt32.self) else { return nil }
            guard length >= 1, length <= limits.maxMechanismNameLength else {
                return fail("mechanism name length \(length) outside 1...\(limits.maxMechanismNameLength)", nil)
            }
            state = .awaitingMechanismName(length: Int(length))
            return receive(&buffer)

        case .awaitingMechanismName(let length):
            guard let bytes = buffer.readBytes(length: length) else { return nil }
            // Mechanism names are upper-case letters, digits, '-' and '_' (RFC 4422 §3.1).
            let printable = bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F }
            let name = String(decoding: bytes, as: UTF8.self)
            guard printable, !name.contains(","), mechanisms.contains(name) else {
                let shown = printable ? name : "<\(bytes.count) non-printable bytes>"
                return fail("mechanism \(shown) not offered", .invalidData)
            }
            state = .awaitingDataLength(mechanism: name)
            return receive(&buffer)

        case .awaitingDataLength(let mechanism):
            guard let length = buffer.readLE(as: UInt32.self) else { return nil }
            guard length <= limits.maxDataLength else {
                return fail("SASL data length \(length) over \(limits.maxDataLength)", .invalidData)
            }
            if length == 0 {
                state = .stepping
                return .step(mechanism: mechanism, clientData: nil)
            }
            state = .awaitingData(mechanism: mechanism, length: Int(length))
            return receive(&buffer)

        case .awaitingData(let mechanism, let length):
            guard buffer.readableBytes >= length else { return nil }
            // The wire length counts a trailing NUL that is not part of the SASL data.
            var data = buffer.readBytes(length: length)!
            data.removeLast()
            state = .stepping
            return .step(mechanism: mechanism, clientData: data)

        case .awaitingMechanismList, .stepping, .finished:
            return nil
        }
    }

    /// The answer to `.step`. Returns the bytes to send (empty for `.failed`: just close) and
    /// whether the exchange is over: `.success`, `.failure`, or nil when it continues.
    public mutating func stepped(_ outcome: Outcome) -> (reply: ByteBuffer, result: Result?) {
        guard state == .stepping else { return (ByteBuffer(), .failure) }
        var out = ByteBuffer()
        switch outcome {
        case .continue(let serverOut):
            Self.writeServerData(serverOut, complete: false, to: &out)
            state = .awaitingDataLength(mechanism: nil)
            return (out, nil)
        case .complete(let serverOut):
            Self.writeServerData(serverOut, complete: true, to: &out)
            out.writeLE(LinkError.ok.rawValue)
            state = .finished
            return (out, .success)
        case .weakSecurity(let serverOut):
            // As red_sasl_handle_auth_step's `authreject`: complete, then a refusal with a reason.
            Self.writeServerData(serverOut, complete: true, to: &out)
            out.writeLE(LinkError.error.rawValue)
            let reason = Array("Authentication failed".utf8) + [0]
            out.writeLE(UInt32(reason.count))
            out.writeBytes(reason)
            state = .finished
            return (out, .failure)
        case .failed:
            state = .finished
            return (out, .failure)
        }
    }

    public enum Result: Sendable, Hashable {
        case success
        case failure
    }

    private mutating func fail(_ reason: String, _ result: LinkError?) -> Event {
        state = .finished
        return .fail(reason: reason, result: result)
    }

    /// u32 length (data + NUL, or 0 for none), data, NUL, u8 complete.
    static func writeServerData(_ data: [UInt8], complete: Bool, to out: inout ByteBuffer) {
        if data.isEmpty {
            out.writeLE(UInt32(0))
        } else {
            out.writeLE(UInt32(data.count + 1))
            out.writeBytes(data)
            out.writeLE(UInt8(0))
        }
        out.writeLE(UInt8(complete ? 1 : 0))
    }
}
