import CX11
import SaffronDesktop

/// The root window's damage: DAMAGE reports "something changed" once (ReportNonEmpty), and
/// `take()` fetches and clears the accumulated region in one round trip.
final class XDamageTracker {
    private let connection: XDisplayConnection
    private let damage: Damage
    private let region: XserverRegion
    /// Set by a DamageNotify event, cleared by `take()`.
    private(set) var pending = true

    init(connection: XDisplayConnection) {
        self.connection = connection
        damage = XDamageCreate(connection.display, connection.root, Int32(XDamageReportNonEmpty))
        region = XFixesCreateRegion(connection.display, nil, 0)
    }

    /// Handles an X event if it is a DamageNotify; returns true if it was.
    func handle(_ event: inout XEvent) -> Bool {
        guard event.type == connection.damageEventBase + XDamageNotify else { return false }
        pending = true
        return true
    }

    /// The damaged rectangles since the last call (raw, unmerged), and resets the damage.
    func take() -> [Rect] {
        pending = false
        let d = connection.display
        XDamageSubtract(d, damage, 0, region)
        var count: Int32 = 0
        guard let rects = XFixesFetchRegion(d, region, &count) else { return [] }
        defer { XFree(rects) }
        return (0..<Int(count)).map { i in
            let r = rects[i]
            return Rect(x: Int(r.x), y: Int(r.y), width: Int(r.width), height: Int(r.height))
        }
    }

    func destroy() {
        XDamageDestroy(connection.display, damage)
        XFixesDestroyRegion(connection.display, region)
    }
}
