/// Turns the PC AT (set 1) scancodes SPICE carries in KEY_DOWN / KEY_UP / KEY_SCANCODE into
/// individual key events, as the spice server does before handing them to the guest keyboard.
public enum Scancodes {
    /// One key transition: the make code (without the release bit), whether it had the `E0`
    /// prefix, and whether the key went down.
    public struct Event: Hashable, Sendable {
        public var makeCode: UInt8
        public var extended: Bool
        public var down: Bool
        public init(makeCode: UInt8, extended: Bool, down: Bool) {
            self.makeCode = makeCode
            self.extended = extended
            self.down = down
        }
    }

    /// The bytes of a KEY_DOWN / KEY_UP `code`: least significant byte first, up to the first 0 byte.
    public static func bytes(ofKeyCode code: UInt32) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = code
        while rest != 0 {
            let byte = UInt8(truncatingIfNeeded: rest)
            if byte == 0 { break }
            bytes.append(byte)
            rest >>= 8
        }
        return bytes
    }

    /// Events of a KEY_DOWN / KEY_UP `code` (the release bit in the code decides up or down).
    public static func events(fromKeyCode code: UInt32) -> [Event] {
        events(fromScancodes: bytes(ofKeyCode: code))
    }

    /// Events of a scancode byte sequence (KEY_SCANCODE): `E0` marks the next byte as extended,
    /// bit 0x80 marks a release. `E1` prefixes (Pause) are skipped and a dangling `E0` is dropped.
    public static func events<S: Sequence>(fromScancodes bytes: S) -> [Event] where S.Element == UInt8 {
        var events: [Event] = []
        var extended = false
        for byte in bytes {
            switch byte {
            case 0xE0:
                extended = true
            case 0xE1, 0x00:
                extended = false
            default:
                events.append(Event(makeCode: byte & 0x7F, extended: extended, down: byte & 0x80 == 0))
                extended = false
            }
        }
        return events
    }

    /// The KEY_DOWN / KEY_UP `code` for one event (inverse of `events(fromKeyCode:)`).
    public static func keyCode(for event: Event) -> UInt32 {
        let byte = UInt32(event.makeCode & 0x7F) | (event.down ? 0 : 0x80)
        return event.extended ? 0xE0 | (byte << 8) : byte
    }
}
