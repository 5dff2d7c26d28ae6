import Foundation
import NIOSSL

/// The TLS listener's files and options (QEMU/libvirt layout: `x509-dir` holding
/// `ca-cert.pem`, `server-cert.pem`, `server-key.pem`).
public struct TLSSettings: Sendable {
    /// Port of the TLS listener (0 picks a free one).
    public var port: Int
    public var x509Directory: String
    /// Passphrase of an encrypted `server-key.pem`.
    public var keyPassword: String?
    /// OpenSSL-style cipher list for TLS 1.2 (TLS 1.3 suites are fixed); nil = swift-nio-ssl's default.
    public var ciphers: String?

    public init(port: Int, x509Directory: String, keyPassword: String? = nil, ciphers: String? = nil) {
        self.port = port
        self.x509Directory = x509Directory
        self.keyPassword = keyPassword
        self.ciphers = ciphers
    }

    public var caCertPath: String { (x509Directory as NSString).appendingPathComponent("ca-cert.pem") }
    public var serverCertPath: String { (x509Directory as NSString).appendingPathComponent("server-cert.pem") }
    public var serverKeyPath: String { (x509Directory as NSString).appendingPathComponent("server-key.pem") }
}

/// A certificate/key problem found at start, explained in one line (which file, what is wrong).
public struct TLSSetupError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}

enum TLSSetup {
    /// Loads and checks the files and builds the server context (TLS 1.2 minimum, no client certificates).
    static func makeContext(_ settings: TLSSettings, now: Date = Date()) throws(TLSSetupError) -> NIOSSLContext {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: settings.x509Directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TLSSetupError("--x509-dir \(settings.x509Directory): no such directory")
        }
        let ca = try certificates(settings.caCertPath, role: "CA certificate")
        let chain = try certificates(settings.serverCertPath, role: "server certificate")
        for (path, cert) in [(settings.caCertPath, ca[0]), (settings.serverCertPath, chain[0])] {
            let notAfter = Date(timeIntervalSince1970: TimeInterval(cert.notValidAfter))
            let notBefore = Date(timeIntervalSince1970: TimeInterval(cert.notValidBefore))
            if notAfter < now { throw TLSSetupError("\(path): certificate expired on \(notAfter)") }
            if notBefore > now { throw TLSSetupError("\(path): certificate not valid before \(notBefore)") }
        }
        let key = try privateKey(settings)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .none
        if let ciphers = settings.ciphers {
            try validateCipherList(ciphers)
            configuration.cipherSuites = ciphers
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupError("\(settings.serverKeyPath): the key does not fit \(settings.serverCertPath) (\(error))")
        }
    }

    private static func certificates(_ path: String, role: String) throws(TLSSetupError) -> [NIOSSLCertificate] {
        try readable(path, role: role)
        let certs: [NIOSSLCertificate]
        do {
            certs = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw TLSSetupError("\(path): not a PEM \(role) (\(error))")
        }
        guard !certs.isEmpty else { throw TLSSetupError("\(path): no PEM certificate in the file") }
        return certs
    }

    private static func privateKey(_ settings: TLSSettings) throws(TLSSetupError) -> NIOSSLPrivateKey {
        let path = settings.serverKeyPath
        try readable(path, role: "server private key")
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let encrypted = text.contains("ENCRYPTED")
        if encrypted && settings.keyPassword == nil {
            throw TLSSetupError("\(path): the key is encrypted: give --x509-key-password-file")
        }
        do {
            if let password = settings.keyPassword {
                let bytes = Array(password.utf8)
                return try NIOSSLPrivateKey(file: path, format: .pem) { (setter: NIOSSLPassphraseSetter<[UInt8]>) in setter(bytes) }
            }
            return try NIOSSLPrivateKey(file: path, format: .pem)
        } catch {
            if encrypted { throw TLSSetupError("\(path): cannot decrypt the key: wrong --x509-key-password-file?") }
            throw TLSSetupError("\(path): not a PEM private key (\(error))")
        }
    }

    private static func readable(_ path: String, role: String) throws(TLSSetupError) {
        guard FileManager.default.fileExists(atPath: path) else { throw TLSSetupError("\(path): missing (the \(role))") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw TLSSetupError("\(path): not readable (the \(role))") }
    }

    /// BoringSSL aliases that select ciphers (a positive rule must use only these or cipher names).
    static let cipherAliases: Set<String> = [
        "ALL", "DEFAULT", "HIGH", "FIPS", "kRSA", "RSA", "aRSA", "kECDHE", "kEECDH", "ECDHE", "EECDH", "ECDH",
        "aECDSA", "ECDSA", "kPSK", "aPSK", "PSK", "3DES", "AES", "AES128", "AES256", "AESGCM", "CHACHA20",
        "SHA", "SHA1", "SHA256", "SHA384", "SSLv3", "TLSv1", "TLSv1.2",
    ]
    /// Words OpenSSL users write that BoringSSL ignores (fine in exclusions and combinations).
    static let ignoredCipherWords: Set<String> = ["aNULL", "eNULL", "NULL", "MD5", "RC4", "DES", "EXPORT", "LOW", "MEDIUM", "DH", "EDH", "DHE", "kEDH", "kDHE", "SEED", "IDEA", "CAMELLIA", "DSS", "aDSS", "SRP", "kSRP", "@STRENGTH"]
    static let cipherNames: Set<String> = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
        "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA",
        "AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA", "DES-CBC3-SHA",
        "ECDHE-PSK-AES128-CBC-SHA", "ECDHE-PSK-AES256-CBC-SHA", "PSK-AES128-CBC-SHA", "PSK-AES256-CBC-SHA",
    ]

    /// swift-nio-ssl traps on a list BoringSSL rejects, so refuse unknown words and lists that
    /// select nothing here, with a message.
    static func validateCipherList(_ list: String) throws(TLSSetupError) {
        let rules = list.split(whereSeparator: { $0 == ":" || $0 == "," || $0 == " " }).map(String.init)
        var selects = false
        for rule in rules {
            let negated = rule.first.map { "!-+".contains($0) } ?? false
            let body = negated ? String(rule.dropFirst()) : rule
            let words = body.split(separator: "+").map(String.init)
            guard !words.isEmpty else { throw TLSSetupError("--tls-ciphers: empty rule in '\(list)'") }
            for word in words where !cipherAliases.contains(word) && !cipherNames.contains(word) && !ignoredCipherWords.contains(word) {
                throw TLSSetupError("--tls-ciphers: unknown cipher or alias '\(word)' (e.g. HIGH, ECDHE+AESGCM, ECDHE-RSA-AES128-GCM-SHA256)")
            }
            if rule.first != "!" && rule.first != "-" && rule.first != "+"
                && words.allSatisfy({ cipherAliases.contains($0) || cipherNames.contains($0) }) {
                selects = true
            }
        }
        guard selects else { throw TLSSetupError("--tls-ciphers '\(list)' selects no cipher") }
    }
}
