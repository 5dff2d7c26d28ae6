import Foundation
@testable import SaffronDemo
@testable import SaffronDesktop
import Testing

@Suite struct StillFrameTests {
    @Test(arguments: [Size(width: 1280, height: 800), Size(width: 1920, height: 1080), Size(width: 320, height: 200)])
    func deterministicAndNotFlat(size: Size) {
        let a = DemoDesktop.stillFramePixels(size: size)
        let b = DemoDesktop.stillFramePixels(size: size)
        #expect(a.count == size.area)
        let same = a == b
        #expect(same)
        #expect(Set(a).count > 20)
    }

    @Test func differsBetweenSizes() {
        let a = DemoDesktop.stillFrame(size: Size(width: 1280, height: 800)).snapshot()
        let b = DemoDesktop.stillFrame(size: Size(width: 1920, height: 1080)).snapshot()
        #expect(a.0 != b.0)
        // The same top-left area is laid out differently, not just cropped.
        let small = Rect(x: 0, y: 0, width: 400, height: 300)
        let fa = DemoDesktop.stillFrame(size: Size(width: 1280, height: 800))
        let fb = DemoDesktop.stillFrame(size: Size(width: 640, height: 400))
        let differs = pixels(fa, in: small) != pixels(fb, in: small)
        #expect(differs)
    }

    @Test(arguments: [Size(width: 1280, height: 800), Size(width: 1920, height: 1080)])
    func expectedContentInKnownPlaces(size: Size) {
        let fb = DemoDesktop.stillFrame(size: size)
        let layout = DemoLayout(size: size)
        let (_, px) = fb.snapshot()
        func at(_ x: Int, _ y: Int) -> UInt32 { px[y * size.width + x] }

        // Windows are well inside the screen, side by side, not overlapping.
        for w in [layout.clockWindow, layout.animationWindow, layout.keyboardWindow] {
            #expect(size.bounds.contains(w))
            #expect(w.area > size.area / 20)
        }
        #expect(!layout.clockWindow.intersects(layout.keyboardWindow))
        #expect(!layout.animationWindow.intersects(layout.clockWindow))

        // The text box is white apart from its border, the caret and (no) text.
        let box = layout.textArea.insetBy(dx: layout.scale, dy: layout.scale)
        let boxPixels = pixels(fb, in: box)
        let white = boxPixels.filter { $0 == Palette.textBox }.count
        #expect(white > boxPixels.count * 95 / 100)
        let caretDrawn = boxPixels.contains(Palette.caret)
        #expect(caretDrawn)

        // The clock panel is dark with lit amber dots showing 12:00:00.
        #expect(at(layout.clockPanel.x + 1, layout.clockPanel.y + 1) == Palette.clockPanel)
        let clockPixels = pixels(fb, in: layout.clockPanel)
        let lit = clockPixels.contains(Palette.clockLit), dim = clockPixels.contains(Palette.clockDim)
        #expect(lit && dim)
        #expect(layout.clockScale >= 4)

        // Title bars in saffron tones, a dark status bar, the wordmark in saffron.
        let title = at(layout.clockWindow.x + layout.clockWindow.width / 2, layout.clockWindow.y + 2)
        #expect((title >> 16) & 0xFF > 0xD0)
        #expect(at(size.width - 2, size.height - 2) == Palette.statusBar)
        let wordmark = Rect(origin: layout.wordmarkOrigin, size: Size(width: 7 * 6 * layout.wordmarkScale, height: 7 * layout.wordmarkScale))
        let wordmarkDrawn = pixels(fb, in: wordmark).contains(Palette.saffron)
        #expect(wordmarkDrawn)

        // The animation frame at phase 0 has the ball and the bars.
        let ballDrawn = pixels(fb, in: layout.animationArea).contains(Palette.ball)
        #expect(ballDrawn)
        let barsDrawn = pixels(fb, in: layout.barsArea).contains(Palette.bars[0])
        #expect(barsDrawn)
    }

    @Test(arguments: [Size(width: 320, height: 200), Size(width: 640, height: 480), Size(width: 800, height: 600),
                      Size(width: 1024, height: 768), Size(width: 2560, height: 1440), Size(width: 3840, height: 2160),
                      Size(width: 1, height: 1), Size(width: 50, height: 30)])
    func layoutScales(size: Size) {
        let l = DemoLayout(size: size)
        let frame = DemoDesktop.stillFramePixels(size: size)
        #expect(frame.count == size.area)
        guard size.width >= 320 else { return }
        #expect(l.textColumns >= 8)
        #expect(l.textRows >= 2)
        for w in [l.clockWindow, l.animationWindow, l.keyboardWindow] { #expect(size.bounds.contains(w)) }
        #expect(size.bounds.contains(Rect(origin: l.clockOrigin, size: Size(width: 47 * l.clockScale, height: 7 * l.clockScale))))
        #expect(l.clockPanel.contains(l.clockCell(7)))
        #expect(l.clockPanel.contains(l.secondsRow))
        #expect(l.animationArea.contains(l.ballRect(phase: 0)))
        #expect(l.animationArea.contains(l.ballRect(phase: 777)))
    }
}

@Suite struct KeyboardModelTests {
    @Test func usLayout() {
        #expect(USKeyboard.character(code: 0x23, extended: false, shift: false, capsLock: false, numLock: false) == "h")
        #expect(USKeyboard.character(code: 0x23, extended: false, shift: true, capsLock: false, numLock: false) == "H")
        #expect(USKeyboard.character(code: 0x23, extended: false, shift: false, capsLock: true, numLock: false) == "H")
        #expect(USKeyboard.character(code: 0x23, extended: false, shift: true, capsLock: true, numLock: false) == "h")
        #expect(USKeyboard.character(code: 0x02, extended: false, shift: false, capsLock: true, numLock: false) == "1")
        #expect(USKeyboard.character(code: 0x02, extended: false, shift: true, capsLock: false, numLock: false) == "!")
        #expect(USKeyboard.character(code: 0x28, extended: false, shift: true, capsLock: false, numLock: false) == "\"")
        #expect(USKeyboard.character(code: 0x2B, extended: false, shift: false, capsLock: false, numLock: false) == "\\")
        #expect(USKeyboard.character(code: 0x35, extended: false, shift: true, capsLock: false, numLock: false) == "?")
        #expect(USKeyboard.character(code: 0x39, extended: false, shift: false, capsLock: false, numLock: false) == " ")
        #expect(USKeyboard.character(code: 0x48, extended: true, shift: false, capsLock: false, numLock: true) == nil)
        #expect(USKeyboard.character(code: 0x48, extended: false, shift: false, capsLock: false, numLock: true) == "8")
        #expect(USKeyboard.character(code: 0x3B, extended: false, shift: false, capsLock: false, numLock: false) == nil)
    }

    @Test func wrapsAndScrolls() {
        var m = TextBoxModel()
        for ch in "abcdefg" { m.insert(String(ch)) }
        #expect(m.grid(columns: 3, rows: 5, caret: "|") == [["a", "b", "c"], ["d", "e", "f"], ["g", "|"], [], []])
        m.insert("\nxy")
        #expect(m.grid(columns: 3, rows: 2, caret: "|") == [["g"], ["x", "y", "|"]])
        m.insert("z")
        #expect(m.grid(columns: 3, rows: 2, caret: "|") == [["x", "y", "z"], ["|"]])
    }

    @Test func everyPrintableGlyphIsDefinedAndFits() {
        #expect(BitmapFont.data.count == 95 * BitmapFont.glyphHeight)
        for code in BitmapFont.firstCode...BitmapFont.lastCode {
            let rows = BitmapFont.rows(forCode: code)
            #expect(rows.allSatisfy { $0 < 0x20 })
            if code != 32 { #expect(rows.contains { $0 != 0 }, "glyph \(code) is blank") }
        }
        #expect(Array(BitmapFont.rows(for: "é")) == BitmapFont.missing)
    }
}

@Suite struct DemoDesktopTests {
    static let size = Size(width: 1280, height: 800)

    func type(_ text: String, into d: DemoDesktop) {
        for ch in text {
            let lower = Character(ch.lowercased())
            guard let code = scancodes[lower] else { continue }
            let shifted = ch.isUppercase
            if shifted { d.handle(.key(code: 0x2A, extended: false, down: true)) }
            d.handle(.key(code: code, extended: false, down: true))
            d.handle(.key(code: code, extended: false, down: false))
            if shifted { d.handle(.key(code: 0x2A, extended: false, down: false)) }
        }
    }

    @Test(arguments: [Size(width: 1280, height: 800), Size(width: 1920, height: 1080)])
    func staticStartsAsStillFrame(size: Size) {
        let d = DemoDesktop(size: size, mode: .static, inputLog: nil)
        let same = d.framebuffer.snapshot().1 == DemoDesktop.stillFramePixels(size: size)
        #expect(same)
        #expect(d.name.isEmpty == false)
        #expect(d.cursor.visible)
        #expect(d.cursor.image == DemoCursor.arrow)
    }

    @Test(arguments: [Size(width: 1280, height: 800), Size(width: 1920, height: 1080)])
    func typingHelloDamagesOnlyTheTextBoxArea(size: Size) async throws {
        let d = DemoDesktop(size: size, mode: .static, inputLog: nil)
        let collector = EventCollector()
        let runner = Task { try await d.run(events: collector.callback) }
        defer { runner.cancel() }
        try await waitFor { collector.all.contains { if case .cursor = $0 { true } else { false } } }

        let textArea = d.regions.textBox
        let before = pixels(d.framebuffer, in: textArea)
        type("hello", into: d)
        #expect(d.typedText == "hello")
        let changed = pixels(d.framebuffer, in: textArea) != before
        #expect(changed)

        let damage = collector.damageEvents
        #expect(damage.count == 10)  // every key event changes at least the status line
        let total = damage.reduce(0) { $0 + Rect.totalArea($1) }
        #expect(total < size.area / 10)
        #expect(total > 0)
        for rects in damage {
            for r in rects { #expect(size.bounds.contains(r)) }
        }
        // The damaged pixels are exactly what changed: a fresh desktop plus the damaged rects
        // painted from the live framebuffer equals the live framebuffer.
        let fresh = DemoDesktop.stillFramePixels(size: size)
        let (_, live) = d.framebuffer.snapshot()
        var rebuilt = fresh
        for r in damage.flatMap({ $0 }) {
            for y in r.y..<r.maxY {
                for x in r.x..<r.maxX { rebuilt[y * size.width + x] = live[y * size.width + x] }
            }
        }
        let rebuiltMatches = rebuilt == live
        #expect(rebuiltMatches)
    }

    @Test func shiftGivesUppercaseAndBackspaceDeletes() {
        let d = DemoDesktop(size: Self.size, mode: .static, inputLog: nil)
        type("Hello", into: d)
        #expect(d.typedText == "Hello")
        d.handle(.key(code: 0x36, extended: false, down: true))  // right shift
        d.handle(.key(code: 0x02, extended: false, down: true))  // '!'
        d.handle(.key(code: 0x36, extended: false, down: false))
        #expect(d.typedText == "Hello!")
        let withBang = d.framebuffer.snapshot().1
        d.handle(.key(code: 0x0E, extended: false, down: true))  // backspace
        d.handle(.key(code: 0x0E, extended: false, down: false))
        #expect(d.typedText == "Hello")
        let redrawn = d.framebuffer.snapshot().1 != withBang
        #expect(redrawn)
        d.handle(.key(code: 0x1C, extended: false, down: true))  // enter
        type("ab", into: d)
        #expect(d.typedText == "Hello\nab")
        d.handle(.key(code: 0x3A, extended: false, down: true))  // caps lock
        type("a", into: d)
        #expect(d.typedText == "Hello\nabA")
        d.handle(.lockModifiers([]))
        type("b", into: d)
        #expect(d.typedText == "Hello\nabAb")
    }

    @Test func typedTextRendersLikeAFreshDesktopWithTheSameInput() {
        // Drawing incrementally (small rects) gives the same pixels as a full redraw.
        let d = DemoDesktop(size: Self.size, mode: .static, inputLog: nil)
        for _ in 0..<30 { type("hello ", into: d) }  // wraps and scrolls
        d.handle(.pointerPosition(Point(x: 500, y: 300), buttons: []))
        d.handle(.pointerMotion(dx: 40, dy: -10, buttons: []))
        d.requestResize(to: Self.size)  // full redraw of the same state
        let full = d.framebuffer.snapshot().1
        let e = DemoDesktop(size: Self.size, mode: .static, inputLog: nil)
        for _ in 0..<30 { type("hello ", into: e) }
        e.handle(.pointerPosition(Point(x: 500, y: 300), buttons: []))
        e.handle(.pointerMotion(dx: 40, dy: -10, buttons: []))
        let same = e.framebuffer.snapshot().1 == full
        #expect(same)
    }

    @Test func pointerMotionClampsAndReportsCursor() async throws {
        let d = DemoDesktop(size: Self.size, mode: .static, inputLog: nil)
        let collector = EventCollector()
        d.handle(.pointerMotion(dx: 10, dy: 10, buttons: []))  // before run: drawn, remembered
        #expect(d.cursor.position == Point(x: 650, y: 410))
        let runner = Task { try await d.run(events: collector.callback) }
        defer { runner.cancel() }
        try await waitFor { !collector.all.isEmpty }
        #expect(collector.all.first == .cursor(d.cursor))
        d.handle(.pointerMotion(dx: -5000, dy: 5000, buttons: []))
        #expect(d.cursor.position == Point(x: 0, y: 799))
        #expect(collector.all.contains(.cursor(d.cursor)))
        d.handle(.pointerPosition(Point(x: 100, y: 200), buttons: [.left]))
        #expect(d.cursor.position == Point(x: 100, y: 200))
        collector.reset()
        d.handle(.button(.left, down: true, buttons: [.left]))
        let damage = collector.damageEvents
        #expect(damage.count == 1)
        #expect(Rect.totalArea(damage[0]) < Self.size.area / 50)
    }

    @Test("clipboard: Ctrl+C offers the text box, a client's paste gets its text; Ctrl+V asks the client and types what comes")
    func clipboard() async throws {
        let d = DemoDesktop(size: Self.size, mode: .static, inputLog: nil)
        let collector = EventCollector()
        let runner = Task { try await d.run(events: collector.callback) }
        defer { runner.cancel() }
        try await waitFor { !collector.all.isEmpty }
        type("hello abe", into: d)
        let ctrl: UInt8 = 0x1D
        func chord(_ code: UInt8) {
            d.handle(.key(code: ctrl, extended: false, down: true))
            d.handle(.key(code: code, extended: false, down: true))
            d.handle(.key(code: code, extended: false, down: false))
            d.handle(.key(code: ctrl, extended: false, down: false))
        }
        collector.reset()
        chord(0x2E)  // Ctrl+C
        #expect(collector.all.contains(.clipboard(.offered(.clipboard, [.utf8Text]))))
        #expect(d.typedText == "hello abe", "Ctrl+C types nothing")
        d.clipboard?.clientRequested(.clipboard, format: .utf8Text)
        #expect(collector.all.contains(.clipboard(.data(.clipboard, .utf8Text, Array("hello abe".utf8)))))
        collector.reset()
        chord(0x2F)  // Ctrl+V with nothing offered: no request
        #expect(!collector.all.contains { if case .clipboard = $0 { return true } else { return false } })
        d.clipboard?.clientOffered(.clipboard, formats: [.utf8Text, .png])
        chord(0x2F)
        #expect(collector.all.contains(.clipboard(.requested(.clipboard, .utf8Text))))
        d.clipboard?.clientData(.clipboard, format: .utf8Text, data: Array(" & more\u{7}!".utf8))
        #expect(d.typedText == "hello abe & more!", "pasted text, control characters dropped")
    }

    @Test func resizeRelaysOutAndReports() async throws {
        let d = DemoDesktop(size: Self.size, mode: .static, inputLog: nil)
        let collector = EventCollector()
        let runner = Task { try await d.run(events: collector.callback) }
        defer { runner.cancel() }
        try await waitFor { !collector.all.isEmpty }
        let newSize = Size(width: 1920, height: 1080)
        d.requestResize(to: newSize)
        #expect(collector.all.contains(.resized(newSize)))
        #expect(d.framebuffer.size == newSize)
        let same = d.framebuffer.snapshot().1 == DemoDesktop.stillFramePixels(size: newSize)
        #expect(same)
        d.requestResize(to: Size(width: 0, height: 10))  // refused
        #expect(d.framebuffer.size == newSize)
    }

    @Test func animatedModeReportsSmallDamage() async throws {
        let size = Size(width: 1920, height: 1080)
        let d = DemoDesktop(size: size, mode: .animated, inputLog: nil)
        let clockPanel = d.regions.clock
        let clockBefore = pixels(d.framebuffer, in: clockPanel)
        let collector = EventCollector()
        let runner = Task { try await d.run(events: collector.callback) }
        // Run ~1.2 s; on a loaded machine (tests run in parallel, debug build) allow up to 8 s for
        // the clock to tick and a few frames to arrive.
        try await Task.sleep(for: .milliseconds(1200))
        for _ in 0..<68 {
            if collector.damageEvents.count >= 5 && pixels(d.framebuffer, in: clockPanel) != clockBefore { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        runner.cancel()
        _ = await runner.result

        let damage = collector.damageEvents
        #expect(damage.count >= 5)  // ~25 fps when idle
        for rects in damage {
            // The bound of rolloverFrameDamageIsSmall: a frame on a minute or hour change redraws
            // more clock digits than one on a plain second (CI once crossed a minute here).
            #expect(Rect.totalArea(rects) < size.area / 10)
            for r in rects { #expect(size.bounds.contains(r)) }
        }
        let clockChanged = pixels(d.framebuffer, in: clockPanel) != clockBefore
        #expect(clockChanged)
        #expect(damage.contains { rects in rects.contains { $0.intersects(clockPanel) } })
        // After run ends nothing more is delivered.
        let count = collector.all.count
        d.handle(.key(code: 0x23, extended: false, down: true))
        #expect(collector.all.count == count)
    }

    @Test func trailFadesWhenIdleInAnimatedModeOnly() async throws {
        let animated = DemoDesktop(size: Self.size, mode: .animated, inputLog: nil)
        let still = DemoDesktop(size: Self.size, mode: .static, inputLog: nil)
        for d in [animated, still] {
            for i in 0..<10 { d.handle(.pointerPosition(Point(x: 100 + 10 * i, y: 100), buttons: [])) }
        }
        let trailArea = Rect(x: 80, y: 80, width: 140, height: 40)
        let withTrail = pixels(animated.framebuffer, in: trailArea)
        try await Task.sleep(for: DemoDesktop.trailFadeDelay + .milliseconds(50))
        for phase in 1...10 { animated.tick(phase: phase) }
        let fresh = DemoDesktop(size: Self.size, mode: .static, inputLog: nil)
        let faded = pixels(animated.framebuffer, in: trailArea) == pixels(fresh.framebuffer, in: trailArea)
        let changed = pixels(animated.framebuffer, in: trailArea) != withTrail
        #expect(faded && changed)
        let kept = pixels(still.framebuffer, in: trailArea) == withTrail
        #expect(kept)
    }

    @Test func clockTickDamagesOnlyChangedDigits() {
        var a = DemoScene.initial(size: Self.size)
        a.clockText = "12:34:56"
        var b = a
        b.clockText = "12:34:57"
        let l = a.layout
        let rects = b.damage(since: a)
        #expect(rects.contains(l.clockCell(7)))
        #expect(!rects.contains(l.clockCell(6)))
        #expect(Rect.totalArea(rects) < Self.size.area / 100)
        #expect(DemoScene.seconds("12:34:57") == 57)
    }

    /// The largest frame the animation can report: the hour rolls over (every clock digit and the
    /// seconds row change) while the ball and bars move, after any number of skipped frames.
    @Test func rolloverFrameDamageIsSmall() {
        let size = Size(width: 1920, height: 1080)
        var worst = 0
        for skipped in 1...300 {
            var a = DemoScene.initial(size: size, clockText: "23:59:59")
            a.phase = 1000
            var b = a
            b.clockText = "00:00:00"
            b.phase = a.phase + skipped
            worst = max(worst, Rect.totalArea(b.damage(since: a)))
        }
        #expect(worst > size.area / 20, "an hour rollover redraws six digit cells, the ball twice and the bars")
        #expect(worst < size.area / 10)
    }

    @Test func concurrentInputIsSafe() async {
        let d = DemoDesktop(size: Self.size, mode: .static, inputLog: nil)
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<4 {
                group.addTask {
                    for i in 0..<100 {
                        if t % 2 == 0 {
                            d.handle(.pointerMotion(dx: i % 7 - 3, dy: t - 2, buttons: []))
                        } else {
                            d.handle(.key(code: 0x1E, extended: false, down: i % 2 == 0))
                        }
                    }
                }
            }
        }
        #expect(d.typedText.count == 100)
    }

    @Test func cursorImageIsAnArrow() {
        let c = DemoCursor.arrow
        #expect(c.hotSpot == .zero)
        #expect(c.argb.count == c.size.area)
        #expect(c.size.width >= 11 && c.size.height >= 16)
        #expect(c.argb[0] == 0xFF00_0000)  // opaque black tip
        #expect(c.argb.contains(0xFFFF_FFFF))  // white fill
        #expect(c.argb.contains(0))  // transparent surround
        #expect(c.argb.contains { $0 >> 24 > 0 && $0 >> 24 < 0xFF })  // soft shadow
    }

    @Test func dumpScreenshotsWhenAsked() throws {
        guard let dir = ProcessInfo.processInfo.environment["SAFFRON_DEMO_DUMP"] else { return }
        for size in [Size(width: 1280, height: 800), Size(width: 1920, height: 1080), Size(width: 320, height: 200), Size(width: 3840, height: 2160)] {
            try writePPM(DemoDesktop.stillFrame(size: size), to: "\(dir)/still-\(size).ppm")
        }
        let d = DemoDesktop(size: Self.size, mode: .static, inputLog: nil)
        type("Hello", into: d)
        d.handle(.key(code: 0x1C, extended: false, down: true))
        for _ in 0..<12 { type("hello ", into: d) }
        for i in 0..<30 { d.handle(.pointerPosition(Point(x: 700 + i * 12, y: 500 + i * 5), buttons: [])) }
        d.handle(.button(.left, down: true, buttons: [.left]))
        try writePPM(d.framebuffer, to: "\(dir)/typed-1280x800.ppm")
    }
}

/// Polls `condition` until it holds (up to 5 s).
func waitFor(_ condition: @Sendable () -> Bool) async throws {
    for _ in 0..<500 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("condition not met in time")
}
