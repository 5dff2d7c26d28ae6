import SaffronX11
import Testing

@Suite("Set-1 to X keycodes")
struct Set1KeymapTests {
    @Test("main block, keypad and F-keys map to evdev + 8")
    func plainKeys() {
        // Esc, 1, Backspace, Tab, Q, Enter, left Ctrl, A, left Shift, Z, Space, Caps, F1, F10, Num Lock, KP 7, KP ., F11, F12.
        let cases: [(UInt8, UInt8)] = [(0x01, 9), (0x02, 10), (0x0E, 22), (0x0F, 23), (0x10, 24), (0x1C, 36), (0x1D, 37),
                                       (0x1E, 38), (0x2A, 50), (0x2C, 52), (0x39, 65), (0x3A, 66), (0x3B, 67), (0x44, 76),
                                       (0x45, 77), (0x47, 79), (0x53, 91), (0x57, 95), (0x58, 96), (0x56, 94)]
        for (code, x) in cases {
            #expect(Set1Keymap.xKeycode(set1: code, extended: false) == x, "set-1 \(code)")
        }
    }

    @Test("E0-prefixed keys: arrows, editing block, keypad, right modifiers, Super, Menu")
    func extendedKeys() {
        let cases: [(UInt8, UInt8)] = [(0x48, 111), (0x50, 116), (0x4B, 113), (0x4D, 114), (0x47, 110), (0x4F, 115),
                                       (0x49, 112), (0x51, 117), (0x52, 118), (0x53, 119), (0x1C, 104), (0x35, 106),
                                       (0x1D, 105), (0x38, 108), (0x5B, 133), (0x5C, 134), (0x5D, 135), (0x37, 107)]
        for (code, x) in cases {
            #expect(Set1Keymap.xKeycode(set1: code, extended: true) == x, "set-1 E0 \(code)")
        }
    }

    @Test("unknown codes are refused")
    func unknown() {
        #expect(Set1Keymap.xKeycode(set1: 0x00, extended: false) == nil)
        #expect(Set1Keymap.xKeycode(set1: 0x7F, extended: false) == nil)
        #expect(Set1Keymap.xKeycode(set1: 0x02, extended: true) == nil)
    }
}
