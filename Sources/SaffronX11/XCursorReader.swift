import CX11
import SaffronDesktop

/// Pointer shapes from XFIXES: a CursorNotify says the shape changed (with the X server's serial
/// for it); shapes are fetched once per serial and cached.
final class XCursorReader {
    private let connection: XDisplayConnection
    private var cache: [UInt: CursorImage] = [:]
    private var lastSerial: UInt?

    init(connection: XDisplayConnection) {
        self.connection = connection
        XFixesSelectCursorInput(connection.display, connection.root, UInt(XFixesDisplayCursorNotifyMask))
    }

    /// True for XFixes CursorNotify events (the shape must be re-read).
    func isCursorNotify(_ event: inout XEvent) -> Bool {
        event.type == connection.fixesEventBase + XFixesCursorNotify
    }

    /// The current shape (from the cache when the serial is known). Nil if X has none.
    func currentImage(serial known: UInt? = nil) -> CursorImage? {
        if let known, let hit = cache[known] { return hit }
        guard let ci = XFixesGetCursorImage(connection.display) else { return nil }
        defer { XFree(ci) }
        let c = ci.pointee
        let serial = UInt(c.cursor_serial)
        if let hit = cache[serial] { return hit }
        let w = Int(c.width), h = Int(c.height)
        // XFixes gives premultiplied ARGB, one per `unsigned long` (64 bits on LP64).
        var argb = [UInt32](repeating: 0, count: w * h)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in 0..<(w * h) {
            let v = UInt32(truncatingIfNeeded: c.pixels[i])
            argb[i] = Self.unpremultiply(v)
            hash = (hash ^ UInt64(argb[i])) &* 0x0000_0100_0000_01B3
        }
        hash = (hash ^ UInt64(w << 16 | h)) &* 0x0000_0100_0000_01B3
        hash = (hash ^ UInt64(Int(c.xhot) << 16 | Int(c.yhot))) &* 0x0000_0100_0000_01B3
        let image = CursorImage(size: Size(width: w, height: h), hotSpot: Point(x: Int(c.xhot), y: Int(c.yhot)),
                                argb: argb, serial: hash)
        if cache.count > 256 { cache.removeAll() }
        cache[serial] = image
        lastSerial = serial
        return image
    }

    static func unpremultiply(_ v: UInt32) -> UInt32 {
        let a = v >> 24
        guard a != 0 && a != 255 else { return a == 0 ? 0 : v }
        func ch(_ shift: UInt32) -> UInt32 { min(255, (((v >> shift) & 0xFF) * 255 + a / 2) / a) }
        return a << 24 | ch(16) << 16 | ch(8) << 8 | ch(0)
    }
}
