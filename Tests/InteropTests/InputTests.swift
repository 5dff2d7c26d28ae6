import Foundation
import SaffronDemo
import SaffronDesktop
import Testing

extension Interop {
    /// Keys, clicks and pointer positions from spice-gtk reach the demo desktop.
    @Suite("Input from spice-gtk")
    struct Input {
        struct LoggedEvent: Decodable {
            var kind: String
            var scancode: Int?
            var extended: Bool?
            var down: Bool?
            var x: Int?
            var y: Int?
            var button: String?
            var buttons: Int?
            var caps: Bool?
            var num: Bool?
            var scroll: Bool?
            var dx: Int?
            var dy: Int?

            /// The desktop input event this line records.
            var inputEvent: InputEvent? {
                let mask = MouseButtons(rawValue: UInt16(buttons ?? 0))
                switch kind {
                case "key": return .key(code: UInt8(scancode ?? 0), extended: extended ?? false, down: down ?? false)
                case "position": return .pointerPosition(Point(x: x ?? 0, y: y ?? 0), buttons: mask)
                case "motion": return .pointerMotion(dx: dx ?? 0, dy: dy ?? 0, buttons: mask)
                case "button":
                    let names: [String: MouseButton] = ["left": .left, "middle": .middle, "right": .right, "wheel-up": .wheelUp,
                                                        "wheel-down": .wheelDown, "side": .side, "extra": .extra]
                    return names[button ?? ""].map { .button($0, down: down ?? false, buttons: mask) }
                case "modifiers":
                    var m = LockModifiers()
                    if caps == true { m.insert(.capsLock) }
                    if num == true { m.insert(.numLock) }
                    if scroll == true { m.insert(.scrollLock) }
                    return .lockModifiers(m)
                default: return nil
                }
            }
        }

        @Test("gi-client keys, click and move arrive in the input log and change the frame", .timeLimit(.minutes(2)))
        func keysClickMove() async throws {
            let dir = try TempDir("input")
            defer { dir.remove() }
            let size = "1280x800"
            let expected = try await demoFrame(size: size, in: dir)
            let logPath = dir.path("input.jsonl")
            let server = try await SaffronServer(["--demo", "static", "--disable-ticketing", "--input-log", logPath],
                                                 size: size, in: dir)
            defer { server.killNow() }

            let (clickX, clickY, moveX, moveY) = (640, 400, 200, 150)
            let after = dir.path("after.ppm")
            let gi = try await Peers.giClient(port: server.port, [
                "--keys", "hello", "--click", "\(clickX),\(clickY)", "--move", "\(moveX),\(moveY)",
                "--out", after, "--json", dir.path("r.json"),
            ], in: dir)
            #expect(gi.succeeded, "\(gi.tail())")

            // The server writes the log as events arrive: wait (bounded) for all ten key events.
            var events: [LoggedEvent] = []
            let deadline = ContinuousClock.now + .seconds(5)
            repeat {
                events = try Self.readLog(logPath)
                if events.filter({ $0.kind == "key" }).count >= 10 { break }
                try await Task.sleep(for: .milliseconds(100))
            } while ContinuousClock.now < deadline

            let keys = events.filter { $0.kind == "key" }
            let want: [(Int, Bool)] = [0x23, 0x12, 0x26, 0x26, 0x18].flatMap { [($0, true), ($0, false)] }
            #expect(keys.map { "\($0.scancode ?? -1)\($0.down == true ? "d" : "u")" } == want.map { "\($0.0)\($0.1 ? "d" : "u")" },
                    "key events for 'hello' (set-1 make codes, down then up)")
            #expect(keys.allSatisfy { $0.extended == false }, "no key of 'hello' is extended")

            let buttons = events.filter { $0.kind == "button" }
            #expect(buttons.map { "\($0.button ?? "?") \($0.down == true ? "down" : "up")" } == ["left down", "left up"])

            let positions = events.filter { $0.kind == "position" }.map { "\($0.x ?? -1),\($0.y ?? -1)" }
            #expect(positions.contains("\(clickX),\(clickY)"), "absolute position of the click; got \(positions)")
            #expect(positions.last == "\(moveX),\(moveY)", "last absolute position is the move; got \(positions)")
            #expect(!events.contains { $0.kind == "motion" }, "client mouse mode: no relative motion expected")

            let image = try PPMImage(path: after)
            try #require(image.size == size, "after-screenshot is \(image.size)")
            let diff = image.difference(from: expected)
            #expect(diff.count > 0, "typing into the demo changed no pixel")
            #expect(diff.count < image.width * image.height, "every pixel changed: not a local edit")
            // The screenshot shows exactly what the demo draws for that input: replay the logged
            // events into a fresh static desktop and compare every pixel ("hello" in the text box,
            // the pointer trail, the status line).
            let replay = DemoDesktop(size: Size(width: image.width, height: image.height), mode: .static)
            for e in events.compactMap(\.inputEvent) { replay.handle(e) }
            #expect(replay.typedText == "hello")
            let (_, replayed) = replay.framebuffer.snapshot()
            let shown: [UInt32] = (0..<(image.width * image.height)).map { (i: Int) -> UInt32 in
                let r = UInt32(image.rgb[3 * i]), g = UInt32(image.rgb[3 * i + 1]), b = UInt32(image.rgb[3 * i + 2])
                return (r << 16) | (g << 8) | b
            }
            let mismatches = zip(shown, replayed).filter { $0 != $1 }.count
            #expect(mismatches == 0, "screenshot differs from the replayed demo in \(mismatches) pixels")
            report("input: \(keys.count) key, \(buttons.count) button, \(positions.count) position events; frame \(image.describeDifference(from: expected)); gi-client \(String(format: "%.2f", gi.seconds)) s")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }

        static func readLog(_ path: String) throws -> [LoggedEvent] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
            return try text.split(separator: "\n").filter { !$0.isEmpty }.map { line in
                do { return try JSONDecoder().decode(LoggedEvent.self, from: Data(line.utf8)) }
                catch { throw HarnessError("bad input-log line \(line): \(error)") }
            }
        }
    }
}
