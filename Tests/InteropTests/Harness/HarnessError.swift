/// Why the interop harness could not do its part. Thrown errors fail the test with this text.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    /// A reference peer (spice-gtk tool, tshark, the shared interop scripts) is missing.
    static func missingPeer(_ what: String) -> HarnessError {
        HarnessError("\(what) is missing: run scripts/install-test-deps.sh (as root) first")
    }
}
