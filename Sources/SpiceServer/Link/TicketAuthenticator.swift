import _CryptoExtras
import Foundation
import SpiceProtocol
import Synchronization

/// The SPICE ticket: RSA-OAEP(SHA-1) of the password and a NUL under a per-process RSA-1024 key.
///
/// The key is made once per process (its public half goes in every link reply); the password
/// can be replaced at run time (SIGHUP re-reads the password file). Comparison is constant-time.
public final class TicketAuthenticator: Sendable {
    private let privateKey: SendableKey
    /// DER SubjectPublicKeyInfo, 162 bytes, as spice-gtk expects in `SpiceLinkReply.pub_key`.
    public let publicKeyDER: [UInt8]
    private let ticketing: Mutex<(ticketing: Ticketing, setAt: UInt64)>
    /// How long a password stays valid after it was set (QEMU: `expire_password`); nil = forever.
    public let lifetime: Duration?
    /// Monotonic nanoseconds; injected by tests.
    private let now: @Sendable () -> UInt64

    /// The monotonic clock used unless a test injects one.
    public static let monotonicNanoseconds: @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }

    public init(ticketing: Ticketing, lifetime: Duration? = nil,
                now: @escaping @Sendable () -> UInt64 = TicketAuthenticator.monotonicNanoseconds) throws {
        let key = try _RSA.Encryption.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
        privateKey = SendableKey(key: key)
        publicKeyDER = Array(key.publicKey.derRepresentation)
        precondition(publicKeyDER.count == LinkReply.publicKeySize, "RSA-1024 SPKI must be 162 bytes")
        self.lifetime = lifetime
        self.now = now
        self.ticketing = Mutex((ticketing, now()))
    }

    /// Replaces the password (SIGHUP re-reads the password file); the lifetime starts again.
    public func setTicketing(_ new: Ticketing) {
        let at = now()
        ticketing.withLock { $0 = (new, at) }
    }

    public enum Verdict: Equatable, Sendable {
        case accepted
        case rejected(String)
    }

    /// Decrypts and checks a 128-byte ticket. A ticket that does not decrypt is refused even with
    /// ticketing disabled, as the spice server does (clients always send a valid one).
    public func verify(_ encrypted: [UInt8]) -> Verdict {
        let plain: [UInt8]
        do {
            plain = Array(try privateKey.key.decrypt(encrypted, padding: .PKCS1_OAEP))
        } catch {
            return .rejected("ticket does not decrypt")
        }
        let (current, setAt) = ticketing.withLock { $0 }
        switch current {
        case .disabled:
            return .accepted
        case .password(let password):
            if let lifetime, Self.nanoseconds(lifetime) <= now() &- setAt {
                return .rejected("password expired")
            }
            let given = plain.prefix { $0 != 0 }
            return Self.constantTimeEqual(Array(given), Array(password.utf8)) ? .accepted : .rejected("wrong password")
        }
    }

    private static func nanoseconds(_ d: Duration) -> UInt64 {
        let (seconds, attoseconds) = d.components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }

    /// Equal-length-independent comparison whose time depends only on the longer length.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let n = max(a.count, b.count)
        var diff = UInt8(truncatingIfNeeded: a.count ^ b.count) | UInt8(truncatingIfNeeded: (a.count ^ b.count) >> 8)
        for i in 0..<n {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            diff |= x ^ y
        }
        return diff == 0 && a.count == b.count
    }
}

/// The key is never mutated after creation and BoringSSL's RSA decryption is thread-safe.
private struct SendableKey: @unchecked Sendable {
    let key: _RSA.Encryption.PrivateKey
}
