import Foundation
import SaffronDemo
import SaffronDesktop
import Testing

@Suite struct InputLogTests {
    func parse(_ line: Substring) throws -> [String: Any] {
        let obj = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(obj as? [String: Any])
    }

    @Test func everyEventKindIsOneJSONLine() throws {
        let path = temporaryPath("input-\(UUID().uuidString).jsonl")
        defer { removeTemporary(path) }
        let log = try InputLog(path: path)
        let before = Date().timeIntervalSince1970
        let events: [InputEvent] = [
            .key(code: 0x23, extended: false, down: true),
            .key(code: 0x48, extended: true, down: false),
            .pointerPosition(Point(x: 100, y: 200), buttons: [.left]),
            .pointerMotion(dx: 3, dy: -2, buttons: []),
            .button(.left, down: true, buttons: [.left]),
            .button(.wheelUp, down: false, buttons: []),
            .lockModifiers([.capsLock, .scrollLock]),
        ]
        for e in events { log.record(e) }
        // Readable while the log is still open (each line is written at once).
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == events.count)
        #expect(text.hasSuffix("\n"))
        let objs = try lines.map(parse)

        #expect(objs[0]["kind"] as? String == "key")
        #expect(objs[0]["scancode"] as? Int == 35)
        #expect(objs[0]["extended"] as? Bool == false)
        #expect(objs[0]["down"] as? Bool == true)
        #expect(objs[1]["scancode"] as? Int == 0x48)
        #expect(objs[1]["extended"] as? Bool == true)
        #expect(objs[1]["down"] as? Bool == false)

        #expect(objs[2]["kind"] as? String == "position")
        #expect(objs[2]["x"] as? Int == 100)
        #expect(objs[2]["y"] as? Int == 200)
        #expect(objs[2]["buttons"] as? Int == 1)

        #expect(objs[3]["kind"] as? String == "motion")
        #expect(objs[3]["dx"] as? Int == 3)
        #expect(objs[3]["dy"] as? Int == -2)
        #expect(objs[3]["buttons"] as? Int == 0)

        #expect(objs[4]["kind"] as? String == "button")
        #expect(objs[4]["button"] as? String == "left")
        #expect(objs[4]["down"] as? Bool == true)
        #expect(objs[4]["buttons"] as? Int == 1)
        #expect(objs[5]["button"] as? String == "wheel-up")

        #expect(objs[6]["kind"] as? String == "modifiers")
        #expect(objs[6]["caps"] as? Bool == true)
        #expect(objs[6]["num"] as? Bool == false)
        #expect(objs[6]["scroll"] as? Bool == true)

        let after = Date().timeIntervalSince1970
        for o in objs {
            let t = try #require(o["time"] as? Double)
            #expect(t >= before - 1 && t <= after + 1)
        }
        log.close()
    }

    @Test func appendsToExistingFileAndDesktopLogsInput() throws {
        let path = temporaryPath("input-\(UUID().uuidString).jsonl")
        defer { removeTemporary(path) }
        try "{\"kind\":\"earlier\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let log = try InputLog(path: path)
        let desktop = DemoDesktop(size: Size(width: 640, height: 400), mode: .static, inputLog: log)
        desktop.handle(.key(code: 0x23, extended: false, down: true))
        desktop.handle(.pointerMotion(dx: 1, dy: 1, buttons: []))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(try parse(lines[1])["kind"] as? String == "key")
        #expect(try parse(lines[2])["kind"] as? String == "motion")
    }

    @Test func concurrentRecordsKeepLinesWhole() async throws {
        let path = temporaryPath("input-\(UUID().uuidString).jsonl")
        defer { removeTemporary(path) }
        let log = try InputLog(path: path)
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<4 {
                group.addTask {
                    for i in 0..<50 { log.record(.pointerMotion(dx: t, dy: i, buttons: [])) }
                }
            }
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 200)
        for l in lines { #expect(try parse(l)["kind"] as? String == "motion") }
    }
}
