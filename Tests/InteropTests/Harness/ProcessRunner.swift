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
///
/// Spawned with `posix_spawn` and a cleared signal mask: Foundation's `Process` spawns from a
/// Dispatch thread whose blocked signals the child inherits (SIGTERM/SIGINT would never arrive),
/// which would make every stop a SIGKILL and hide how the server handles signals.
final class ChildProcess: @unchecked Sendable {
    let name: String
    let stdoutPath: String
    let stderrPath: String
    let pid: pid_t
    private let ownGroup: Bool
    private let lock = NSLock()
    private var exitStatus: ExitStatus?
    let started = ContinuousClock.now

    /// Starts `executable args`. With `ownGroup` it leads its own process group, so a timeout
    /// also ends the helpers a script started.
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
         in dir: TempDir, name: String, ownGroup: Bool = false) throws {
        self.name = name
        self.ownGroup = ownGroup
        stdoutPath = dir.path("\(name).stdout")
        stderrPath = dir.path("\(name).stderr")

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM] {
            sigaddset(&defaults, sig)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        if ownGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw HarnessError("cannot start \(executable): \(String(cString: strerror(rc)))") }
        pid = child
    }

    deinit { killNow() }

    /// The exit status once the process has ended (reaps it), else nil.
    var status: ExitStatus? {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
        let sig = raw & 0x7F
        exitStatus = sig == 0 ? .exited((raw >> 8) & 0xFF) : ExitStatus(code: sig, signaled: true)
        return exitStatus
    }

    var isRunning: Bool { status == nil }

    func signal(_ sig: Int32) {
        guard isRunning else { return }
        kill(ownGroup ? -pid : pid, sig)
    }

    /// Waits at most `seconds` for the process to end; nil if it is still running.
    @discardableResult
    func wait(seconds: Double) async -> ExitStatus? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while isRunning && ContinuousClock.now < deadline {
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

    /// Synchronous last-resort kill for `defer` blocks (cannot await there); reaps if it can.
    func killNow() {
        guard isRunning else { return }
        kill(ownGroup ? -pid : pid, SIGKILL)
        for _ in 0..<100 where isRunning { usleep(10_000) }
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
