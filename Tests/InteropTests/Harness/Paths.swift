import Foundation

/// Where the things the interop tests drive live.
enum Paths {
    /// The package root (this file is `<root>/Tests/InteropTests/Harness/Paths.swift`).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The `saffron` executable: beside the test runner (same build folder), else `.build/debug`.
    static func saffron() throws -> String {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var candidates = [runner.deletingLastPathComponent().appendingPathComponent("saffron").path]
        // On Linux the runner may be `<build>/debug/SaffronPackageTests.xctest` (a file) or a bundle.
        candidates.append(runner.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("saffron").path)
        candidates.append(packageRoot.appendingPathComponent(".build/debug/saffron").path)
        for path in candidates where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        throw HarnessError("the saffron executable was not found (looked at \(candidates.joined(separator: ", "))): run `swift build` first")
    }

    /// The shared folder (`<root>/../shared`, or `$SAFFRON_SHARED`) holding `interop/`.
    static func shared() throws -> URL {
        let env = ProcessInfo.processInfo.environment["SAFFRON_SHARED"]
        let url = env.map { URL(fileURLWithPath: $0) }
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("interop/gi-client.py").path) else {
            throw HarnessError.missingPeer("the shared interop folder (\(url.path)/interop/gi-client.py; set SAFFRON_SHARED to override)")
        }
        return url.standardizedFileURL
    }

    static func interopScript(_ name: String) throws -> String {
        try shared().appendingPathComponent("interop").appendingPathComponent(name).path
    }

    /// A tool from a Debian package, by absolute path or on PATH.
    static func tool(_ name: String, package: String) throws -> String {
        var dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        dirs += ["/usr/bin", "/usr/sbin", "/bin", "/sbin"]
        for dir in dirs where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        throw HarnessError.missingPeer("\(name) (Debian package \(package))")
    }
}

/// A fresh folder for one test's files; removed by `remove()` unless SAFFRON_KEEP_TEST_OUTPUT is set.
struct TempDir: Sendable {
    let url: URL
    init(_ label: String) throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("saffron-interop-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func remove() {
        if ProcessInfo.processInfo.environment["SAFFRON_KEEP_TEST_OUTPUT"] != nil {
            print("interop: kept test output in \(url.path)")
            return
        }
        try? FileManager.default.removeItem(at: url)
    }
}
