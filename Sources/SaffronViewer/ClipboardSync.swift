/// Keeps the local clipboard and the guest's in step without echoes: text that came from the
/// guest and was put into a local selection is not offered back when the local side reports the
/// change, and an unchanged local selection is not offered twice.
public struct ClipboardSync: Sendable {
    /// Per selection (0 CLIPBOARD, 1 PRIMARY): the last text taken from the guest.
    private var fromGuest: [UInt8: String] = [:]
    /// Per selection: the last local text offered to the guest.
    private var offered: [UInt8: String] = [:]

    public init() {}

    /// The local selection holds `text` now; returns true when it should be offered to the guest.
    public mutating func localChanged(selection: UInt8, text: String) -> Bool {
        guard !text.isEmpty else { return false }
        if fromGuest[selection] == text || offered[selection] == text { return false }
        offered[selection] = text
        return true
    }

    /// The guest's selection content arrived; returns true when it should be put into the local one.
    public mutating func guestText(selection: UInt8, text: String) -> Bool {
        fromGuest[selection] = text
        offered[selection] = nil  // the guest owns it now: the same local text later is a new copy
        return true
    }

    /// A new connection: the guest's clipboard is someone else's now.
    public mutating func reset() {
        fromGuest = [:]
        offered = [:]
    }
}
