import _CryptoExtras
import Foundation
import SpiceProtocol

/// Encrypts a SPICE ticket: RSA-OAEP(SHA-1) of the password and a terminating NUL, under the
/// server's key from the link reply. With no password the single NUL is encrypted (servers always
/// decrypt the ticket).
enum TicketEncryptor {
    static func encrypt(password: String?, publicKeyDER: [UInt8]) throws -> [UInt8] {
        let key = try _RSA.Encryption.PublicKey(unsafeDERRepresentation: publicKeyDER)
        var plain = Array((password ?? "").utf8)
        plain.append(0)
        return Array(try key.encrypt(plain, padding: .PKCS1_OAEP))
    }
}
