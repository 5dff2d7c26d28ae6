import Foundation
import SaffronDesktop
import Synchronization

/// Appends every input event the demo receives to a file as one JSON object per line
/// (`saffron --input-log FILE`), written with a single write per line so tests can read the file
/// while the server runs:
///
///     {"kind":"key","scancode":35,"extended":false,"down":true,"time":1700000000.25}
///     {"kind":"position","x":100,"y":200,"buttons":0,"time":...}
///     {"kind":"motion","dx":3,"dy":-2,"buttons":0,"time":...}
///     {"kind":"button","button":"left","down":true,"buttons":1,"time":...}
///     {"kind":"modifiers","caps":true,"num":false,"scroll":false,"time":...}
///
/// `scancode` is the set-1 make code in decimal; `time` is seconds since the Unix epoch.
/// Button names: left, middle, right, wheel-up, wheel-down, side, extra.
public final class InputLog: Sendable {
    public let path: String
    private let handle: Mutex<FileHandle?>

    public enum Failure: Error, CustomStringConvertible {
        case cannotOpen(String)
        public var description: String {
            switch self { case .cannotOpen(let p): "cannot open input log \(p) for appending" }
        }
    }

    /// Opens `path` for appending, creating it if needed.
    public init(path: String) throws {
        self.path = path
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw Failure.cannotOpen(path) }
        }
        guard let h = FileHandle(forWritingAtPath: path) else { throw Failure.cannotOpen(path) }
        _ = try h.seekToEnd()
        handle = Mutex(h)
    }

    deinit { close() }

    /// Appends one line for `event` (stamped with the current time). Errors are ignored: logging
    /// must never disturb input handling.
    public func record(_ event: InputEvent) {
        let line = Self.jsonLine(for: event, time: Date().timeIntervalSince1970) + "\n"
        let data = Data(line.utf8)
        handle.withLock { h in
            guard let h else { return }
            try? h.write(contentsOf: data)
        }
    }

    /// Closes the file; later records are dropped.
    public func close() {
        handle.withLock { h in
            try? h?.close()
            h = nil
        }
    }

    /// The JSON object (without newline) for `event` at `time`.
    public static func jsonLine(for event: InputEvent, time: Double) -> String {
        let t = "\"time\":\(time)"
        switch event {
        case .key(let code, let extended, let down):
            return "{\"kind\":\"key\",\"scancode\":\(code),\"extended\":\(extended),\"down\":\(down),\(t)}"
        case .pointerPosition(let p, let buttons):
            return "{\"kind\":\"position\",\"x\":\(p.x),\"y\":\(p.y),\"buttons\":\(buttons.rawValue),\(t)}"
        case .pointerMotion(let dx, let dy, let buttons):
            return "{\"kind\":\"motion\",\"dx\":\(dx),\"dy\":\(dy),\"buttons\":\(buttons.rawValue),\(t)}"
        case .button(let button, let down, let buttons):
            return "{\"kind\":\"button\",\"button\":\"\(buttonName(button))\",\"down\":\(down),\"buttons\":\(buttons.rawValue),\(t)}"
        case .lockModifiers(let m):
            return "{\"kind\":\"modifiers\",\"caps\":\(m.contains(.capsLock)),\"num\":\(m.contains(.numLock)),\"scroll\":\(m.contains(.scrollLock)),\(t)}"
        }
    }

    public static func buttonName(_ b: MouseButton) -> String {
        switch b {
        case .left: "left"
        case .middle: "middle"
        case .right: "right"
        case .wheelUp: "wheel-up"
        case .wheelDown: "wheel-down"
        case .side: "side"
        case .extra: "extra"
        }
    }
}
