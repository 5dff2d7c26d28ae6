import SaffronViewer
import SpiceClient
import Testing

@Suite struct ViewerLayoutTests {
    @Test func sameSizeIsOneToOne() {
        let l = ViewerLayout(windowWidth: 1024, windowHeight: 768, remoteWidth: 1024, remoteHeight: 768)
        #expect(l.destination == (0, 0, 1024, 768))
        #expect(l.remotePoint(windowX: 1000, windowY: 3)! == (1000, 3))
        #expect(l.windowPoint(remoteX: 17, remoteY: 700) == (17, 700))
        #expect(l.scaleMillis == 1000)
    }

    @Test func widerWindowLetterboxesLeftAndRight() {
        // 1920x1080 window, 1024x768 desktop: height limits, scale 1.40625.
        let l = ViewerLayout(windowWidth: 1920, windowHeight: 1080, remoteWidth: 1024, remoteHeight: 768)
        #expect(l.destination == (240, 0, 1440, 1080))
        #expect(l.remotePoint(windowX: 240, windowY: 0)! == (0, 0))
        #expect(l.remotePoint(windowX: 1679, windowY: 1079)! == (1023, 767))
        #expect(l.remotePoint(windowX: 0, windowY: 500)! == (0, 355))  // left bar clamps to the edge
        #expect(l.remotePoint(windowX: 960, windowY: 540)! == (512, 384))
    }

    @Test func tallerWindowLetterboxesTopAndBottom() {
        let l = ViewerLayout(windowWidth: 800, windowHeight: 800, remoteWidth: 1600, remoteHeight: 900)
        #expect(l.destination == (0, 175, 800, 450))
        #expect(l.remotePoint(windowX: 400, windowY: 400)! == (800, 450))
        #expect(l.scaleMillis == 500)
    }

    @Test func noDesktopNoPoint() {
        let l = ViewerLayout(windowWidth: 800, windowHeight: 600, remoteWidth: 0, remoteHeight: 0)
        #expect(l.remotePoint(windowX: 1, windowY: 1) == nil)
    }
}

@Suite struct ResizePolicyTests {
    let t0 = ContinuousClock.now

    @Test func waitsForTheSizeToSettleThenAsksOnce() {
        var p = ResizePolicy(settle: .milliseconds(300), answerTimeout: .seconds(3))
        p.windowResized(width: 1200, height: 700, at: t0)
        p.windowResized(width: 1280, height: 720, at: t0 + .milliseconds(100))
        let r1 = p.due(remoteWidth: 1024, remoteHeight: 768, at: t0 + .milliseconds(300))
        #expect(r1 == nil)  // 200 ms after the last change
        let r2 = p.due(remoteWidth: 1024, remoteHeight: 768, at: t0 + .milliseconds(400))
        #expect(r2! == (1280, 720))
        // Asked: not again while the guest answers...
        let r3 = p.due(remoteWidth: 1024, remoteHeight: 768, at: t0 + .milliseconds(500))
        #expect(r3 == nil)
        // ...and done when the new surface has that size.
        p.remoteResized(width: 1280, height: 720)
        #expect(p.pendingSize == nil)
        let r4 = p.due(remoteWidth: 1280, remoteHeight: 720, at: t0 + .seconds(10))
        #expect(r4 == nil)
    }

    @Test func repeatsAfterTheAnswerTimeout() {
        var p = ResizePolicy(settle: .milliseconds(300), answerTimeout: .seconds(3))
        p.windowResized(width: 1280, height: 720, at: t0)
        let r5 = p.due(remoteWidth: 1024, remoteHeight: 768, at: t0 + .seconds(1))
        #expect(r5! == (1280, 720))
        let r6 = p.due(remoteWidth: 1024, remoteHeight: 768, at: t0 + .seconds(3))
        #expect(r6 == nil)
        let r7 = p.due(remoteWidth: 1024, remoteHeight: 768, at: t0 + .seconds(4))
        #expect(r7! == (1280, 720))
    }

    @Test func windowAlreadyTheGuestsSizeAsksNothing() {
        var p = ResizePolicy()
        p.windowResized(width: 1024, height: 768, at: t0)
        let r8 = p.due(remoteWidth: 1024, remoteHeight: 768, at: t0 + .seconds(1))
        #expect(r8 == nil)
        p.windowResized(width: 10, height: 10, at: t0)  // minimised
        let r9 = p.due(remoteWidth: 1024, remoteHeight: 768, at: t0 + .seconds(1))
        #expect(r9 == nil)
    }
}

@Suite struct ReconnectPolicyTests {
    @Test func backsOffAndResetsOnSuccess() {
        var p = ReconnectPolicy()
        let lost = ReconnectPolicy.Ending.lost("x")
        let r10 = p.next(after: lost)
        #expect(r10 == .milliseconds(500))
        let r11 = p.next(after: lost)
        #expect(r11 == .seconds(1))
        let r12 = p.next(after: lost)
        #expect(r12 == .seconds(2))
        let r13 = p.next(after: lost)
        #expect(r13 == .seconds(4))
        let r14 = p.next(after: lost)
        #expect(r14 == .seconds(8))
        let r15 = p.next(after: lost)
        #expect(r15 == .seconds(8))
        p.connected()
        let r16 = p.next(after: lost)
        #expect(r16 == .milliseconds(500))
    }

    @Test func stopsWhenRetryingCannotHelp() {
        var p = ReconnectPolicy()
        let r17 = p.next(after: .authRefused("bad ticket"))
        #expect(r17 == nil)
        let r18 = p.next(after: .refused("TLS"))
        #expect(r18 == nil)
        let r19 = p.next(after: .userClosed)
        #expect(r19 == nil)
    }
}

@Suite struct ClipboardSyncTests {
    @Test func guestTextIsNotEchoedBack() {
        var c = ClipboardSync()
        let r20 = c.guestText(selection: 0, text: "from guest")
        #expect(r20)
        let r21 = c.localChanged(selection: 0, text: "from guest")
        #expect(!r21)  // our own SDL_SetClipboardText
        let r22 = c.localChanged(selection: 0, text: "typed locally")
        #expect(r22)
        let r23 = c.localChanged(selection: 0, text: "typed locally")
        #expect(!r23)  // focus gained again, same text
        let r24 = c.localChanged(selection: 1, text: "typed locally")
        #expect(r24)  // PRIMARY is its own selection
    }

    @Test func sameLocalTextIsOfferedAgainAfterTheGuestCopied() {
        var c = ClipboardSync()
        let r25 = c.localChanged(selection: 0, text: "a")
        #expect(r25)
        _ = c.guestText(selection: 0, text: "b")
        let r26 = c.localChanged(selection: 0, text: "a")
        #expect(r26)
        let r27 = c.localChanged(selection: 0, text: "")
        #expect(!r27)
    }
}

@Suite struct StatusBarTests {
    @Test func drawsTextAndCutsWhatDoesNotFit() {
        let bar = StatusBar.render("Connecting", width: 400)
        #expect(bar.width == 400 && bar.height == StatusBar.height)
        let lit = bar.pixels.filter { $0 == 0xFFFF_FFFF }.count
        #expect(lit > 100)
        let narrow = StatusBar.render(String(repeating: "W", count: 200), width: 100)
        let full = StatusBar.render(String(repeating: "W", count: 200), width: 4000)
        #expect(narrow.pixels.count == 100 * StatusBar.height)
        #expect(full.pixels.filter { $0 == 0xFFFF_FFFF }.count > 20 * narrow.pixels.filter { $0 == 0xFFFF_FFFF }.count)
    }
}

@Suite struct HIDKeymapTests {
    @Test func lettersDigitsAndPunctuation() {
        #expect(HIDKeymap.key(forUsage: 0x04) == .init(0x1E))  // a
        #expect(HIDKeymap.key(forUsage: 0x1D) == .init(0x2C))  // z
        #expect(HIDKeymap.key(forUsage: 0x1E) == .init(0x02))  // 1
        #expect(HIDKeymap.key(forUsage: 0x27) == .init(0x0B))  // 0
        #expect(HIDKeymap.key(forUsage: 0x28) == .init(0x1C))  // Enter
        #expect(HIDKeymap.key(forUsage: 0x35) == .init(0x29))  // `
        #expect(HIDKeymap.key(forUsage: 0x64) == .init(0x56))  // ISO \|
    }

    @Test func extendedKeysCarryE0() {
        #expect(HIDKeymap.key(forUsage: 0x52) == .init(0x48, extended: true))  // Up
        #expect(HIDKeymap.key(forUsage: 0x4C) == .init(0x53, extended: true))  // Delete
        #expect(HIDKeymap.key(forUsage: 0x58) == .init(0x1C, extended: true))  // keypad Enter
        #expect(HIDKeymap.key(forUsage: 0x54) == .init(0x35, extended: true))  // keypad /
        #expect(HIDKeymap.key(forUsage: 0xE4) == .init(0x1D, extended: true))  // right Ctrl
        #expect(HIDKeymap.key(forUsage: 0xE6) == .init(0x38, extended: true))  // AltGr
        #expect(HIDKeymap.key(forUsage: 0xE3) == .init(0x5B, extended: true))  // left Super
        #expect(HIDKeymap.key(forUsage: 0x46) == .init(0x37, extended: true))  // Print Screen
    }

    @Test func functionKeysAndKeypad() {
        #expect(HIDKeymap.key(forUsage: 0x3A) == .init(0x3B))  // F1
        #expect(HIDKeymap.key(forUsage: 0x43) == .init(0x44))  // F10
        #expect(HIDKeymap.key(forUsage: 0x44) == .init(0x57))  // F11
        #expect(HIDKeymap.key(forUsage: 0x45) == .init(0x58))  // F12
        #expect(HIDKeymap.key(forUsage: 0x62) == .init(0x52))  // keypad 0
        #expect(HIDKeymap.key(forUsage: 0x53) == .init(0x45))  // Num Lock
        #expect(HIDKeymap.key(forUsage: 0x39) == .init(0x3A))  // Caps Lock
    }

    @Test func noKeyForPauseOrUnknown() {
        #expect(HIDKeymap.key(forUsage: HIDKeymap.pauseUsage) == nil)
        #expect(HIDKeymap.key(forUsage: 0) == nil)
        #expect(HIDKeymap.key(forUsage: 0xA5) == nil)
        #expect(HIDKeymap.key(forUsage: 100_000) == nil)
        #expect(HIDKeymap.key(forUsage: -1) == nil)
    }

    /// Every key the US typing table knows is reachable from its HID usage with the same code.
    @Test func agreesWithTheUSTypingTable() {
        let hidLetters = Array("abcdefghijklmnopqrstuvwxyz")
        for (i, ch) in hidLetters.enumerated() {
            #expect(HIDKeymap.key(forUsage: 0x04 + i)?.makeCode == USKeyboard.scancode(for: ch)?.code)
        }
    }
}
