import Glibc
import Logging
import SaffronDesktop

/// A private X server on a free display number with its own auth cookie (in a private
/// XAUTHORITY file), and the session command running in it. `stop()` ends both by PID.
///
/// The server is Xorg with the dummy video driver where it can run (root, driver installed):
/// its RandR accepts any screen size up to `XorgDummyConfig.maximum`, which client-driven
/// resizing needs. Otherwise Xvfb, whose RandR (Debian 12) keeps the start size.
public final class PrivateXSession: @unchecked Sendable {
    /// Which X server to start.
    public enum ServerKind: String, Sendable, CaseIterable {
        /// Xorg + dummy when usable, else Xvfb.
        case auto
        case xorg
        case xvfb
    }

    public let display: String
    public let authorityFile: String
    /// The X server actually started (`.xorg` or `.xvfb`).
    public let kind: ServerKind
    let directory: String
    let server: SpawnedProcess
    private(set) var session: SpawnedProcess?
    public let sessionCommand: String
    private let logger: Logger

    /// The default session: a light desktop if one is installed, else an xterm.
    public static func defaultSessionCommand() -> String {
        for candidate in ["startlxqt", "startlxde", "startxfce4", "openbox-session", "icewm-session", "fluxbox", "twm"]
        where which(candidate) != nil {
            return candidate
        }
        return "xterm"
    }

    static func which(_ name: String) -> String? {
        let path = (getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin")
        for dir in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] where access("\(dir)/\(name)", X_OK) == 0 {
            return "\(dir)/\(name)"
        }
        return nil
    }

    /// Whether Xorg with the dummy driver can be started here (root, both installed).
    public static var xorgDummyUsable: Bool {
        geteuid() == 0 && which("Xorg") != nil && XorgDummyConfig.driverInstalled
    }

    /// Starts the X server (waiting, bounded, until it accepts connections). The session
    /// command starts with `startSession()`, once the caller has set the screen up.
    public init(size: Size, kind requested: ServerKind, sessionCommand: String?, logger: Logger, startTimeout: Double = 15) throws {
        let kind: ServerKind
        switch requested {
        case .auto: kind = Self.xorgDummyUsable ? .xorg : .xvfb
        case .xorg:
            guard Self.xorgDummyUsable else {
                throw X11Error("Xorg with the dummy driver cannot run here: it needs root, Xorg (xserver-xorg-core) and xserver-xorg-video-dummy; use --x-server xvfb")
            }
            kind = .xorg
        case .xvfb: kind = .xvfb
        }
        guard let xauth = Self.which("xauth") else { throw X11Error("xauth is not installed (Debian package xauth)") }
        let executable: String
        if kind == .xorg {
            executable = Self.which("Xorg")!
        } else {
            guard let xvfb = Self.which("Xvfb") else { throw X11Error("Xvfb is not installed (Debian package xvfb)") }
            executable = xvfb
        }
        var template = Array("/tmp/saffron-x11-XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw X11Error("cannot create a private folder in /tmp") }
        directory = String(cString: dir)
        authorityFile = directory + "/Xauthority"
        self.kind = kind
        self.logger = logger
        self.sessionCommand = sessionCommand ?? Self.defaultSessionCommand()
        let label = kind == .xorg ? "Xorg" : "Xvfb"
        if kind == .xorg {
            try XorgDummyConfig.text(initial: size).write(toFile: directory + "/xorg.conf")
        }

        var lastError = "no free display number"
        var started: (String, SpawnedProcess)?
        for number in Self.candidateDisplays() {
            let name = ":\(number)"
            let cookie = Self.cookie()
            let add = try SpawnedProcess(xauth, ["-q", "-f", authorityFile, "add", name, ".", cookie], environment: [:],
                                         output: directory + "/xauth.log", label: "xauth", ownGroup: false)
            for _ in 0..<250 where add.poll() == nil { usleep(20_000) }
            guard add.poll() == "exit status 0" else { add.stop(); throw X11Error("xauth failed to write \(authorityFile)") }
            let arguments: [String]
            if kind == .xorg {
                arguments = [name, "-config", directory + "/xorg.conf", "-configdir", directory, "-logfile", directory + "/Xorg.log",
                             "-auth", authorityFile, "-nolisten", "tcp", "-noreset", "-novtswitch", "-sharevts", "-keeptty", "-dpi", "96"]
            } else {
                arguments = [name, "-screen", "0", "\(size.width)x\(size.height)x24", "-auth", authorityFile,
                             "-nolisten", "tcp", "+extension", "RANDR", "-dpi", "96"]
            }
            let proc = try SpawnedProcess(executable, arguments, environment: [:], output: directory + "/\(label).out",
                                          label: label, ownGroup: false)
            if Self.waitForServer(name: name, authority: authorityFile, process: proc, timeout: startTimeout) {
                started = (name, proc)
                break
            }
            lastError = "\(label) \(name) did not start (\(proc.poll() ?? "no answer within \(startTimeout) s")); see \(directory)/\(label).out"
            proc.stop(grace: 1)
            logger.warning("\(lastError); trying the next display number")
        }
        guard let (name, proc) = started else { throw X11Error(lastError) }
        display = name
        server = proc
        logger.info("started \(label) \(name) (\(size), pid \(proc.pid)), XAUTHORITY=\(authorityFile)")
    }

    /// Starts the session command in the X server (once).
    func startSession() throws {
        guard session == nil else { return }
        let s = try SpawnedProcess("/bin/sh", ["-c", sessionCommand],
                                   environment: ["DISPLAY": display, "XAUTHORITY": authorityFile],
                                   output: directory + "/session.log", label: "session", ownGroup: true)
        session = s
        logger.info("started session '\(sessionCommand)' on \(display) (pid \(s.pid), log \(directory)/session.log)")
    }

    /// Why the desktop ended, if the X server or the session did.
    func endReason() -> String? {
        if let s = server.poll() { return "the X server (\(serverName)) exited (\(s))" }
        if let session, let s = session.poll() { return "the session '\(sessionCommand)' ended (\(s))" }
        return nil
    }

    /// The X server's process id (for tests that kill it).
    public var serverPID: Int32 { server.pid }

    /// The X server's name for logs: "Xorg :10" or "Xvfb :10".
    public var serverName: String { "\(kind == .xorg ? "Xorg" : "Xvfb") \(display)" }

    /// Stops the session (its whole process group), then the X server, and removes the folder.
    public func stop() {
        session?.stop()
        server.stop()
        for f in ["Xauthority", "xauth.log", "Xvfb.out", "Xorg.out", "Xorg.log", "Xorg.log.old", "xorg.conf", "session.log"] {
            unlink(directory + "/" + f)
        }
        rmdir(directory)
    }

    /// Display numbers no live X server holds: no live lock holder and no socket that accepts a
    /// connection. A killed server leaves both files behind (our own tests kill servers; so do
    /// crashes), and counting those as taken once used up all 190 numbers of a long-lived
    /// machine; a new server replaces them.
    static func candidateDisplays(in numbers: Range<Int> = 10..<200) -> [Int] {
        numbers.filter { n in
            !lockHeld("/tmp/.X\(n)-lock") && !socketAccepts("/tmp/.X11-unix/X\(n)")
        }.prefix(8).map { $0 }
    }

    static func lockHeld(_ path: String) -> Bool {
        guard access(path, F_OK) == 0 else { return false }
        guard let pid = lockOwner(path) else { return true }
        return kill(pid, 0) == 0 || errno != ESRCH
    }

    /// The process id an X server wrote into its lock file; nil when there is no readable one.
    static func lockOwner(_ path: String) -> Int32? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 32)
        let n = read(fd, &buf, 31)
        guard n > 0 else { return nil }
        return Int32(String(decoding: buf[0..<n].filter { (48...57).contains($0) }, as: UTF8.self))
    }

    static func cookie() -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let fd = open("/dev/urandom", O_RDONLY)
        if fd >= 0 { _ = read(fd, &bytes, 16); close(fd) }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Polls until the display's socket accepts a connection (Xvfb creates it when ready).
    static func waitForServer(name: String, authority: String, process: SpawnedProcess, timeout: Double) -> Bool {
        let number = name.dropFirst()
        var waited = 0.0
        while waited < timeout {
            if process.poll() != nil { return false }
            // The socket must be our server's: when two sessions start at once on the same free
            // number, the loser's server exits, but the winner's socket already accepts.
            if socketAccepts("/tmp/.X11-unix/X\(number)") {
                let owner = lockOwner("/tmp/.X\(number)-lock")
                return owner == nil || owner == process.pid
            }
            usleep(30_000)
            waited += 0.03
        }
        return false
    }

    static func socketAccepts(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in
            let bytes = Array(path.utf8.prefix(buf.count - 1))
            buf.copyBytes(from: bytes)
            buf[bytes.count] = 0
        }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
    }
}

