import Glibc

/// Files a client sends into the session (agent FILE_XFER_*), written to one folder.
///
/// Names are reduced to a plain file name (no folders, no "..", no control characters), never
/// overwrite (a numbered name instead), arrive in a hidden `.part` file that becomes the final
/// name only when complete, and are removed when cancelled, failed or abandoned.
final class FileTransferReceiver {
    /// The agent's FILE_XFER_STATUS results.
    enum Status: UInt32 {
        case canSendData = 0, cancelled, error, success, notEnoughSpace, sessionLocked, agentNotConnected, disabled
    }

    struct Settings: Sendable {
        var directory: String
        var maxFileSize: UInt64
        init(directory: String, maxFileSize: UInt64 = 8 << 30) {
            self.directory = directory
            self.maxFileSize = maxFileSize
        }
    }

    private struct Transfer {
        var fd: Int32
        var partPath: String
        var name: String
        var size: UInt64
        var received: UInt64 = 0
    }

    let settings: Settings
    private var transfers: [UInt32: Transfer] = [:]
    /// Transfers at once per client (each holds an open file).
    static let maxConcurrent = 16

    init(settings: Settings) {
        self.settings = settings
    }

    /// Reply to FILE_XFER_START: `.canSendData`, or why not (with a log-worthy reason).
    func start(id: UInt32, keyFile: String) -> (Status, reason: String?, freeBytes: UInt64?) {
        guard transfers[id] == nil else { return (.error, "transfer id \(id) already in use", nil) }
        guard transfers.count < Self.maxConcurrent else { return (.error, "too many transfers at once", nil) }
        let fields = Self.parseKeyFile(keyFile)
        guard let rawName = fields["name"], let sizeText = fields["size"], let size = UInt64(sizeText) else {
            return (.error, "FILE_XFER_START without name= and size=", nil)
        }
        guard size <= settings.maxFileSize else { return (.error, "file of \(size) bytes exceeds the limit \(settings.maxFileSize)", nil) }
        let name = Self.sanitizedName(rawName)
        guard Self.ensureDirectory(settings.directory) else { return (.error, "cannot create \(settings.directory)", nil) }
        if let free = Self.freeBytes(settings.directory), free < size {
            return (.notEnoughSpace, "\(size) bytes do not fit in \(settings.directory) (\(free) free)", free)
        }
        let part = "\(settings.directory)/.\(name).\(id).part"
        let fd = open(part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return (.error, "cannot create \(part): \(String(cString: strerror(errno)))", nil) }
        transfers[id] = Transfer(fd: fd, partPath: part, name: name, size: size)
        if size == 0 { return finish(id) }
        return (.canSendData, nil, nil)
    }

    /// FILE_XFER_DATA: nil while more is expected, else the final status.
    func data(id: UInt32, bytes: UnsafeRawBufferPointer) -> (Status, reason: String?, freeBytes: UInt64?)? {
        guard var t = transfers[id] else { return (.error, "data for unknown transfer \(id)", nil) }
        guard t.received + UInt64(bytes.count) <= t.size else {
            abandon(id)
            return (.error, "more data than the announced \(t.size) bytes", nil)
        }
        var offset = 0
        while offset < bytes.count {
            let n = write(t.fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                let err = errno
                abandon(id)
                if err == ENOSPC || err == EDQUOT {
                    return (.notEnoughSpace, "disk full in \(settings.directory)", Self.freeBytes(settings.directory))
                }
                return (.error, "write failed: \(String(cString: strerror(err)))", nil)
            }
            offset += n
        }
        t.received += UInt64(bytes.count)
        transfers[id] = t
        return t.received == t.size ? finish(id) : nil
    }

    /// The client cancelled (or failed) a transfer: its partial file goes.
    func cancel(id: UInt32) {
        abandon(id)
    }

    /// The client left: every unfinished file goes; returns how many there were.
    @discardableResult
    func abandonAll() -> Int {
        let ids = Array(transfers.keys)
        for id in ids { abandon(id) }
        return ids.count
    }

    var active: Int { transfers.count }

    private func finish(_ id: UInt32) -> (Status, reason: String?, freeBytes: UInt64?) {
        guard let t = transfers.removeValue(forKey: id) else { return (.error, "unknown transfer", nil) }
        // The part file was private while incomplete; the saved file is an ordinary one.
        let synced = fsync(t.fd) == 0 && fchmod(t.fd, 0o644) == 0
        close(t.fd)
        guard synced else {
            unlink(t.partPath)
            return (.error, "cannot flush \(t.name) to disk", nil)
        }
        // link() fails instead of replacing an existing file: try numbered names until one is free.
        for candidate in Self.candidateNames(t.name) {
            let path = "\(settings.directory)/\(candidate)"
            if link(t.partPath, path) == 0 {
                unlink(t.partPath)
                return (.success, "saved \(path) (\(t.size) bytes)", nil)
            }
            if errno != EEXIST { break }
        }
        unlink(t.partPath)
        return (.error, "cannot give \(t.name) a free name in \(settings.directory)", nil)
    }

    private func abandon(_ id: UInt32) {
        guard let t = transfers.removeValue(forKey: id) else { return }
        close(t.fd)
        unlink(t.partPath)
    }

    // MARK: names and folders

    /// GLib key-file `key=value` lines of the `[vdagent-file-xfer]` group, with its escapes.
    static func parseKeyFile(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard !line.hasPrefix("#"), !line.hasPrefix("["), let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: " ")
            var value = ""
            var escaped = false
            for ch in line[line.index(after: eq)...] {
                if escaped {
                    switch ch {
                    case "s": value.append(" ")
                    case "n": value.append("\n")
                    case "t": value.append("\t")
                    case "r": value.append("\r")
                    default: value.append(ch)
                    }
                    escaped = false
                } else if ch == "\\" {
                    escaped = true
                } else {
                    value.append(ch)
                }
            }
            fields[key] = value.trimmingLeadingCharacters(" ")
        }
        return fields
    }

    /// A plain file name: the last path component, without control characters, never "." or
    /// ".." or empty, at most 200 bytes.
    static func sanitizedName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var name = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        while name.hasPrefix(".") { name.removeFirst() }
        if name.isEmpty { name = "received-file" }
        while name.utf8.count > 200 { name.removeLast() }
        return name
    }

    /// name, then "name (1).ext", "name (2).ext", ... (at most 1000 tries).
    static func candidateNames(_ name: String) -> [String] {
        let base: Substring, ext: Substring
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            base = name[..<dot]
            ext = name[dot...]
        } else {
            base = name[...]
            ext = ""
        }
        return [name] + (1...1000).map { "\(base) (\($0))\(ext)" }
    }

    static func ensureDirectory(_ path: String) -> Bool {
        var st = stat()
        if stat(path, &st) == 0 { return (st.st_mode & S_IFMT) == S_IFDIR }
        var partial = ""
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o755) != 0 && errno != EEXIST { return false }
        }
        return true
    }

    static func freeBytes(_ path: String) -> UInt64? {
        var s = statvfs()
        guard statvfs(path, &s) == 0 else { return nil }
        return UInt64(s.f_bavail) * UInt64(s.f_frsize)
    }
}

private extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        String(self.drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}

private extension String {
    func trimmingLeadingCharacters(_ c: Character) -> String { String(self.drop { $0 == c }) }
}
