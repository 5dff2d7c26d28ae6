/// USB HID keyboard usages (page 0x07) to the PC set-1 scancodes SPICE's inputs channel carries.
///
/// HID usages are the platform-neutral key identity: SDL's scancodes are exactly these numbers,
/// and macOS/Windows key codes map onto them, so a viewer on any platform converts once to a HID
/// usage and lets this table do the rest. Pause (E1 1D 45) has no make/break pair and is sent
/// as raw scancodes; see `pauseSequence`.
public enum HIDKeymap {
    /// A set-1 make code, with the 0xE0 prefix or without.
    public struct Key: Hashable, Sendable {
        public var makeCode: UInt8
        public var extended: Bool
        public init(_ makeCode: UInt8, extended: Bool = false) {
            self.makeCode = makeCode
            self.extended = extended
        }
    }

    /// The HID usage of the Pause key (and SDL_SCANCODE_PAUSE).
    public static let pauseUsage = 0x48
    /// Pause's press as set-1 bytes; it has no release of its own (the sequence carries both).
    public static let pauseSequence: [UInt8] = [0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5]

    /// The set-1 key for a HID usage (nil: no PC key, e.g. Pause or usages beyond the table).
    public static func key(forUsage usage: Int) -> Key? {
        guard usage >= 0, usage < table.count else { return extra[usage] }
        let v = table[usage]
        guard v != 0 else { return nil }
        return Key(UInt8(v & 0x7F), extended: v & 0x100 != 0)
    }

    /// Usages 0x00...0xE7; 0x100 marks the E0 prefix, 0 no key.
    private static let table: [UInt16] = {
        var t = [UInt16](repeating: 0, count: 0xE8)
        // a...z (0x04...0x1D)
        let letters: [UInt16] = [0x1E, 0x30, 0x2E, 0x20, 0x12, 0x21, 0x22, 0x23, 0x17, 0x24, 0x25, 0x26, 0x32,
                                 0x31, 0x18, 0x19, 0x10, 0x13, 0x1F, 0x14, 0x16, 0x2F, 0x11, 0x2D, 0x15, 0x2C]
        for (i, v) in letters.enumerated() { t[0x04 + i] = v }
        for i in 0..<10 { t[0x1E + i] = UInt16(0x02 + i) }  // 1...9, 0 (0x1E...0x27 → 02...0B)
        let punctuation: [(Int, UInt16)] = [
            (0x28, 0x1C), (0x29, 0x01), (0x2A, 0x0E), (0x2B, 0x0F), (0x2C, 0x39), (0x2D, 0x0C), (0x2E, 0x0D),
            (0x2F, 0x1A), (0x30, 0x1B), (0x31, 0x2B), (0x32, 0x2B), (0x33, 0x27), (0x34, 0x28), (0x35, 0x29),
            (0x36, 0x33), (0x37, 0x34), (0x38, 0x35), (0x39, 0x3A),
        ]
        for (u, v) in punctuation { t[u] = v }
        for i in 0..<10 { t[0x3A + i] = UInt16(0x3B + i) }  // F1...F10
        t[0x44] = 0x57  // F11
        t[0x45] = 0x58  // F12
        let navigation: [(Int, UInt16)] = [
            (0x46, 0x137), (0x47, 0x46),  // Print Screen (E0 37), Scroll Lock
            (0x49, 0x152), (0x4A, 0x147), (0x4B, 0x149), (0x4C, 0x153), (0x4D, 0x14F), (0x4E, 0x151),
            (0x4F, 0x14D), (0x50, 0x14B), (0x51, 0x150), (0x52, 0x148),  // Right, Left, Down, Up
        ]
        for (u, v) in navigation { t[u] = v }
        let keypad: [(Int, UInt16)] = [
            (0x53, 0x45), (0x54, 0x135), (0x55, 0x37), (0x56, 0x4A), (0x57, 0x4E), (0x58, 0x11C),
            (0x59, 0x4F), (0x5A, 0x50), (0x5B, 0x51), (0x5C, 0x4B), (0x5D, 0x4C), (0x5E, 0x4D),
            (0x5F, 0x47), (0x60, 0x48), (0x61, 0x49), (0x62, 0x52), (0x63, 0x53), (0x67, 0x59), (0x85, 0x7E),
        ]
        for (u, v) in keypad { t[u] = v }
        // Non-US \|, Menu, Power; F13...F24; media keys; international keys.
        let others: [(Int, UInt16)] = [
            (0x64, 0x56), (0x65, 0x15D), (0x66, 0x15E),
            (0x68, 0x64), (0x69, 0x65), (0x6A, 0x66), (0x6B, 0x67), (0x6C, 0x68), (0x6D, 0x69),
            (0x6E, 0x6A), (0x6F, 0x6B), (0x70, 0x6C), (0x71, 0x6D), (0x72, 0x6E), (0x73, 0x76),
            (0x7F, 0x120), (0x80, 0x130), (0x81, 0x12E),  // Mute, Volume Up, Volume Down
            (0x87, 0x73), (0x88, 0x70), (0x89, 0x7D), (0x8A, 0x79), (0x8B, 0x7B),  // Ro, Kana, Yen, Henkan, Muhenkan
        ]
        for (u, v) in others { t[u] = v }
        let modifiers: [UInt16] = [0x1D, 0x2A, 0x38, 0x15B, 0x11D, 0x36, 0x138, 0x15C]  // LCtrl LShift LAlt LGui RCtrl RShift RAlt RGui
        for (i, v) in modifiers.enumerated() { t[0xE0 + i] = v }
        return t
    }()

    /// SDL's scancodes past the HID keyboard page (consumer keys), as SDL numbers them.
    private static let extra: [Int: Key] = [
        258: Key(0x19, extended: true),  // next track
        259: Key(0x10, extended: true),  // previous track
        260: Key(0x24, extended: true),  // stop
        261: Key(0x22, extended: true),  // play/pause
        262: Key(0x20, extended: true),  // mute
    ]
}
