import Foundation

/// The reference SPICE peers (Debian 12's spice-gtk and the shared interop scripts).
enum Peers {
    static let python = "/usr/bin/python3"

    /// `spicy-screenshot -h 127.0.0.1 -p PORT -o OUT`, retried (bounded) until it writes a file.
    static func spicyScreenshot(port: Int, out: String, in dir: TempDir, name: String = "spicy-screenshot",
                                attempts: Int = 3, timeout: Double = 20) async throws -> ToolRun {
        let tool = try Paths.tool("spicy-screenshot", package: "spice-client-gtk")
        var last: ToolRun?
        for attempt in 1...attempts {
            try? FileManager.default.removeItem(atPath: out)
            let run = try await runTool(tool, ["-h", "127.0.0.1", "-p", String(port), "-o", out],
                                        in: dir, name: "\(name)-\(attempt)", timeout: timeout)
            last = run
            if FileManager.default.fileExists(atPath: out) { return run }
            try await Task.sleep(for: .milliseconds(300))
        }
        throw HarnessError("spicy-screenshot wrote no \(out) in \(attempts) attempts\n\(last!.tail())")
    }

    /// `/usr/bin/python3 gi-client.py 127.0.0.1 PORT ARGS...` (spice-gtk's SpiceClientGLib).
    static func giClient(port: Int, _ arguments: [String], in dir: TempDir, name: String = "gi-client",
                         environment: [String: String] = [:], timeout: Double = 40) async throws -> ToolRun {
        try requirePython()
        let script = try Paths.interopScript("gi-client.py")
        return try await runTool(python, [script, "127.0.0.1", String(port)] + arguments,
                                 environment: environment, in: dir, name: name, timeout: timeout)
    }

    /// gi-client with spice-gtk's TLS session properties (Resources/gi-tls-client.py): `tls-port`,
    /// `ca-file`, `host-subject`; `plainPort` nil connects every channel straight over TLS, else
    /// spice-gtk links in plaintext first and moves a channel to TLS on NEED_SECURED.
    static func giTLSClient(plainPort: Int?, tlsPort: Int, caFile: String, _ arguments: [String], in dir: TempDir,
                            name: String = "gi-tls-client", timeout: Double = 40) async throws -> ToolRun {
        try requirePython()
        let wrapper = Paths.packageRoot.appendingPathComponent("Tests/InteropTests/Resources/gi-tls-client.py").path
        let script = try Paths.interopScript("gi-client.py")
        var args = [wrapper, script, "--tls-port", String(tlsPort), "--ca-file", caFile]
        if plainPort == nil { args.append("--no-plain-port") }
        args += ["127.0.0.1", String(plainPort ?? tlsPort)] + arguments
        return try await runTool(python, args, in: dir, name: name, timeout: timeout)
    }

    /// spice-gtk's agent APIs (Resources/gi-agent-client.py): each `--monitors WxH[,WxH]` step
    /// sends a monitor configuration and waits for the surface to follow.
    static func giAgentClient(port: Int, _ arguments: [String], in dir: TempDir, name: String = "gi-agent-client",
                              timeout: Double = 60) async throws -> ToolRun {
        try requirePython()
        let script = Paths.packageRoot.appendingPathComponent("Tests/InteropTests/Resources/gi-agent-client.py").path
        return try await runTool(python, [script, "127.0.0.1", String(port)] + arguments, in: dir, name: name, timeout: timeout)
    }

    /// gi-agent-client.py in the background (a client holding the clipboard while the session pastes).
    static func startGiAgentClient(port: Int, _ arguments: [String], in dir: TempDir, name: String = "gi-agent-holder") throws -> ChildProcess {
        try requirePython()
        let script = Paths.packageRoot.appendingPathComponent("Tests/InteropTests/Resources/gi-agent-client.py").path
        return try ChildProcess(python, [script, "127.0.0.1", String(port)] + arguments, in: dir, name: name, ownGroup: true)
    }

    /// gi-client logging in with SASL (spice-gtk's `username` and `password` session properties,
    /// through Resources/gi-tls-client.py); with `tls` every channel goes straight to the TLS port.
    static func giSASLClient(port: Int, tls caFile: String? = nil, username: String, password: String,
                             _ arguments: [String], in dir: TempDir, name: String = "gi-sasl-client",
                             timeout: Double = 40) async throws -> ToolRun {
        try requirePython()
        let wrapper = Paths.packageRoot.appendingPathComponent("Tests/InteropTests/Resources/gi-tls-client.py").path
        let script = try Paths.interopScript("gi-client.py")
        var args = [wrapper, script, "--username", username]
        if let caFile { args += ["--tls-port", String(port), "--ca-file", caFile, "--no-plain-port"] }
        args += ["127.0.0.1", String(port), "--password", password] + arguments
        return try await runTool(python, args, in: dir, name: name, timeout: timeout)
    }

    /// Starts gi-client in the background (for clients that must overlap).
    static func startGiClient(port: Int, _ arguments: [String], in dir: TempDir, name: String) throws -> ChildProcess {
        try requirePython()
        let script = try Paths.interopScript("gi-client.py")
        return try ChildProcess(python, [script, "127.0.0.1", String(port)] + arguments,
                                in: dir, name: name, ownGroup: true)
    }

    /// `capture-decode.sh PORT SECONDS` with CLIENT=gi and OUT in the test folder.
    static func captureDecode(port: Int, seconds: Int, in dir: TempDir) async throws -> ToolRun {
        _ = try Paths.tool("tshark", package: "tshark")
        try requirePython()
        let script = try Paths.interopScript("capture-decode.sh")
        return try await runTool("/bin/bash", [script, String(port), String(seconds)],
                                 environment: ["OUT": dir.url.path, "CLIENT": "gi"],
                                 in: dir, name: "capture-decode", timeout: Double(seconds) + 60)
    }

    private static func requirePython() throws {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw HarnessError.missingPeer("\(python) (Debian package python3-gi)")
        }
        guard FileManager.default.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/girepository-1.0/SpiceClientGLib-2.0.typelib")
            || FileManager.default.fileExists(atPath: "/usr/lib/aarch64-linux-gnu/girepository-1.0/SpiceClientGLib-2.0.typelib") else {
            throw HarnessError.missingPeer("the SpiceClientGLib typelib (Debian package gir1.2-spiceclientglib-2.0)")
        }
    }
}

extension Peers {
    /// QEMU (TCG, `-vga qxl`, no disk: SeaBIOS) with its spice-server on a free port, waited for
    /// (bounded, 20 s) until it listens; `extra` goes on QEMU's command line.
    static func startQEMU(in dir: TempDir, name: String, extra: [String] = []) async throws -> (qemu: ChildProcess, port: Int) {
        let qemuBinary = try Paths.tool("qemu-system-x86_64", package: "qemu-system-x86")
        let port = try Ports.free()
        let qemu = try ChildProcess(qemuBinary, [
            "-machine", "pc,accel=tcg", "-m", "64", "-nodefaults", "-vga", "qxl", "-nic", "none",
            "-display", "none", "-spice", "port=\(port),addr=127.0.0.1,disable-ticketing=on",
            "-name", "saffron-\(name)-\(port)",
        ] + extra, in: dir, name: name)
        let deadline = ContinuousClock.now + .seconds(20)
        while !Ports.accepts(port) && qemu.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        guard Ports.accepts(port) else {
            qemu.killNow()
            throw HarnessError("QEMU did not listen\n\(qemu.tail())")
        }
        return (qemu, port)
    }
}
