import NIOCore

/// Inputs channel (type 3) messages, spice.proto `channel InputsChannel`.
///
/// KEY_MODIFIERS exists in both directions with different ids: the client one is `ClientKeyModifiers`.
public enum InputsChannel {
    /// `SPICE_KEYBOARD_MODIFIER_FLAGS_*`.
    public struct KeyModifierFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        public static let scrollLock = KeyModifierFlags(rawValue: 1)
        public static let numLock = KeyModifierFlags(rawValue: 2)
        public static let capsLock = KeyModifierFlags(rawValue: 4)
    }

    /// `SpiceMouseButton` (u8 button id in MOUSE_PRESS / MOUSE_RELEASE).
    public struct MouseButton: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let invalid = MouseButton(rawValue: 0)
        public static let left = MouseButton(rawValue: 1)
        public static let middle = MouseButton(rawValue: 2)
        public static let right = MouseButton(rawValue: 3)
        public static let up = MouseButton(rawValue: 4)
        public static let down = MouseButton(rawValue: 5)
        public static let side = MouseButton(rawValue: 6)
        public static let extra = MouseButton(rawValue: 7)
    }

    /// `SPICE_MOUSE_BUTTON_MASK_*` (u16 button state).
    public struct MouseButtonMask: OptionSet, Hashable, Sendable {
        public var rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        public static let left = MouseButtonMask(rawValue: 1 << 0)
        public static let middle = MouseButtonMask(rawValue: 1 << 1)
        public static let right = MouseButtonMask(rawValue: 1 << 2)
        public static let up = MouseButtonMask(rawValue: 1 << 3)
        public static let down = MouseButtonMask(rawValue: 1 << 4)
        public static let side = MouseButtonMask(rawValue: 1 << 5)
        public static let extra = MouseButtonMask(rawValue: 1 << 6)
    }

    // MARK: server → client

    /// `SPICE_MSG_INPUTS_INIT`: `keyboard_modifiers u16`.
    public struct Init: Hashable, Sendable {
        public static let messageType: UInt16 = 101
        public var modifiers: KeyModifierFlags
        public init(modifiers: KeyModifierFlags) { self.modifiers = modifiers }
    }
    /// `SPICE_MSG_INPUTS_KEY_MODIFIERS`: `modifiers u16`.
    public struct KeyModifiers: Hashable, Sendable {
        public static let messageType: UInt16 = 102
        public var modifiers: KeyModifierFlags
        public init(modifiers: KeyModifierFlags) { self.modifiers = modifiers }
    }
    /// `SPICE_MSG_INPUTS_MOUSE_MOTION_ACK`: empty (one per `SPICE_INPUT_MOTION_ACK_BUNCH` = 4 motions).
    public struct MouseMotionAck: Hashable, Sendable {
        public static let messageType: UInt16 = 111
        public init() {}
    }

    // MARK: client → server

    /// `SPICE_MSGC_INPUTS_KEY_DOWN`: `code u32` (PC AT scancode bytes, LSB first).
    public struct KeyDown: Hashable, Sendable {
        public static let messageType: UInt16 = 101
        public var code: UInt32
        public init(code: UInt32) { self.code = code }
    }
    /// `SPICE_MSGC_INPUTS_KEY_UP`: `code u32` (release code: `sc | 0x80`, `E0` prefix kept).
    public struct KeyUp: Hashable, Sendable {
        public static let messageType: UInt16 = 102
        public var code: UInt32
        public init(code: UInt32) { self.code = code }
    }
    /// `SPICE_MSGC_INPUTS_KEY_MODIFIERS`: `modifiers u16`.
    public struct ClientKeyModifiers: Hashable, Sendable {
        public static let messageType: UInt16 = 103
        public var modifiers: KeyModifierFlags
        public init(modifiers: KeyModifierFlags) { self.modifiers = modifiers }
    }
    /// `SPICE_MSGC_INPUTS_KEY_SCANCODE`: raw scancode bytes (rest of the message).
    public struct KeyScancode: Hashable, Sendable {
        public static let messageType: UInt16 = 104
        public var codes: [UInt8]
        public init(codes: [UInt8]) { self.codes = codes }
    }
    /// `SPICE_MSGC_INPUTS_MOUSE_MOTION`: `dx i32`, `dy i32`, `buttons_state u16` (server mouse mode).
    public struct MouseMotion: Hashable, Sendable {
        public static let messageType: UInt16 = 111
        public var dx: Int32
        public var dy: Int32
        public var buttons: MouseButtonMask
        public init(dx: Int32, dy: Int32, buttons: MouseButtonMask) {
            self.dx = dx
            self.dy = dy
            self.buttons = buttons
        }
    }
    /// `SPICE_MSGC_INPUTS_MOUSE_POSITION`: `x u32`, `y u32`, `buttons_state u16`, `display_id u8`.
    public struct MousePosition: Hashable, Sendable {
        public static let messageType: UInt16 = 112
        public var x: UInt32
        public var y: UInt32
        public var buttons: MouseButtonMask
        public var displayID: UInt8
        public init(x: UInt32, y: UInt32, buttons: MouseButtonMask, displayID: UInt8) {
            self.x = x
            self.y = y
            self.buttons = buttons
            self.displayID = displayID
        }
    }
    /// `SPICE_MSGC_INPUTS_MOUSE_PRESS`: `button u8`, `buttons_state u16`.
    public struct MousePress: Hashable, Sendable {
        public static let messageType: UInt16 = 113
        public var button: MouseButton
        public var buttons: MouseButtonMask
        public init(button: MouseButton, buttons: MouseButtonMask) {
            self.button = button
            self.buttons = buttons
        }
    }
    /// `SPICE_MSGC_INPUTS_MOUSE_RELEASE`: `button u8`, `buttons_state u16`.
    public struct MouseRelease: Hashable, Sendable {
        public static let messageType: UInt16 = 114
        public var button: MouseButton
        public var buttons: MouseButtonMask
        public init(button: MouseButton, buttons: MouseButtonMask) {
            self.button = button
            self.buttons = buttons
        }
    }

    public enum ServerMessage: Hashable, Sendable {
        case base(BaseChannel.ServerMessage)
        case `init`(Init)
        case keyModifiers(KeyModifiers)
        case mouseMotionAck(MouseMotionAck)
    }

    public enum ClientMessage: Hashable, Sendable {
        case base(BaseChannel.ClientMessage)
        case keyDown(KeyDown)
        case keyUp(KeyUp)
        case keyModifiers(ClientKeyModifiers)
        case keyScancode(KeyScancode)
        case mouseMotion(MouseMotion)
        case mousePosition(MousePosition)
        case mousePress(MousePress)
        case mouseRelease(MouseRelease)
    }
}
