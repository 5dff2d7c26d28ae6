import CX11
import Glibc

/// Loads the evdev keycodes with a US layout into the X server, as `setxkbmap -rules evdev
/// -model pc105 -layout us` does. A private Xorg without input devices starts with the "base"
/// rules (xfree86 keycodes: Left is 100, not evdev's 113), and XTest input maps SPICE's
/// scancodes to evdev keycodes; Xvfb and desktop X servers already use evdev.
enum XkbEvdevKeymap {
    static func load(into connection: XDisplayConnection) -> Bool {
        let components = ["evdev+aliases(qwerty)", "complete", "complete", "pc+us+inet(evdev)", "pc(pc105)"]
        let cStrings = components.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var names = XkbComponentNamesRec(keymap: nil, keycodes: cStrings[0], types: cStrings[1], compat: cStrings[2],
                                         symbols: cStrings[3], geometry: cStrings[4])
        let want = UInt32(XkbGBN_AllComponentsMask)
        let need = UInt32(XkbGBN_AllComponentsMask) & ~UInt32(XkbGBN_GeometryMask)
        guard let desc = XkbGetKeyboardByName(connection.display, UInt32(XkbUseCoreKbd), &names, want, need, 1) else { return false }
        XkbFreeKeyboard(desc, UInt32(XkbAllComponentsMask), 1)
        XSync(connection.display, 0)
        return true
    }
}
