import Foundation
import SaffronDesktop
import Synchronization

/// The built-in desktop Saffron serves when no other is configured: a few windows drawn by
/// Saffron itself so whoever connects sees at once that display, keyboard and mouse work.
///
/// - A gradient background with the "Saffron" wordmark.
/// - "Clock": a dot-matrix HH:MM:SS clock (12:00:00 in `.static` mode).
/// - "Animation": a bouncing ball over moving colour bars (~25 fps in `.animated` mode).
/// - "Keyboard": a text box showing what is typed (set-1 scancodes, US layout, Shift/Caps,
///   Backspace, Enter), wrapping and scrolling.
/// - A fading trail of dots at the last pointer positions, and a status line naming the last
///   input event.
///
/// Every change is drawn straight into `framebuffer` under one lock and reported as `.damage`
/// with only the changed rectangles. `handle(_:)`, `requestResize(to:)` and `run(events:)` may be
/// called from any thread; events are delivered to the closure given to the running `run`.
public final class DemoDesktop: DesktopSource {
    public let name: String
    public let framebuffer: Framebuffer
    public let mode: DemoMode
    public let inputLog: InputLog?

    /// The animation frame interval in `.animated` mode (25 fps).
    public static let frameInterval: Duration = .milliseconds(40)

    private struct State {
        var scene: DemoScene
        var textBox = TextBoxModel()
        var cursor: CursorState
        var sink: (@Sendable (DesktopEvent) -> Void)?
        var runGeneration = 0
        var lastSecond = -1
        /// When the pointer last moved (the trail fades away after `trailFadeDelay` in `.animated` mode).
        var lastPointerMove: ContinuousClock.Instant?
        /// Formats a client offers on CLIPBOARD (for Ctrl+V).
        var clientClipboard: [ClipboardFormat] = []
        /// What Ctrl+C copied (served to clients that paste).
        var copied: String?
    }

    /// In `.animated` mode the pointer trail starts fading (one dot per frame) this long after
    /// the pointer stops. In `.static` mode the trail stays (no time-dependent content).
    public static let trailFadeDelay: Duration = .milliseconds(400)

    private let state: Mutex<State>

    public init(size: Size, mode: DemoMode = .animated, inputLog: InputLog? = nil, name: String = "Saffron demo") {
        self.name = name
        self.mode = mode
        self.inputLog = inputLog
        let clock = mode == .animated ? Self.currentClockText() : DemoScene.staticClock
        let scene = DemoScene.initial(size: size, clockText: clock)
        framebuffer = Framebuffer(size: size)
        framebuffer.withLockedPixels { size, pixels in
            DemoRenderer.render(scene, into: &pixels, size: size, rects: [size.bounds])
        }
        let cursor = CursorState(image: DemoCursor.arrow,
                                 position: Point(x: size.width / 2, y: size.height / 2), visible: true)
        state = Mutex(State(scene: scene, cursor: cursor))
    }

    /// Exactly the pixels of a `.static` demo desktop of `size` before any input.
    public static func stillFrame(size: Size) -> Framebuffer {
        let fb = Framebuffer(size: size)
        let scene = DemoScene.initial(size: size)
        fb.withLockedPixels { size, pixels in
            DemoRenderer.render(scene, into: &pixels, size: size, rects: [size.bounds])
        }
        return fb
    }

    /// `stillFrame(size:)` as a pixel array (xRGB, row-major).
    public static func stillFramePixels(size: Size) -> [UInt32] { stillFrame(size: size).snapshot().1 }

    public var cursor: CursorState { state.withLock { $0.cursor } }

    /// The text typed so far into the Keyboard window.
    public var typedText: String { state.withLock { $0.textBox.string } }

    /// Where the windows are, for tests and tools: (clock, animation, keyboard text box, status bar).
    public var regions: (clock: Rect, animation: Rect, textBox: Rect, statusBar: Rect) {
        state.withLock { st in
            let l = st.scene.layout
            return (l.clockPanel, l.body(of: l.animationWindow), l.textArea, l.statusBar)
        }
    }

    // MARK: - Input

    public func handle(_ event: InputEvent) {
        inputLog?.record(event)
        let (events, sink) = state.withLock { st -> ([DesktopEvent], (@Sendable (DesktopEvent) -> Void)?) in
            var scene = st.scene
            let size = scene.layout.size
            var out: [DesktopEvent] = []
            switch event {
            case .key(let code, let extended, let down) where down && !extended && st.textBox.control
                && (code == Self.scancodeC || code == Self.scancodeV):
                // The text box's clipboard: Ctrl+C offers its text, Ctrl+V pastes a client's text.
                if code == Self.scancodeC {
                    st.copied = st.textBox.string
                    out.append(.clipboard(.offered(.clipboard, [.utf8Text])))
                    scene.status = "Last input: Ctrl+C (copied \(st.textBox.string.count) characters)"
                } else if st.clientClipboard.contains(.utf8Text) {
                    out.append(.clipboard(.requested(.clipboard, .utf8Text)))
                    scene.status = "Last input: Ctrl+V (pasting)"
                } else {
                    scene.status = "Last input: Ctrl+V (no text on the client's clipboard)"
                }
            case .key(let code, let extended, let down):
                if st.textBox.apply(code: code, extended: extended, down: down) {
                    scene.textGrid = st.textBox.grid(columns: scene.layout.textColumns, rows: scene.layout.textRows,
                                                     caret: DemoScene.caret)
                }
                scene.status = "Last input: key " + (extended ? "0xE0 " : "") + Self.hex(code) + (down ? " down" : " up")
            case .lockModifiers(let m):
                st.textBox.capsLock = m.contains(.capsLock)
                st.textBox.numLock = m.contains(.numLock)
                scene.status = "Last input: locks caps \(Self.onOff(m.contains(.capsLock))) num \(Self.onOff(m.contains(.numLock))) scroll \(Self.onOff(m.contains(.scrollLock)))"
            case .pointerPosition(let p, let buttons):
                let pos = p.clamped(to: size)
                st.cursor.position = pos
                st.lastPointerMove = .now
                Self.addTrail(pos, to: &scene)
                scene.status = "Last input: pointer at \(pos.x),\(pos.y) buttons \(buttons.rawValue)"
            case .pointerMotion(let dx, let dy, let buttons):
                let pos = st.cursor.position.offsetBy(dx: dx, dy: dy).clamped(to: size)
                if pos != st.cursor.position {
                    st.cursor.position = pos
                    out.append(.cursor(st.cursor))
                }
                st.lastPointerMove = .now
                Self.addTrail(pos, to: &scene)
                scene.status = "Last input: motion \(Self.signed(dx)),\(Self.signed(dy)) to \(pos.x),\(pos.y) buttons \(buttons.rawValue)"
            case .button(let button, let down, _):
                let p = st.cursor.position
                scene.status = "Last input: button \(InputLog.buttonName(button)) \(down ? "down" : "up") at \(p.x),\(p.y)"
            }
            let rects = apply(scene, to: &st)
            if !rects.isEmpty { out.append(.damage(rects)) }
            return (out, st.sink)
        }
        if let sink { for e in events { sink(e) } }
    }

    static let scancodeC: UInt8 = 0x2E
    static let scancodeV: UInt8 = 0x2F

    // MARK: - Resize

    public func requestResize(to size: Size) {
        guard (1...16384).contains(size.width), (1...16384).contains(size.height) else { return }
        let (events, sink) = state.withLock { st -> ([DesktopEvent], (@Sendable (DesktopEvent) -> Void)?) in
            var scene = st.scene
            scene.layout = DemoLayout(size: size)
            scene.textGrid = st.textBox.grid(columns: scene.layout.textColumns, rows: scene.layout.textRows,
                                             caret: DemoScene.caret)
            scene.trail = scene.trail.map { $0.clamped(to: size) }
            framebuffer.resize(to: size)
            framebuffer.withLockedPixels { size, pixels in
                DemoRenderer.render(scene, into: &pixels, size: size, rects: [size.bounds])
            }
            st.scene = scene
            var out: [DesktopEvent] = [.resized(size)]
            let pos = st.cursor.position.clamped(to: size)
            if pos != st.cursor.position {
                st.cursor.position = pos
                out.append(.cursor(st.cursor))
            }
            return (out, st.sink)
        }
        if let sink { for e in events { sink(e) } }
    }

    // MARK: - Running

    /// Reports an initial `.cursor`, then (in `.animated` mode) advances the clock and animation
    /// every `frameInterval`, reporting the damage, until the task is cancelled (then throws
    /// `CancellationError`). Input and resizes are reported while this runs.
    public func run(events: @escaping @Sendable (DesktopEvent) -> Void) async throws {
        let (generation, cursor) = state.withLock { st in
            st.sink = events
            st.runGeneration += 1
            return (st.runGeneration, st.cursor)
        }
        defer {
            state.withLock { st in
                if st.runGeneration == generation { st.sink = nil }
            }
        }
        events(.cursor(cursor))
        guard mode == .animated else {
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
        let clock = ContinuousClock()
        let start = clock.now
        var next = start
        while true {
            next = next.advanced(by: Self.frameInterval)
            let now = clock.now
            if next < now { next = now }  // fell behind: skip frames rather than burst
            try await Task.sleep(until: next, clock: clock)
            let phase = Int((clock.now - start) / Self.frameInterval)
            tick(phase: phase)
        }
    }

    /// Advances the animated content to `phase` and the clock to now; reports the damage.
    func tick(phase: Int) {
        let second = Int(Date().timeIntervalSince1970)
        let (events, sink) = state.withLock { st -> ([DesktopEvent], (@Sendable (DesktopEvent) -> Void)?) in
            var scene = st.scene
            scene.phase = phase
            if !scene.trail.isEmpty, let moved = st.lastPointerMove, moved.duration(to: .now) > Self.trailFadeDelay {
                scene.trail.removeFirst()
            }
            if second != st.lastSecond {
                st.lastSecond = second
                scene.clockText = Self.currentClockText()
            }
            let rects = apply(scene, to: &st)
            return (rects.isEmpty ? [] : [.damage(rects)], st.sink)
        }
        if let sink { for e in events { sink(e) } }
    }

    /// Draws the difference between the current scene and `scene` (under the framebuffer lock,
    /// while the state lock is held) and makes `scene` current. Returns the damaged rectangles.
    private func apply(_ scene: DemoScene, to st: inout State) -> [Rect] {
        guard scene != st.scene else { return [] }
        let rects = scene.damage(since: st.scene)
        framebuffer.withLockedPixels { size, pixels in
            DemoRenderer.render(scene, into: &pixels, size: size, rects: rects)
        }
        st.scene = scene
        return rects
    }

    // MARK: - Helpers

    private static func addTrail(_ p: Point, to scene: inout DemoScene) {
        if scene.trail.last == p { return }
        scene.trail.append(p)
        if scene.trail.count > DemoScene.trailLength { scene.trail.removeFirst(scene.trail.count - DemoScene.trailLength) }
    }

    static func currentClockText(_ date: Date = Date()) -> String {
        let c = Calendar.current.dateComponents([.hour, .minute, .second], from: date)
        func two(_ v: Int?) -> String { let v = v ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }

    private static func hex(_ v: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "0x" + String(digits[Int(v >> 4)]) + String(digits[Int(v & 15)])
    }

    private static func onOff(_ b: Bool) -> String { b ? "on" : "off" }
    private static func signed(_ v: Int) -> String { v >= 0 ? "+\(v)" : "\(v)" }
}

extension DemoDesktop: ClipboardSink {
    public var clipboard: ClipboardSink? { self }

    public func clientOffered(_ selection: ClipboardSelectionName, formats: [ClipboardFormat]) {
        guard selection == .clipboard else { return }
        state.withLock { $0.clientClipboard = formats }
    }

    public func clientReleased(_ selection: ClipboardSelectionName) {
        guard selection == .clipboard else { return }
        state.withLock { $0.clientClipboard = [] }
    }

    public func clientRequested(_ selection: ClipboardSelectionName, format: ClipboardFormat) {
        let (text, sink) = state.withLock { ($0.copied, $0.sink) }
        let data = selection == .clipboard && format == .utf8Text ? text.map { Array($0.utf8) } : nil
        sink?(.clipboard(.data(selection, format, data)))
    }

    /// A client's text for Ctrl+V goes into the text box (what the box can show: printable
    /// characters, newlines, tabs; bounded like typing).
    public func clientData(_ selection: ClipboardSelectionName, format: ClipboardFormat, data: [UInt8]?) {
        guard selection == .clipboard, format == .utf8Text, let data else { return }
        let text = String(decoding: data.prefix(TextBoxModel.maxStored * 4), as: UTF8.self)
        let (events, sink) = state.withLock { st -> ([DesktopEvent], (@Sendable (DesktopEvent) -> Void)?) in
            var scene = st.scene
            for ch in text where ch == "\n" || ch == "\t" || (ch.isASCII && !(ch.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? true)) {
                st.textBox.insert(ch == "\t" ? "    " : String(ch))
            }
            scene.textGrid = st.textBox.grid(columns: scene.layout.textColumns, rows: scene.layout.textRows, caret: DemoScene.caret)
            scene.status = "Last input: pasted \(data.count) bytes"
            let rects = apply(scene, to: &st)
            return (rects.isEmpty ? [] : [.damage(rects)], st.sink)
        }
        if let sink { for e in events { sink(e) } }
    }
}
