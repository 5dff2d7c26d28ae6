import Foundation
import Testing
@testable import SaffronX11

/// Which display numbers a private X session may take: files a killed server left behind do
/// not block a number, a live server's socket or lock does.
@Suite struct DisplayNumberTests {
    /// A Unix socket bound at `path`: listening (a live server) or closed at once (a killed one's file).
    static func bindSocket(_ path: String, listen live: Bool) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in
            let bytes = Array(path.utf8)
            buf.copyBytes(from: bytes)
            buf[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0, "bind \(path): errno \(errno)")
        if live { #expect(Foundation.listen(fd, 1) == 0) } else { close(fd) }
        return fd
    }

    @Test func staleFilesDoNotBlockANumberLiveOnesDo() throws {
        // Numbers far above what sessions use, so tests running alongside do not interfere.
        let range = 900..<904
        try FileManager.default.createDirectory(atPath: "/tmp/.X11-unix", withIntermediateDirectories: true)
        let paths = range.flatMap { ["/tmp/.X11-unix/X\($0)", "/tmp/.X\($0)-lock"] }
        for p in paths { unlink(p) }
        defer { for p in paths { unlink(p) } }

        // 900: socket and lock of a dead server (a PID that cannot exist); 901: a live socket;
        // 902: a lock held by this (live) process; 903: nothing.
        _ = Self.bindSocket("/tmp/.X11-unix/X900", listen: false)
        try "  999999999\n".write(toFile: "/tmp/.X900-lock", atomically: true, encoding: .utf8)
        let live = Self.bindSocket("/tmp/.X11-unix/X901", listen: true)
        defer { close(live) }
        try String(format: "%10d\n", getpid()).write(toFile: "/tmp/.X902-lock", atomically: true, encoding: .utf8)

        #expect(PrivateXSession.candidateDisplays(in: range) == [900, 903])
    }
}
