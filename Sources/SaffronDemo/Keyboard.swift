import SaffronDesktop

/// US-layout translation of PC scancode set 1 make codes, and the demo's text-box model.
enum USKeyboard {
    static let leftShift: UInt8 = 0x2A
    static let rightShift: UInt8 = 0x36
    static let control: UInt8 = 0x1D
    static let alt: UInt8 = 0x38
    static let capsLock: UInt8 = 0x3A
    static let numLock: UInt8 = 0x45
    static let backspace: UInt8 = 0x0E
    static let tab: UInt8 = 0x0F
    static let enter: UInt8 = 0x1C

    /// Unshifted and shifted characters for the main block, indexed by make code.
    private static let plain: [UInt8: (Character, Character)] = {
        var m: [UInt8: (Character, Character)] = [:]
        func row(_ start: UInt8, _ lower: String, _ upper: String) {
            for (i, (l, u)) in zip(lower, upper).enumerated() { m[start + UInt8(i)] = (l, u) }
        }
        row(0x02, "1234567890-=", "!@#$%^&*()_+")
        row(0x10, "qwertyuiop[]", "QWERTYUIOP{}")
        row(0x1E, "asdfghjkl;'`", "ASDFGHJKL:\"~")
        row(0x2B, "\\zxcvbnm,./", "|ZXCVBNM<>?")
        m[0x39] = (" ", " ")
        return m
    }()

    /// Keypad keys when Num Lock is on (not extended).
    private static let keypad: [UInt8: Character] = [
        0x47: "7", 0x48: "8", 0x49: "9", 0x4A: "-", 0x4B: "4", 0x4C: "5", 0x4D: "6", 0x4E: "+",
        0x4F: "1", 0x50: "2", 0x51: "3", 0x52: "0", 0x53: ".", 0x37: "*",
    ]

    /// The character a key press types, or nil for non-printing keys.
    static func character(code: UInt8, extended: Bool, shift: Bool, capsLock: Bool, numLock: Bool) -> Character? {
        if extended {
            return code == 0x35 ? "/" : nil  // keypad divide
        }
        if let (lower, upper) = plain[code] {
            let isLetter = lower.isLetter
            let shifted = isLetter ? (shift != capsLock) : shift
            return shifted ? upper : lower
        }
        if code == 0x37 { return "*" }
        if numLock, let k = keypad[code] { return k }
        return nil
    }
}

/// What the Keyboard window shows: typed text with simple editing, wrapped to a grid.
struct TextBoxModel: Equatable {
    static let maxStored = 8192

    var text: [Character] = []
    var leftShift = false
    var rightShift = false
    var control = false
    var capsLock = false
    var numLock = false

    var shift: Bool { leftShift || rightShift }

    /// Applies a key event; returns true when the text (not just modifier state) changed.
    mutating func apply(code: UInt8, extended: Bool, down: Bool) -> Bool {
        switch (code, extended) {
        case (USKeyboard.leftShift, false): leftShift = down; return false
        case (USKeyboard.rightShift, false): rightShift = down; return false
        case (USKeyboard.control, _): control = down; return false
        case (USKeyboard.capsLock, false):
            if down { capsLock.toggle() }
            return false
        case (USKeyboard.numLock, false):
            if down { numLock.toggle() }
            return false
        default: break
        }
        guard down else { return false }
        switch (code, extended) {
        case (USKeyboard.backspace, false):
            guard !text.isEmpty else { return false }
            text.removeLast()
            return true
        case (USKeyboard.enter, _):
            insert("\n")
            return true
        case (USKeyboard.tab, false):
            insert("    ")
            return true
        default:
            guard !control,
                  let ch = USKeyboard.character(code: code, extended: extended, shift: shift,
                                                capsLock: capsLock, numLock: numLock) else { return false }
            insert(String(ch))
            return true
        }
    }

    mutating func insert(_ s: String) {
        text.append(contentsOf: s)
        if text.count > Self.maxStored { text.removeFirst(text.count - Self.maxStored) }
    }

    var string: String { String(text) }

    /// The visible `rows` x `columns` grid: text wrapped at `columns`, scrolled so the caret's line
    /// is the last visible one when the text is longer than the box. The caret is drawn as `caret`.
    func grid(columns: Int, rows: Int, caret: Character = "_") -> [[Character]] {
        let columns = max(columns, 1), rows = max(rows, 1)
        var lines: [[Character]] = [[]]
        for ch in text {
            if ch == "\n" {
                lines.append([])
                continue
            }
            if lines[lines.count - 1].count >= columns { lines.append([]) }
            lines[lines.count - 1].append(ch)
        }
        if lines[lines.count - 1].count >= columns { lines.append([]) }
        lines[lines.count - 1].append(caret)
        let visible = lines.suffix(rows)
        var out = Array(visible)
        while out.count < rows { out.append([]) }
        return out
    }
}
