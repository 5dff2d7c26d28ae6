import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended.
struct ExitStatus: Equatable, CustomStringConvertible, Sendable {
    var code: Int32          // exit code, or the signal number when `signaled`
    var signaled = false
    var timedOut = false
    static func exited(_ code: Int32) -> ExitStatus { ExitStatus(code: code) }
    var description: String {
        timedOut ? "timed out (killed)" : signaled ? "killed by signal \(code)" : "exit \(code)"
    }
}

/// A child process with stdin from /dev/null and stdout/stderr in files of a test folder.
/// Every wait is bounded; `stop()` ends it by PID (SIGTERM, then SIGKILL after a bound).
final class ChildProcess: @unchecked Sendable {
    let name: String
    let stdoutPath: String
    let stderrPath: String
    private let process = Process()
    private let ownGroup: Bool
    let started = ContinuousClock.now

    /// Starts `executable args`. With `ownGroup` it runs under `setsid` (same PID, its own
    /// process group), so a timeout also ends the helpers a script started.
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
         in dir: TempDir, name: String, ownGroup: Bool = false) throws {
        self.name = name
        self.ownGroup = ownGroup
        stdoutPath = dir.path("\(name).stdout")
        stderrPath = dir.path("\(name).stderr")
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        if ownGroup {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
            process.arguments = [executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        process.currentDirectoryURL = dir.url
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
    }

    var pid: pid_t { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    var status: ExitStatus? {
        guard !process.isRunning else { return nil }
        return ExitStatus(code: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal)
    }

    func signal(_ sig: Int32) {
        guard process.isRunning else { return }
        kill(ownGroup ? -pid : pid, sig)
    }

    /// Waits at most `seconds` for the process to end; nil if it is still running.
    @discardableResult
    func wait(seconds: Double) async -> ExitStatus? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return status
    }

    /// SIGTERM, then SIGKILL if it has not ended within `grace` seconds. Safe to call twice.
    @discardableResult
    func stop(grace: Double = 5) async -> ExitStatus {
        if let status { return status }
        signal(SIGTERM)
        if let status = await wait(seconds: grace) { return status }
        signal(SIGKILL)
        if let status = await wait(seconds: 5) { return status }
        return ExitStatus(code: SIGKILL, signaled: true)
    }

    /// Synchronous last-resort kill for `defer` blocks (cannot await there).
    func killNow() {
        guard process.isRunning else { return }
        kill(ownGroup ? -pid : pid, SIGKILL)
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    var output: String { stdout + stderr }

    /// The last lines of stdout and stderr, for failure messages.
    func tail(_ lines: Int = 25) -> String {
        func last(_ s: String) -> String { s.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n") }
        return "--- \(name) stdout (\(stdoutPath)):\n\(last(stdout))\n--- \(name) stderr (\(stderrPath)):\n\(last(stderr))"
    }
}

/// The result of a tool run to completion.
struct ToolRun: Sendable {
    let name: String
    let status: ExitStatus
    let seconds: Double
    let stdout: String
    let stderr: String
    var output: String { stdout + stderr }
    var succeeded: Bool { status == .exited(0) }
    func tail(_ lines: Int = 25) -> String {
        func last(_ s: String) -> String { s.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n") }
        return "--- \(name) (\(status), \(String(format: "%.1f", seconds)) s) stdout:\n\(last(stdout))\n--- stderr:\n\(last(stderr))"
    }
}

/// Runs a tool to completion in its own process group, killing the group after `timeout` s.
func runTool(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
             in dir: TempDir, name: String, timeout: Double) async throws -> ToolRun {
    let child = try ChildProcess(executable, arguments, environment: environment, in: dir, name: name, ownGroup: true)
    defer { child.killNow() }
    var status = await child.wait(seconds: timeout)
    if status == nil {
        var killed = await child.stop(grace: 2)
        killed.timedOut = true
        status = killed
    }
    let seconds = (ContinuousClock.now - child.started).seconds
    return ToolRun(name: name, status: status!, seconds: seconds, stdout: child.stdout, stderr: child.stderr)
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
