import _CryptoExtras
import Foundation
import SpiceProtocol
import Synchronization
import Testing
@testable import SpiceServer

@Suite struct TicketTests {
    /// What a client does: RSA-OAEP(SHA-1) of the password and a NUL under the link reply's key.
    private func ticket(_ password: String, for auth: TicketAuthenticator) throws -> [UInt8] {
        let key = try _RSA.Encryption.PublicKey(unsafeDERRepresentation: auth.publicKeyDER)
        return Array(try key.encrypt(Array(password.utf8) + [0], padding: .PKCS1_OAEP))
    }

    @Test func publicKeyIsRSA1024SubjectPublicKeyInfo() throws {
        let auth = try TicketAuthenticator(ticketing: .disabled)
        #expect(auth.publicKeyDER.count == 162)
        #expect(Array(auth.publicKeyDER.prefix(22)) == [0x30, 0x81, 0x9F, 0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7,
                                                        0x0D, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x81, 0x8D, 0x00])
    }

    @Test func passwordChecks() throws {
        let auth = try TicketAuthenticator(ticketing: .password("open sesame"))
        #expect(auth.verify(try ticket("open sesame", for: auth)) == .accepted)
        #expect(auth.verify(try ticket("open sesam", for: auth)) == .rejected("wrong password"))
        #expect(auth.verify(try ticket("open sesame!", for: auth)) == .rejected("wrong password"))
        #expect(auth.verify(try ticket("", for: auth)) == .rejected("wrong password"))
        #expect(auth.verify([UInt8](repeating: 7, count: 128)) == .rejected("ticket does not decrypt"))
        // The password can change at run time.
        auth.setTicketing(.password("new"))
        #expect(auth.verify(try ticket("new", for: auth)) == .accepted)
        #expect(auth.verify(try ticket("open sesame", for: auth)) == .rejected("wrong password"))
    }

    /// --ticket-lifetime with an injected clock: valid before the lifetime, "password expired"
    /// from then on (even the right password), and a new password (SIGHUP) restarts it.
    @Test func passwordExpires() throws {
        let clock = TestClock()
        let auth = try TicketAuthenticator(ticketing: .password("pw"), lifetime: .seconds(2), now: { clock.value.withLock { $0 } })
        let right = try ticket("pw", for: auth)
        #expect(auth.verify(right) == .accepted)
        clock.value.withLock { $0 += 1_999_999_999 }
        #expect(auth.verify(right) == .accepted)
        #expect(auth.verify(try ticket("wrong", for: auth)) == .rejected("wrong password"))
        clock.value.withLock { $0 += 1 }
        #expect(auth.verify(right) == .rejected("password expired"))
        #expect(auth.verify(try ticket("wrong", for: auth)) == .rejected("password expired"))
        clock.value.withLock { $0 += 3_600_000_000_000 }
        #expect(auth.verify(right) == .rejected("password expired"))
        auth.setTicketing(.password("new"))
        #expect(auth.verify(try ticket("new", for: auth)) == .accepted)
        #expect(auth.verify(right) == .rejected("wrong password"))
        clock.value.withLock { $0 += 2_000_000_000 }
        #expect(auth.verify(try ticket("new", for: auth)) == .rejected("password expired"))
        // no lifetime: never expires
        let forever = try TicketAuthenticator(ticketing: .password("pw"), now: { clock.value.withLock { $0 } })
        clock.value.withLock { $0 += 1_000_000_000_000_000 }
        #expect(forever.verify(try ticket("pw", for: forever)) == .accepted)
        // disabled ticketing has nothing to expire
        let open = try TicketAuthenticator(ticketing: .disabled, lifetime: .seconds(1), now: { clock.value.withLock { $0 } })
        clock.value.withLock { $0 += 5_000_000_000 }
        #expect(open.verify(try ticket("", for: open)) == .accepted)
    }

    @Test func disabledTicketingStillNeedsAValidCiphertext() throws {
        let auth = try TicketAuthenticator(ticketing: .disabled)
        #expect(auth.verify(try ticket("", for: auth)) == .accepted)
        #expect(auth.verify(try ticket("anything", for: auth)) == .accepted)
        #expect(auth.verify([UInt8](repeating: 0, count: 128)) == .rejected("ticket does not decrypt"))
    }

    @Test func constantTimeCompare() {
        #expect(TicketAuthenticator.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!TicketAuthenticator.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(!TicketAuthenticator.constantTimeEqual([], [0]))
        #expect(!TicketAuthenticator.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(TicketAuthenticator.constantTimeEqual([], []))
        // Lengths 256 apart differ even though their low bytes agree.
        #expect(!TicketAuthenticator.constantTimeEqual([UInt8](repeating: 0, count: 256), []))
    }
}

/// A hand-driven monotonic clock (nanoseconds) for expiry tests.
private final class TestClock: Sendable {
    let value = Mutex<UInt64>(1_000)
}
