/// Where to connect, from a `spice://host:port`, `spice+tls://host:port` URI or a remote-viewer
/// connection file (`.vv`: `[virt-viewer]` with type, host, port, tls-port, password, ca,
/// host-subject, title).
public struct SpiceTarget: Sendable, Equatable {
    public var host: String
    public var port: Int?
    public var tlsPort: Int?
    public var password: String?
    /// PEM of the CA that signs the server's certificate (inline `ca=` of a .vv file).
    public var caPEM: String?
    public var hostSubject: String?
    public var title: String?

    public init(host: String, port: Int? = nil, tlsPort: Int? = nil, password: String? = nil,
                caPEM: String? = nil, hostSubject: String? = nil, title: String? = nil) {
        self.host = host
        self.port = port
        self.tlsPort = tlsPort
        self.password = password
        self.caPEM = caPEM
        self.hostSubject = hostSubject
        self.title = title
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }

    /// `spice://host:port`, `spice+tls://host:port`, `spice://[::1]:port`; `?port=`/`?tls-port=`
    /// queries as remote-viewer accepts them.
    public init(uri: String) throws {
        let tls: Bool
        var rest: Substring
        if uri.hasPrefix("spice://") { tls = false; rest = uri.dropFirst("spice://".count) }
        else if uri.hasPrefix("spice+tls://") { tls = true; rest = uri.dropFirst("spice+tls://".count) }
        else { throw ParseError("'\(uri)' is not a spice:// or spice+tls:// URI") }
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") { query = rest[rest.index(after: q)...]; rest = rest[..<q] }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        var host: Substring, portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw ParseError("unclosed [ in '\(uri)'") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw ParseError("bad host in '\(uri)'") }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]; portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty else { throw ParseError("no host in '\(uri)'") }
        var port: Int?, tlsPort: Int?
        if let portText { port = try Self.port(portText) }
        for item in query.split(separator: "&") {
            let kv = item.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { continue }
            switch kv[0] {
            case "port": port = try Self.port(kv[1])
            case "tls-port": tlsPort = try Self.port(kv[1])
            default: break
            }
        }
        if tls, tlsPort == nil { tlsPort = port; port = nil }
        guard port != nil || tlsPort != nil else { throw ParseError("no port in '\(uri)'") }
        self.init(host: String(host), port: port, tlsPort: tlsPort)
    }

    /// The `[virt-viewer]` section of a .vv file (other sections and unknown keys are ignored).
    public init(vvFile text: String) throws {
        guard text.utf8.count <= 1 << 20 else { throw ParseError("connection file is larger than 1 MiB") }
        var section = "", values: [String: String] = [:]
        for raw in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = raw.trimmingCharacters(in: " \t\r")
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") { section = String(line.dropFirst().dropLast()); continue }
            guard section == "virt-viewer", let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: " \t"), value = line[line.index(after: eq)...].trimmingCharacters(in: " \t")
            values[key] = value
        }
        guard section != "" || !values.isEmpty else { throw ParseError("no [virt-viewer] section") }
        if let type = values["type"], type != "spice" { throw ParseError("connection type '\(type)' is not spice") }
        guard let host = values["host"], !host.isEmpty else { throw ParseError("no host= in the connection file") }
        let port = try values["port"].map { try Self.port(Substring($0)) }
        let tlsPort = try values["tls-port"].map { try Self.port(Substring($0)) }
        guard port != nil || tlsPort != nil else { throw ParseError("no port= or tls-port= in the connection file") }
        self.init(host: host, port: port, tlsPort: tlsPort, password: values["password"],
                  caPEM: values["ca"].map { $0.replacingOccurrences(of: "\\n", with: "\n") },
                  hostSubject: values["host-subject"], title: values["title"])
    }

    private static func port(_ text: Substring) throws -> Int {
        guard let p = Int(text), (1...65535).contains(p) else { throw ParseError("bad port '\(text)'") }
        return p
    }
}

private extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }

    func replacingOccurrences(of target: String, with replacement: String) -> String {
        var out = "", rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
