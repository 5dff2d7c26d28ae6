import Foundation
import NIOCore
import NIOSSL

/// How the client checks a TLS server: the CA that signs its certificate (a PEM file or inline
/// PEM, e.g. a .vv file's `ca=`; neither = the system's trust roots), and the expected subject
/// (`host-subject`, e.g. "C=XX,L=city,O=org,CN=name"). With a subject, the certificate's
/// subject must hold exactly those components (any order, as spice-gtk's check compares
/// names) and the host name is not checked; without one the certificate must name the host
/// (DNS name or IP address), as spice-gtk does.
public struct SpiceClientTLS: Sendable, Equatable {
    public var caFile: String?
    public var caPEM: String?
    public var hostSubject: String?
    public init(caFile: String? = nil, caPEM: String? = nil, hostSubject: String? = nil) {
        self.caFile = caFile
        self.caPEM = caPEM
        self.hostSubject = hostSubject
    }
}

public struct ClientTLSError: Error, Equatable, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}

enum ClientTLSSetup {
    static func makeContext(_ tls: SpiceClientTLS) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        var roots: [NIOSSLCertificate] = []
        if let file = tls.caFile {
            guard let data = FileManager.default.contents(atPath: file) else { throw ClientTLSError("cannot read the CA file \(file)") }
            do { roots += try NIOSSLCertificate.fromPEMBytes(Array(data)) } catch { throw ClientTLSError("\(file): not a PEM certificate (\(error))") }
            guard !roots.isEmpty else { throw ClientTLSError("\(file): no PEM certificate in the file") }
        }
        if let pem = tls.caPEM {
            do { roots += try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)) } catch { throw ClientTLSError("inline CA: not a PEM certificate (\(error))") }
        }
        if !roots.isEmpty { configuration.trustRoots = .certificates(roots) }
        if let subject = tls.hostSubject {
            _ = try parseSubject(subject)
            configuration.certificateVerification = .noHostnameVerification
        } else {
            configuration.certificateVerification = .fullVerification
        }
        do { return try NIOSSLContext(configuration: configuration) } catch { throw ClientTLSError("TLS setup: \(error)") }
    }

    /// The SNI / host name to check: nil for IP addresses (NIOSSL then checks the peer's address).
    static func serverName(_ host: String) -> String? {
        if host.contains(":") { return nil }
        let parts = host.split(separator: ".")
        if parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) { return nil }
        return host
    }

    /// "C=IL, L=Raanana, O=Red Hat, CN=host" → components; `\,` escapes a comma.
    static func parseSubject(_ text: String) throws -> [SubjectComponent] {
        var parts: [String] = [], current = "", escaped = false
        for ch in text {
            if escaped { current.append(ch); escaped = false; continue }
            if ch == "\\" { escaped = true; continue }
            if ch == "," { parts.append(current); current = ""; continue }
            current.append(ch)
        }
        parts.append(current)
        var out: [SubjectComponent] = []
        for part in parts {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let eq = trimmed.firstIndex(of: "=") else { throw ClientTLSError("host-subject: '\(trimmed)' is not KEY=VALUE") }
            let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces).uppercased()
            let value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw ClientTLSError("host-subject: empty key in '\(trimmed)'") }
            out.append(SubjectComponent(key: key, value: value))
        }
        guard !out.isEmpty else { throw ClientTLSError("host-subject is empty") }
        return out
    }

    /// Whether a certificate's subject holds exactly the expected components (order-insensitive).
    static func subjectMatches(_ certificate: NIOSSLCertificate, expected: String) throws -> (Bool, String) {
        let want = try parseSubject(expected)
        let der = try certificate.toDERBytes()
        let have = try CertificateSubject.parse(der: der)
        let text = have.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        let sortKey: (SubjectComponent, SubjectComponent) -> Bool = { ($0.key, $0.value) < ($1.key, $1.value) }
        return (want.sorted(by: sortKey) == have.sorted(by: sortKey), text)
    }
}

struct SubjectComponent: Equatable {
    var key: String
    var value: String
}

/// Just enough DER to read a certificate's subject name.
enum CertificateSubject {
    struct DERError: Error {}

    private static let names: [String: String] = [
        "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O", "2.5.4.11": "OU",
        "2.5.4.5": "SERIALNUMBER", "2.5.4.9": "STREET", "1.2.840.113549.1.9.1": "EMAILADDRESS", "0.9.2342.19200300.100.1.25": "DC",
        "0.9.2342.19200300.100.1.1": "UID",
    ]

    /// One TLV at `i`: (tag, content range, next index).
    static func tlv(_ b: [UInt8], _ i: Int, limit: Int) throws -> (tag: UInt8, start: Int, end: Int) {
        guard i + 2 <= limit else { throw DERError() }
        let tag = b[i]
        var len = Int(b[i + 1]), p = i + 2
        if len & 0x80 != 0 {
            let n = len & 0x7F
            guard n >= 1, n <= 3, p + n <= limit else { throw DERError() }
            len = 0
            for k in 0..<n { len = len << 8 | Int(b[p + k]) }
            p += n
        }
        guard p + len <= limit else { throw DERError() }
        return (tag, p, p + len)
    }

    static func parse(der b: [UInt8]) throws -> [SubjectComponent] {
        let cert = try tlv(b, 0, limit: b.count)
        let tbs = try tlv(b, cert.start, limit: cert.end)
        var i = tbs.start
        var field = try tlv(b, i, limit: tbs.end)
        if field.tag == 0xA0 { i = field.end; field = try tlv(b, i, limit: tbs.end) }  // [0] version
        // serial, signature, issuer, validity, then subject
        for _ in 0..<4 { i = field.end; field = try tlv(b, i, limit: tbs.end) }
        guard field.tag == 0x30 else { throw DERError() }
        var out: [SubjectComponent] = []
        var s = field.start
        while s < field.end {
            let set = try tlv(b, s, limit: field.end)
            var a = set.start
            while a < set.end {
                let atv = try tlv(b, a, limit: set.end)
                let oid = try tlv(b, atv.start, limit: atv.end)
                let value = try tlv(b, oid.end, limit: atv.end)
                let oidText = Self.oid(Array(b[oid.start..<oid.end]))
                let text: String
                if value.tag == 0x1E {  // BMPString
                    var units: [UInt16] = []
                    var k = value.start
                    while k + 1 < value.end { units.append(UInt16(b[k]) << 8 | UInt16(b[k + 1])); k += 2 }
                    text = String(decoding: units, as: UTF16.self)
                } else {
                    text = String(decoding: b[value.start..<value.end], as: UTF8.self)
                }
                out.append(SubjectComponent(key: names[oidText] ?? oidText, value: text))
                a = atv.end
            }
            s = set.end
        }
        return out
    }

    static func oid(_ bytes: [UInt8]) -> String {
        guard let first = bytes.first else { return "" }
        var parts = [Int(first) / 40, Int(first) % 40], v = 0
        for byte in bytes.dropFirst() {
            v = v << 7 | Int(byte & 0x7F)
            if byte & 0x80 == 0 { parts.append(v); v = 0 }
        }
        return parts.map(String.init).joined(separator: ".")
    }
}
