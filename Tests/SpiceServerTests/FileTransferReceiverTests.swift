import Foundation
import Testing
@testable import SpiceServer

@Suite struct FileTransferReceiverTests {
    static func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "saffron-xfer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func keyFile(name: String, size: Int) -> String { "[vdagent-file-xfer]\nname=\(name)\nsize=\(size)\n" }

    func send(_ r: FileTransferReceiver, id: UInt32, _ bytes: [UInt8]) -> FileTransferReceiver.Status? {
        bytes.withUnsafeBytes { r.data(id: id, bytes: $0) }?.0
    }

    @Test("a file arrives complete under its name; a second one with the same name gets a number; nothing else is left")
    func arrivesAndNumbers() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = FileTransferReceiver(settings: .init(directory: dir))
        let data = (0..<10_000).map { UInt8($0 % 251) }
        for id: UInt32 in [1, 2] {
            #expect(r.start(id: id, keyFile: Self.keyFile(name: "report.pdf", size: data.count)).0 == .canSendData)
            #expect(send(r, id: id, Array(data[0..<4000])) == nil)
            #expect(send(r, id: id, Array(data[4000...])) == .success)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["report (1).pdf", "report.pdf"])
        #expect(FileManager.default.contents(atPath: dir + "/report (1).pdf") == Data(data))
        #expect(r.active == 0)
    }

    @Test("names cannot leave the folder: ../../etc/passwd lands as 'passwd' inside it; hidden and empty names are made plain")
    func sanitizedNames() throws {
        #expect(FileTransferReceiver.sanitizedName("../../etc/passwd") == "passwd")
        #expect(FileTransferReceiver.sanitizedName("..\\..\\win.ini") == "win.ini")
        #expect(FileTransferReceiver.sanitizedName("..") == "received-file")
        #expect(FileTransferReceiver.sanitizedName(".bashrc") == "bashrc")
        #expect(FileTransferReceiver.sanitizedName("a\u{1}b\nc") == "abc")
        #expect(FileTransferReceiver.parseKeyFile("[vdagent-file-xfer]\nname=my\\sfile\\\\x.txt\nsize=12\n") == ["name": "my file\\x.txt", "size": "12"])
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = FileTransferReceiver(settings: .init(directory: dir))
        #expect(r.start(id: 7, keyFile: Self.keyFile(name: "../../etc/passwd", size: 3)).0 == .canSendData)
        #expect(send(r, id: 7, [1, 2, 3]) == .success)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["passwd"])
    }

    @Test("cancelled, abandoned, oversized and over-long transfers leave nothing behind")
    func failuresLeaveNothing() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = FileTransferReceiver(settings: .init(directory: dir, maxFileSize: 1000))
        #expect(r.start(id: 1, keyFile: Self.keyFile(name: "a.bin", size: 100)).0 == .canSendData)
        #expect(send(r, id: 1, [UInt8](repeating: 1, count: 50)) == nil)
        r.cancel(id: 1)
        #expect(r.start(id: 2, keyFile: Self.keyFile(name: "b.bin", size: 10)).0 == .canSendData)
        #expect(send(r, id: 2, [UInt8](repeating: 1, count: 11)) == .error, "more than announced")
        #expect(r.start(id: 3, keyFile: Self.keyFile(name: "c.bin", size: 5000)).0 == .error, "above the size limit")
        #expect(r.start(id: 4, keyFile: "[vdagent-file-xfer]\nsize=4\n").0 == .error, "no name")
        #expect(r.start(id: 5, keyFile: Self.keyFile(name: "d.bin", size: 10)).0 == .canSendData)
        #expect(r.abandonAll() == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test("not enough space is said before any byte is written, with the free space")
    func notEnoughSpace() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = FileTransferReceiver(settings: .init(directory: dir, maxFileSize: .max))
        let (status, _, free) = r.start(id: 1, keyFile: Self.keyFile(name: "huge.iso", size: Int.max / 2))
        #expect(status == .notEnoughSpace)
        #expect(free != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}
