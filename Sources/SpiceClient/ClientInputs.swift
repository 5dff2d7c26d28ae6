import NIOCore
import SpiceProtocol

/// Input state kept on the inputs channel's event loop: buttons held, motion acks, modifiers.
struct ClientInputsState: Sendable {
    var buttons: InputsChannel.MouseButtonMask = []
    /// MOUSE_MOTION sent and not yet acknowledged (one MOTION_ACK per 4).
    var unackedMotions = 0
    var pendingDX: Int32 = 0
    var pendingDY: Int32 = 0
    var serverModifiers: InputsChannel.KeyModifierFlags = []
    var supportedMouseModes: MainChannel.MouseModes = []
    var mouseMode: MainChannel.MouseModes = .server
}

/// US-layout text to set-1 scancodes (what `typeText` sends).
public enum USKeyboard {
    public static let leftShift: UInt8 = 0x2A
    public static let escape: UInt8 = 0x01
    public static let enter: UInt8 = 0x1C

    /// The make code and whether Shift is needed, for printable ASCII, tab and newline.
    public static func scancode(for c: Character) -> (code: UInt8, shift: Bool)? {
        if let v = plain[c] { return (v, false) }
        if let v = shifted[c] { return (v, true) }
        if c.isUppercase, let lower = c.lowercased().first, let v = plain[lower], lower.isLetter { return (v, true) }
        return nil
    }

    private static let plain: [Character: UInt8] = {
        var m: [Character: UInt8] = ["\n": 0x1C, "\r": 0x1C, "\t": 0x0F, " ": 0x39, "-": 0x0C, "=": 0x0D, "[": 0x1A, "]": 0x1B,
                                     ";": 0x27, "'": 0x28, "`": 0x29, "\\": 0x2B, ",": 0x33, ".": 0x34, "/": 0x35, "0": 0x0B]
        for (i, d) in "123456789".enumerated() { m[d] = UInt8(0x02 + i) }
        for (row, base) in [("qwertyuiop", 0x10), ("asdfghjkl", 0x1E), ("zxcvbnm", 0x2C)] {
            for (i, ch) in row.enumerated() { m[ch] = UInt8(base + i) }
        }
        return m
    }()

    private static let shifted: [Character: UInt8] = {
        var m: [Character: UInt8] = ["_": 0x0C, "+": 0x0D, "{": 0x1A, "}": 0x1B, ":": 0x27, "\"": 0x28, "~": 0x29, "|": 0x2B,
                                     "<": 0x33, ">": 0x34, "?": 0x35, ")": 0x0B]
        for (i, ch) in "!@#$%^&*(".enumerated() { m[ch] = UInt8(0x02 + i) }
        return m
    }()
}

public enum ClientInputError: Error, Equatable, CustomStringConvertible {
    case notTypeable(Character)
    public var description: String {
        switch self {
        case .notTypeable(let c): return "'\(c)' has no key on a US keyboard"
        }
    }
}

extension SpiceClientSession {
    static let inputsChannel = ChannelID(type: .inputs, id: 0)
    /// spice-gtk's SPICE_INPUT_MOTION_ACK_BUNCH: the server acks every 4 motions; spice-gtk
    /// keeps at most two bunches unacknowledged and folds further motion into the next message.
    static let motionAckBunch = 4

    /// Presses a key: a set-1 make code (`extended`: the 0xE0 prefix, e.g. arrows, right Ctrl).
    public func keyDown(_ scancode: UInt8, extended: Bool = false) {
        let code = Scancodes.keyCode(for: .init(makeCode: scancode, extended: extended, down: true))
        send(InputsChannel.KeyDown(code: code), on: Self.inputsChannel)
    }

    /// Releases a key (the break code is the make code | 0x80, 0xE0 kept).
    public func keyUp(_ scancode: UInt8, extended: Bool = false) {
        let code = Scancodes.keyCode(for: .init(makeCode: scancode, extended: extended, down: false))
        send(InputsChannel.KeyUp(code: code), on: Self.inputsChannel)
    }

    /// Press and release.
    public func tapKey(_ scancode: UInt8, extended: Bool = false) {
        keyDown(scancode, extended: extended)
        keyUp(scancode, extended: extended)
    }

    /// Types text as a US keyboard would (Shift around shifted characters). Throws before
    /// sending anything when a character has no key.
    public func typeText(_ text: String) throws {
        var keys: [(UInt8, Bool)] = []
        for c in text {
            guard let k = USKeyboard.scancode(for: c) else { throw ClientInputError.notTypeable(c) }
            keys.append(k)
        }
        for (code, shift) in keys {
            if shift { keyDown(USKeyboard.leftShift) }
            tapKey(code)
            if shift { keyUp(USKeyboard.leftShift) }
        }
    }

    /// Raw scancode bytes in one KEY_SCANCODE message (servers with the KEY_SCANCODE capability).
    public func sendScancodes(_ bytes: [UInt8]) {
        send(InputsChannel.KeyScancode(codes: bytes), on: Self.inputsChannel)
    }

    /// Tells the server the client's lock state (Scroll/Num/Caps), as spice-gtk does on focus.
    public func syncLocks(_ locks: InputsChannel.KeyModifierFlags) {
        send(InputsChannel.ClientKeyModifiers(modifiers: locks), on: Self.inputsChannel)
    }

    /// The guest's lock state as the server last reported it (INPUTS_INIT / KEY_MODIFIERS).
    public var serverLocks: InputsChannel.KeyModifierFlags { inputs.withLock { $0.serverModifiers } }

    /// The mouse mode in force (MAIN_INIT / MOUSE_MODE) and the ones the server supports.
    public var mouseMode: (current: MainChannel.MouseModes, supported: MainChannel.MouseModes) {
        inputs.withLock { ($0.mouseMode, $0.supportedMouseModes) }
    }

    /// Asks the server for a mouse mode (MOUSE_MODE_REQUEST; MOUSE_MODE tells the outcome).
    public func requestMouseMode(_ mode: MainChannel.MouseModes) {
        send(MainChannel.MouseModeRequest(mode: mode), on: ChannelID(type: .main, id: 0))
    }

    /// Client mouse mode: the pointer is at (x, y) of `display` (MOUSE_POSITION with the buttons held).
    public func moveTo(x: Int, y: Int, display: UInt8 = 0) {
        onChannel(Self.inputsChannel) { handler, session in
            let buttons = session.inputs.withLock { $0.buttons }
            handler.send(InputsChannel.MousePosition(x: UInt32(clamping: max(0, x)), y: UInt32(clamping: max(0, y)),
                                                     buttons: buttons, displayID: display))
        }
    }

    /// Server mouse mode: relative motion (MOUSE_MOTION). At most two ack bunches stay
    /// unacknowledged; motion beyond that is summed into the message sent on the next ack.
    public func moveBy(dx: Int, dy: Int) {
        onChannel(Self.inputsChannel) { handler, session in
            let message: InputsChannel.MouseMotion? = session.inputs.withLock { s in
                s.pendingDX = s.pendingDX &+ Int32(clamping: dx)
                s.pendingDY = s.pendingDY &+ Int32(clamping: dy)
                return Self.takeMotion(&s)
            }
            if let message { handler.send(message) }
        }
    }

    static func takeMotion(_ s: inout ClientInputsState) -> InputsChannel.MouseMotion? {
        guard s.unackedMotions < 2 * motionAckBunch, s.pendingDX != 0 || s.pendingDY != 0 else { return nil }
        s.unackedMotions += 1
        defer { s.pendingDX = 0; s.pendingDY = 0 }
        return InputsChannel.MouseMotion(dx: s.pendingDX, dy: s.pendingDY, buttons: s.buttons)
    }

    /// Motion sent and not yet acknowledged.
    public var unackedMotions: Int { inputs.withLock { $0.unackedMotions } }

    public func press(_ button: InputsChannel.MouseButton) {
        onChannel(Self.inputsChannel) { handler, session in
            let state = session.inputs.withLock { s in
                if let m = Self.mask(of: button) { s.buttons.insert(m) }
                return s.buttons
            }
            handler.send(InputsChannel.MousePress(button: button, buttons: state))
        }
    }

    public func release(_ button: InputsChannel.MouseButton) {
        onChannel(Self.inputsChannel) { handler, session in
            let state = session.inputs.withLock { s in
                if let m = Self.mask(of: button) { s.buttons.remove(m) }
                return s.buttons
            }
            handler.send(InputsChannel.MouseRelease(button: button, buttons: state))
        }
    }

    public func click(_ button: InputsChannel.MouseButton = .left) {
        press(button)
        release(button)
    }

    /// One wheel step: buttons 4 (up) / 5 (down) pressed and released.
    public func wheel(up: Bool, steps: Int = 1) {
        for _ in 0..<max(0, steps) { click(up ? .up : .down) }
    }

    static func mask(of button: InputsChannel.MouseButton) -> InputsChannel.MouseButtonMask? {
        guard (1...7).contains(button.rawValue) else { return nil }
        return InputsChannel.MouseButtonMask(rawValue: 1 << UInt16(button.rawValue - 1))
    }

    /// An inputs-channel message from the server.
    func receivedInputs(_ frame: MessageFrame, on handler: ClientChannelHandler) throws {
        switch try InputsChannel.ServerMessage.decode(type: frame.type, body: frame.body, limits: configuration.limits) {
        case .`init`(let m):
            inputs.withLock { $0.serverModifiers = m.modifiers }
            emit(.keyModifiers(m.modifiers.rawValue))
        case .keyModifiers(let m):
            inputs.withLock { $0.serverModifiers = m.modifiers }
            emit(.keyModifiers(m.modifiers.rawValue))
        case .mouseMotionAck:
            let next = inputs.withLock { s -> InputsChannel.MouseMotion? in
                s.unackedMotions = max(0, s.unackedMotions - Self.motionAckBunch)
                return Self.takeMotion(&s)
            }
            if let next { handler.send(next) }
        case .base:
            break
        }
    }
}
