import SaffronDesktop

/// What one client's display channel still has to send, without I/O.
///
/// Damage is merged into a bounded `Region` (never queued), moves become COPY_BITS in order, and
/// pixels are read only when an item is actually sent, so a client that falls behind skips the
/// frames it missed instead of receiving them late. Memory per client is bounded by `maxCopies`
/// and the region's rectangle limit, whatever the client does.
struct DisplayPipe {
    enum Item: Equatable {
        case surfaceCreate(Size)
        case surfaceDestroy
        /// The whole surface in one message: clients (spicy-screenshot) take the first draw after
        /// SURFACE_CREATE as the picture.
        case fullDraw(Rect)
        /// The monitors (heads) of the surface.
        case monitorsConfig([Rect])
        case mark
        case copyBits(source: Rect, destination: Point)
        case draw(Rect)
    }

    private(set) var surface: Size?
    private var control: [Item] = []
    private var copies: [(source: Rect, destination: Point)] = []
    private(set) var damage: Region
    let maxCopies: Int
    /// The newest framebuffer move serial the client's picture accounts for: pixels read with a
    /// higher serial include a move whose COPY_BITS has not been queued yet, so sending them now
    /// would have the client move them twice.
    private(set) var appliedMoveSerial: UInt64 = 0

    init(maxRects: Int = 24, maxCopies: Int = 16) {
        damage = Region(maxRects: maxRects)
        self.maxCopies = maxCopies
    }

    var isIdle: Bool { control.isEmpty && copies.isEmpty && damage.isEmpty }
    var hasStarted: Bool { surface != nil }

    /// The heads to announce for a surface: `monitors` when they lie inside it, else the whole.
    static func heads(_ monitors: [Rect], surface size: Size) -> [Rect] {
        let whole = Rect(origin: .zero, size: size)
        let inside = monitors.filter { !$0.isEmpty && whole.contains($0) }
        return inside.isEmpty ? [whole] : inside
    }

    /// First surface after DISPLAY_INIT.
    mutating func start(size: Size, monitors: [Rect] = []) {
        surface = size
        control = [.surfaceCreate(size), .fullDraw(Rect(origin: .zero, size: size)),
                   .monitorsConfig(Self.heads(monitors, surface: size)), .mark]
        copies.removeAll()
        damage.removeAll()
    }

    /// The desktop changed size: the old surface goes, a new one comes with everything on it.
    mutating func resized(to size: Size, monitors: [Rect] = []) {
        guard surface != nil else { return }
        surface = size
        control = [.surfaceDestroy, .surfaceCreate(size), .fullDraw(Rect(origin: .zero, size: size)),
                   .monitorsConfig(Self.heads(monitors, surface: size)), .mark]
        copies.removeAll()
        damage.removeAll()
    }

    /// The same surface, divided into other monitors.
    mutating func layoutChanged(_ monitors: [Rect]) {
        guard let surface else { return }
        control.removeAll { if case .monitorsConfig = $0 { return true } else { return false } }
        control.append(.monitorsConfig(Self.heads(monitors, surface: surface)))
    }

    mutating func addDamage(_ rects: [Rect]) {
        guard let surface else { return }
        let bounds = Rect(origin: .zero, size: surface)
        for r in rects { damage.add(r.intersection(bounds)) }
    }

    /// Pixels of `source` moved to `destination`. Sent as COPY_BITS ahead of pending damage; the
    /// client's copy of damaged source pixels is stale, so that part is re-sent at its new place.
    mutating func addMove(source: Rect, destination: Point, serial: UInt64 = 0) {
        guard let surface else { return }
        if serial != 0 {
            // Already in pixels a full draw sent: nothing to move.
            guard serial > appliedMoveSerial else { return }
            appliedMoveSerial = serial
        }
        let bounds = Rect(origin: .zero, size: surface)
        let src = source.intersection(bounds)
        let dx = destination.x - source.x, dy = destination.y - source.y
        let dst = src.offsetBy(dx: dx, dy: dy).intersection(bounds)
        guard !dst.isEmpty else { return }
        let clippedSrc = dst.offsetBy(dx: -dx, dy: -dy)
        let staleInSource = damage.intersection(clippedSrc)
        damage.subtract(dst)
        for r in staleInSource { damage.add(r.offsetBy(dx: dx, dy: dy).intersection(dst)) }
        if copies.count >= maxCopies {
            // The client is far behind: stop tracking moves, send the pixels instead.
            for c in copies { damage.add(c.source.offsetBy(dx: c.destination.x - c.source.x, dy: c.destination.y - c.source.y)) }
            copies.removeAll()
            damage.add(dst)
            return
        }
        copies.append((clippedSrc, dst.origin))
    }

    /// The pixels of a full draw were read at `serial`: moves up to it are in them.
    mutating func fullDrawRead(atMoveSerial serial: UInt64) {
        appliedMoveSerial = max(appliedMoveSerial, serial)
    }

    /// Whether pixels read at `serial` can go out now; if not, `rect` goes back into the damage
    /// and waits for the move event (which then translates it correctly).
    mutating func acceptRead(_ rect: Rect, atMoveSerial serial: UInt64) -> Bool {
        guard serial > appliedMoveSerial else { return true }
        damage.add(rect)
        return false
    }

    /// The next thing to send; draws are at most `maxPixels` (the full draw is never split).
    mutating func next(maxPixels: Int) -> Item? {
        if !control.isEmpty {
            let item = control.removeFirst()
            if case .fullDraw = item {
                // Pixels are read at send time: everything damaged so far is in this draw.
                damage.removeAll()
                copies.removeAll()
            }
            return item
        }
        if !copies.isEmpty {
            let c = copies.removeFirst()
            return .copyBits(source: c.source, destination: c.destination)
        }
        return damage.popRect(maxPixels: maxPixels).map { .draw($0) }
    }
}
