import CX11
import SaffronDesktop

/// Injects client input with XTEST: keys by the set-1 → evdev table (X keycode = evdev + 8, the
/// X server's keymap does the rest), lock keys synchronised to the client, absolute or relative
/// pointer motion and buttons 1-9 (4/5 = wheel).
final class XInput {
    private let connection: XDisplayConnection
    private var pressedKeys: Set<UInt8> = []
    private var buttons: MouseButtons = []
    private let keycodeRange: ClosedRange<Int32>
    private(set) var unknownKeys = 0

    init(connection: XDisplayConnection) {
        self.connection = connection
        var minK: Int32 = 8, maxK: Int32 = 255
        XDisplayKeycodes(connection.display, &minK, &maxK)
        keycodeRange = minK...maxK
    }

    func handle(_ event: InputEvent, screen: Size) {
        let d = connection.display
        switch event {
        case .key(let code, let extended, let down):
            guard let kc = Set1Keymap.xKeycode(set1: code, extended: extended), keycodeRange.contains(Int32(kc)) else {
                unknownKeys += 1
                return
            }
            if down { pressedKeys.insert(kc) } else {
                guard pressedKeys.remove(kc) != nil else { return }   // no stray releases
            }
            XTestFakeKeyEvent(d, UInt32(kc), down ? 1 : 0, 0)
        case .lockModifiers(let wanted):
            syncLocks(wanted)
        case .pointerPosition(let p, let held):
            let c = p.clamped(to: screen)
            XTestFakeMotionEvent(d, -1, Int32(c.x), Int32(c.y), 0)
            syncButtons(held)
        case .pointerMotion(let dx, let dy, let held):
            XTestFakeRelativeMotionEvent(d, Int32(dx), Int32(dy), 0)
            syncButtons(held)
        case .button(let button, let down, _):
            let mask = Self.mask(button)
            if down == buttons.contains(mask) && !(button == .wheelUp || button == .wheelDown) { return }
            XTestFakeButtonEvent(d, UInt32(Self.xButton(button)), down ? 1 : 0, 0)
            if down { buttons.insert(mask) } else { buttons.remove(mask) }
        }
    }

    /// Releases every key and button this client input holds (when the last client leaves).
    func releaseAll() {
        for kc in pressedKeys { XTestFakeKeyEvent(connection.display, UInt32(kc), 0, 0) }
        pressedKeys.removeAll()
        syncButtons([])
    }

    /// Presses buttons that the state says are held but are not, and releases the others.
    private func syncButtons(_ held: MouseButtons) {
        for b in [MouseButton.left, .middle, .right, .side, .extra] {
            let m = Self.mask(b)
            if held.contains(m) != buttons.contains(m) {
                XTestFakeButtonEvent(connection.display, UInt32(Self.xButton(b)), held.contains(m) ? 1 : 0, 0)
                if held.contains(m) { buttons.insert(m) } else { buttons.remove(m) }
            }
        }
    }

    /// The X server's lock state now (Caps, Num, Scroll) from the core keyboard's modifiers.
    func lockState() -> LockModifiers {
        var state = XkbStateRec()
        XkbGetState(connection.display, UInt32(XkbUseCoreKbd), &state)
        var m = LockModifiers()
        if state.locked_mods & UInt8(LockMask) != 0 { m.insert(.capsLock) }
        if state.locked_mods & UInt8(numLockMask()) != 0 { m.insert(.numLock) }
        var indicators: UInt32 = 0
        XkbGetIndicatorState(connection.display, UInt32(XkbUseCoreKbd), &indicators)
        if indicators & 0b100 != 0 { m.insert(.scrollLock) }
        return m
    }

    private func syncLocks(_ wanted: LockModifiers) {
        let now = lockState()
        for (flag, evdev) in [(LockModifiers.capsLock, Set1Keymap.capsLockEvdev), (.numLock, Set1Keymap.numLockEvdev),
                              (.scrollLock, Set1Keymap.scrollLockEvdev)] where wanted.contains(flag) != now.contains(flag) {
            let kc = UInt32(evdev + 8)
            XTestFakeKeyEvent(connection.display, kc, 1, 0)
            XTestFakeKeyEvent(connection.display, kc, 0, 0)
        }
    }

    /// The modifier bit Num Lock is bound to (usually Mod2).
    private func numLockMask() -> UInt32 {
        let mask = XkbKeysymToModifiers(connection.display, 0xFF7F /* XK_Num_Lock */)
        return mask != 0 ? mask : UInt32(Mod2Mask)
    }

    static func mask(_ b: MouseButton) -> MouseButtons {
        switch b {
        case .left: .left
        case .middle: .middle
        case .right: .right
        case .wheelUp: .wheelUp
        case .wheelDown: .wheelDown
        case .side: .side
        case .extra: .extra
        }
    }

    static func xButton(_ b: MouseButton) -> Int {
        switch b {
        case .left: 1
        case .middle: 2
        case .right: 3
        case .wheelUp: 4
        case .wheelDown: 5
        case .side: 8
        case .extra: 9
        }
    }
}
