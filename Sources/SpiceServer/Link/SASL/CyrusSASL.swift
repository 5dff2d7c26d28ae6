import CSASL

/// libsasl2 (Cyrus SASL) as the server's SASL implementation. The application name "saffron"
/// makes libsasl2 read `saffron.conf` from its config path (`/etc/sasl2`, or `SASL_CONF_PATH`),
/// where the administrator picks `mech_list`, `sasldb_path`, `pwcheck_method` and so on.
struct CyrusSASLFactory: SASLServerFactory {
    static let appName = "saffron"
    /// The service name in the digest-uri / Kerberos principal: spice-gtk always uses "spice".
    static let serviceName = "spice"

    /// `sasl_server_init` is process-wide and must run once: a lazily initialised static.
    private static let initialization: Result<Void, SASLError> = {
        let status = sasl_server_init(nil, appName)
        guard status == SASL_OK else {
            return .failure(SASLError("sasl_server_init failed: \(errorString(status))"))
        }
        return .success(())
    }()

    init() throws(SASLError) {
        try Self.initialization.get()
    }

    func makeSession(local: String?, remote: String?, tls: Bool) throws(SASLError) -> any SASLServerSession {
        try CyrusSASLSession(local: local, remote: remote, tls: tls)
    }

    static func errorString(_ status: Int32) -> String {
        guard let text = sasl_errstring(status, nil, nil) else { return "SASL error \(status)" }
        return String(cString: text)
    }
}

/// One `sasl_conn_t`, disposed with the session.
final class CyrusSASLSession: SASLServerSession {
    private var conn: OpaquePointer?

    init(local: String?, remote: String?, tls: Bool) throws(SASLError) {
        var conn: OpaquePointer?
        let status = sasl_server_new(CyrusSASLFactory.serviceName, nil, nil, local, remote, nil,
                                     UInt32(SASL_SUCCESS_DATA), &conn)
        guard status == SASL_OK, let conn else {
            throw SASLError("sasl_server_new failed: \(CyrusSASLFactory.errorString(status))")
        }
        self.conn = conn
        // As spice-server: over TLS any mechanism will do and no layer is wanted; over plain
        // TCP the mechanism must bring a security layer of at least 56 bits (DES, Kerberos)
        // and must not be anonymous or send the password in clear.
        var props = sasl_security_properties_t()
        props.min_ssf = tls ? 0 : 56
        props.max_ssf = tls ? 0 : 100_000
        props.maxbufsize = 8192
        props.security_flags = tls ? 0 : UInt32(SASL_SEC_NOANONYMOUS | SASL_SEC_NOPLAINTEXT)
        let propStatus = sasl_setprop(conn, SASL_SEC_PROPS, &props)
        guard propStatus == SASL_OK else {
            throw SASLError("cannot set SASL security properties: \(CyrusSASLFactory.errorString(propStatus))")
        }
    }

    deinit {
        sasl_dispose(&conn)
    }

    func mechanisms() throws(SASLError) -> String {
        var list: UnsafePointer<CChar>?
        let status = sasl_listmech(conn, nil, ",", ",", ",", &list, nil, nil)
        guard status == SASL_OK, let list else {
            throw SASLError("no SASL mechanisms available: \(detail(status))")
        }
        return String(cString: list)
    }

    func start(mechanism: String, clientData: [UInt8]?) -> SASLStepResult {
        run { out, outLength in
            withOptionalBytes(clientData) { data, length in
                sasl_server_start(conn, mechanism, data, length, &out, &outLength)
            }
        }
    }

    func step(clientData: [UInt8]?) -> SASLStepResult {
        run { out, outLength in
            withOptionalBytes(clientData) { data, length in
                sasl_server_step(conn, data, length, &out, &outLength)
            }
        }
    }

    var securityStrength: Int {
        var value: UnsafeRawPointer?
        guard sasl_getprop(conn, SASL_SSF, &value) == SASL_OK, let value else { return 0 }
        return Int(value.load(as: sasl_ssf_t.self))
    }

    var username: String? {
        var value: UnsafeRawPointer?
        guard sasl_getprop(conn, SASL_USERNAME, &value) == SASL_OK, let value else { return nil }
        return String(cString: value.assumingMemoryBound(to: CChar.self))
    }

    var maxEncodeSize: Int {
        var value: UnsafeRawPointer?
        guard sasl_getprop(conn, SASL_MAXOUTBUF, &value) == SASL_OK, let value else { return 4096 }
        let size = Int(value.load(as: UInt32.self))
        return size > 0 ? size : 4096
    }

    func encode(_ plain: [UInt8]) throws(SASLError) -> [UInt8] {
        var out: UnsafePointer<CChar>?
        var outLength: UInt32 = 0
        let status = plain.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                sasl_encode(conn, $0.baseAddress, UInt32($0.count), &out, &outLength)
            }
        }
        guard status == SASL_OK else { throw SASLError("sasl_encode: \(detail(status))") }
        return copy(out, outLength)
    }

    func decode(_ wire: [UInt8]) throws(SASLError) -> [UInt8] {
        var out: UnsafePointer<CChar>?
        var outLength: UInt32 = 0
        let status = wire.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                sasl_decode(conn, $0.baseAddress, UInt32($0.count), &out, &outLength)
            }
        }
        guard status == SASL_OK else { throw SASLError("sasl_decode: \(detail(status))") }
        return copy(out, outLength)
    }

    /// Runs start/step and copies the server data out (libsasl2 owns it until the next call).
    private func run(_ call: (inout UnsafePointer<CChar>?, inout UInt32) -> Int32) -> SASLStepResult {
        var out: UnsafePointer<CChar>?
        var outLength: UInt32 = 0
        let status = call(&out, &outLength)
        switch status {
        case SASL_OK: return .done(copy(out, outLength))
        case SASL_CONTINUE: return .continue(copy(out, outLength))
        default: return .failed(detail(status))
        }
    }

    /// libsasl2's description of the last error on this connection (never contains the password).
    private func detail(_ status: Int32) -> String {
        guard let text = sasl_errdetail(conn) else { return CyrusSASLFactory.errorString(status) }
        return String(cString: text)
    }

    private func copy(_ pointer: UnsafePointer<CChar>?, _ length: UInt32) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
            Array(UnsafeBufferPointer(start: $0, count: Int(length)))
        }
    }
}

/// SASL tells "no data" (NULL) from "empty data" (non-NULL, length 0).
private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafePointer<CChar>?, UInt32) -> R) -> R {
    guard let bytes else { return body(nil, 0) }
    // A NUL after the data: some mechanisms read client data as a C string.
    let terminated = bytes + [0]
    return terminated.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress, UInt32(bytes.count)) }
    }
}
