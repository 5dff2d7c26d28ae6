import Testing
@testable import SpiceClient

@Suite("Connection targets")
struct SpiceTargetTests {
    @Test("spice:// and spice+tls:// URIs")
    func uris() throws {
        #expect(try SpiceTarget(uri: "spice://127.0.0.1:5900") == SpiceTarget(host: "127.0.0.1", port: 5900))
        #expect(try SpiceTarget(uri: "spice+tls://host.example:5901") == SpiceTarget(host: "host.example", tlsPort: 5901))
        #expect(try SpiceTarget(uri: "spice://[::1]:5900/") == SpiceTarget(host: "::1", port: 5900))
        #expect(try SpiceTarget(uri: "spice://h?port=1&tls-port=2") == SpiceTarget(host: "h", port: 1, tlsPort: 2))
        #expect(throws: SpiceTarget.ParseError.self) { try SpiceTarget(uri: "vnc://h:1") }
        #expect(throws: SpiceTarget.ParseError.self) { try SpiceTarget(uri: "spice://h:99999") }
        #expect(throws: SpiceTarget.ParseError.self) { try SpiceTarget(uri: "spice://h") }
    }

    @Test(".vv connection files")
    func vvFile() throws {
        let text = """
            [virt-viewer]
            type=spice
            host=10.0.0.2
            port=5900
            tls-port=5901
            password=s3cret
            ca=-----BEGIN CERTIFICATE-----\\nABC\\n-----END CERTIFICATE-----\\n
            host-subject=C=US, O=Example, CN=server
            title=My VM
            [ovirt]
            host=ignored
            """
        let t = try SpiceTarget(vvFile: text)
        #expect(t == SpiceTarget(host: "10.0.0.2", port: 5900, tlsPort: 5901, password: "s3cret",
                                 caPEM: "-----BEGIN CERTIFICATE-----\nABC\n-----END CERTIFICATE-----\n",
                                 hostSubject: "C=US, O=Example, CN=server", title: "My VM"))
        #expect(throws: SpiceTarget.ParseError.self) { try SpiceTarget(vvFile: "[virt-viewer]\ntype=vnc\nhost=a\nport=1\n") }
        #expect(throws: SpiceTarget.ParseError.self) { try SpiceTarget(vvFile: "[virt-viewer]\nhost=a\n") }
    }
}
