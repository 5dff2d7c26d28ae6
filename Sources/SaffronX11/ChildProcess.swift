import Glibc

/// A child process started with posix_spawn (signal mask cleared, default dispositions, so
/// SIGTERM reaches it), optionally leading its own process group; stopped by PID.
final class SpawnedProcess: @unchecked Sendable {
    let pid: pid_t
    let label: String
    private let ownGroup: Bool
    private var exitStatus: Int32?

    init(_ executable: String, _ arguments: [String], environment: [String: String],
         output: String, label: String, ownGroup: Bool) throws {
        self.label = label
        self.ownGroup = ownGroup
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        if ownGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var env: [String: String] = [:]
        var e = environ
        while let entry = e.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            e += 1
        }
        env.merge(environment) { _, new in new }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawnp(&child, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw X11Error("cannot start \(label) (\(executable)): \(String(cString: strerror(rc)))") }
        pid = child
    }

    /// Nil while running; else a description of how it ended (reaps it).
    func poll() -> String? {
        if let exitStatus { return Self.describe(exitStatus) }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
        exitStatus = raw
        return Self.describe(raw)
    }

    static func describe(_ raw: Int32) -> String {
        let sig = raw & 0x7F
        return sig == 0 ? "exit status \((raw >> 8) & 0xFF)" : "killed by signal \(sig)"
    }

    /// SIGTERM, then SIGKILL after `grace` seconds. Blocking; safe to call twice.
    func stop(grace: Double = 3) {
        guard poll() == nil else { return }
        kill(ownGroup ? -pid : pid, SIGTERM)
        var waited = 0.0
        while poll() == nil && waited < grace { usleep(20_000); waited += 0.02 }
        if poll() == nil {
            kill(ownGroup ? -pid : pid, SIGKILL)
            for _ in 0..<250 where poll() == nil { usleep(20_000) }
        } else if ownGroup {
            kill(-pid, SIGKILL)   // helpers the session left behind in its group
        }
    }
}
