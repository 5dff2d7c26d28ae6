import Testing

/// Interop tests: `saffron serve` driven by the reference SPICE peers (Debian 12's spice-gtk
/// tools, the shared gi-client.py and capture-decode.sh). Every suite nests in this one so the
/// whole target runs one test at a time (the tests time servers and share two cores).
/// Missing peers fail the tests (no skips): run scripts/install-test-deps.sh.
@Suite("Interop", .serialized)
struct Interop {}

/// One line in the test log (what CI reads).
func report(_ line: String) { print("interop: \(line)") }
