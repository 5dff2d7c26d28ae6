/// PC scancode set 1 (what SPICE clients send) to Linux evdev key codes. On an X server with the
/// evdev keycodes (Xorg with libinput/evdev, Xvfb, Xspice: `xkb_keycodes "evdev"`), the X keycode
/// of a key is its evdev code + 8, and the server's keymap turns it into a keysym for its layout.
public enum Set1Keymap {
    /// The evdev code for a set-1 make code (`extended` = 0xE0-prefixed); nil for unknown keys.
    public static func evdevCode(set1 code: UInt8, extended: Bool) -> UInt16? {
        if extended { return extendedCodes[code] }
        // Set 1 and evdev agree for the whole main block, keypad and F1-F10 (Esc = 1 ... KP. = 83).
        if (0x01...0x53).contains(code) { return UInt16(code) }
        return plainCodes[code]
    }

    /// The X keycode on an evdev-keycode X server.
    public static func xKeycode(set1 code: UInt8, extended: Bool) -> UInt8? {
        evdevCode(set1: code, extended: extended).flatMap { $0 + 8 <= 255 ? UInt8($0 + 8) : nil }
    }

    /// Lock keys (for synchronising Caps/Num/Scroll Lock): evdev codes.
    public static let capsLockEvdev: UInt16 = 58
    public static let numLockEvdev: UInt16 = 69
    public static let scrollLockEvdev: UInt16 = 70

    /// Non-extended codes past 0x53.
    static let plainCodes: [UInt8: UInt16] = [
        0x54: 99,   // Alt+SysRq → KEY_SYSRQ
        0x56: 86,   // KEY_102ND (the extra ISO key left of Z)
        0x57: 87,   // F11
        0x58: 88,   // F12
        0x59: 117,  // KEY_KPEQUAL
        0x5D: 183,  // F13
        0x5E: 184,  // F14
        0x5F: 185,  // F15
        0x70: 93,   // KEY_KATAKANAHIRAGANA
        0x73: 89,   // KEY_RO
        0x79: 92,   // KEY_HENKAN
        0x7B: 94,   // KEY_MUHENKAN
        0x7D: 124,  // KEY_YEN
        0x7E: 121,  // KEY_KPCOMMA
    ]

    /// 0xE0-prefixed codes.
    static let extendedCodes: [UInt8: UInt16] = [
        0x10: 165,  // previous song
        0x19: 163,  // next song
        0x1C: 96,   // keypad Enter
        0x1D: 97,   // right Ctrl
        0x20: 113,  // mute
        0x21: 140,  // calculator
        0x22: 164,  // play/pause
        0x24: 166,  // stop
        0x2E: 114,  // volume down
        0x30: 115,  // volume up
        0x32: 172,  // WWW home
        0x35: 98,   // keypad /
        0x37: 99,   // Print Screen (SysRq)
        0x38: 100,  // right Alt (AltGr)
        0x45: 119,  // Pause (as some clients send it)
        0x46: 119,  // Ctrl+Break → Pause
        0x47: 102,  // Home
        0x48: 103,  // Up
        0x49: 104,  // Page Up
        0x4B: 105,  // Left
        0x4D: 106,  // Right
        0x4F: 107,  // End
        0x50: 108,  // Down
        0x51: 109,  // Page Down
        0x52: 110,  // Insert
        0x53: 111,  // Delete
        0x5B: 125,  // left Super
        0x5C: 126,  // right Super
        0x5D: 127,  // Menu (Compose)
        0x5E: 116,  // power
        0x5F: 142,  // sleep
        0x63: 143,  // wake up
    ]
}
