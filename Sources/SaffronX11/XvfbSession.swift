import Glibc
import Logging
import SaffronDesktop

/// A private X server: Xvfb on a free display number with its own auth cookie (in a private
/// XAUTHORITY file), and the session command running in it. `stop()` ends both by PID.
public final class XvfbSession: @unchecked Sendable {
    public let display: String
    public let authorityFile: String
    let directory: String
    let server: SpawnedProcess
    private(set) var session: SpawnedProcess?
    public let sessionCommand: String

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

    /// Starts Xvfb (waiting, bounded, until it accepts connections) and then the session.
    public init(size: Size, sessionCommand: String?, logger: Logger, startTimeout: Double = 15) throws {
        guard let xvfb = Self.which("Xvfb") else { throw X11Error("Xvfb is not installed (Debian package xvfb)") }
        guard let xauth = Self.which("xauth") else { throw X11Error("xauth is not installed (Debian package xauth)") }
        var template = Array("/tmp/saffron-x11-XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw X11Error("cannot create a private folder in /tmp") }
        directory = String(cString: dir)
        authorityFile = directory + "/Xauthority"
        self.sessionCommand = sessionCommand ?? Self.defaultSessionCommand()

        var lastError = "no free display number"
        var started: (String, SpawnedProcess)?
        for number in Self.candidateDisplays() {
            let name = ":\(number)"
            let cookie = Self.cookie()
            let add = try SpawnedProcess(xauth, ["-q", "-f", authorityFile, "add", name, ".", cookie], environment: [:],
                                         output: directory + "/xauth.log", label: "xauth", ownGroup: false)
            for _ in 0..<250 where add.poll() == nil { usleep(20_000) }
            guard add.poll() == "exit status 0" else { add.stop(); throw X11Error("xauth failed to write \(authorityFile)") }
            let proc = try SpawnedProcess(xvfb, [name, "-screen", "0", "\(size.width)x\(size.height)x24", "-auth", authorityFile,
                                                 "-nolisten", "tcp", "+extension", "RANDR", "-dpi", "96"],
                                          environment: [:], output: directory + "/Xvfb.log", label: "Xvfb", ownGroup: false)
            if Self.waitForServer(name: name, authority: authorityFile, process: proc, timeout: startTimeout) {
                started = (name, proc)
                break
            }
            lastError = "Xvfb \(name) did not start (\(proc.poll() ?? "no answer within \(startTimeout) s")); see \(directory)/Xvfb.log"
            proc.stop(grace: 1)
            logger.warning("\(lastError); trying the next display number")
        }
        guard let (name, proc) = started else { throw X11Error(lastError) }
        display = name
        server = proc
        logger.info("started Xvfb \(name) (\(size), pid \(proc.pid)), XAUTHORITY=\(authorityFile)")
        do {
            let s = try SpawnedProcess("/bin/sh", ["-c", self.sessionCommand],
                                       environment: ["DISPLAY": name, "XAUTHORITY": authorityFile],
                                       output: directory + "/session.log", label: "session", ownGroup: true)
            session = s
            logger.info("started session '\(self.sessionCommand)' on \(name) (pid \(s.pid), log \(directory)/session.log)")
        } catch {
            proc.stop()
            throw error
        }
    }

    /// Why the desktop ended, if the X server or the session did.
    func endReason() -> String? {
        if let s = server.poll() { return "the X server \(display) exited (\(s))" }
        if let session, let s = session.poll() { return "the session '\(sessionCommand)' ended (\(s))" }
        return nil
    }

    /// Stops the session (its whole process group), then the X server, and removes the folder.
    public func stop() {
        session?.stop()
        server.stop()
        for f in ["Xauthority", "xauth.log", "Xvfb.log", "session.log"] { unlink(directory + "/" + f) }
        rmdir(directory)
    }

    static func candidateDisplays() -> [Int] {
        (10..<200).filter { n in
            access("/tmp/.X11-unix/X\(n)", F_OK) != 0 && access("/tmp/.X\(n)-lock", F_OK) != 0
        }.prefix(8).map { $0 }
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
            if socketAccepts("/tmp/.X11-unix/X\(number)") { return true }
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
