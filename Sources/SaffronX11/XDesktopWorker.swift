import CX11
import Glibc
import Logging
import SaffronDesktop
import Synchronization

/// Everything the X thread owns: the connection, damage, capture, cursor and input. Only the X
/// thread calls it after `X11Desktop.init` handed it over (hence @unchecked Sendable).
final class XDesktopWorker: @unchecked Sendable {
    let connection: XDisplayConnection
    let framebuffer: Framebuffer
    let capture: XShmCapture
    let damage: XDamageTracker
    let cursorReader: XCursorReader
    let input: XInput
    let privateX: PrivateXSession?
    /// The time between captures, set by the viewers (see FramePacer).
    let pacer: FramePacer
    let detectMoves: Bool
    let logger: Logger
    private var selections: XSelectionBridge?
    /// What the framebuffer holds, for comparisons (see ShadowScreen).
    private let shadow = ShadowScreen()
    /// Counters for logs and benchmarks.
    private(set) var frames = 0
    private(set) var scrolls = 0
    private(set) var windowMoves = 0
    /// Top-level window positions: a dragged window becomes one move (see `applyWindowMove`).
    private var windows = WindowMoveTracker()

    init(connection: XDisplayConnection, framebuffer: Framebuffer, privateX: PrivateXSession?, pacer: FramePacer, detectMoves: Bool, logger: Logger) {
        self.detectMoves = detectMoves
        self.connection = connection
        self.framebuffer = framebuffer
        self.privateX = privateX
        self.pacer = pacer
        self.logger = logger
        capture = XShmCapture(connection: connection, size: connection.currentScreenSize)
        damage = XDamageTracker(connection: connection)
        cursorReader = XCursorReader(connection: connection)
        input = XInput(connection: connection)
        if let base = connection.randrEventBase {
            _ = base
            XRRSelectInput(connection.display, connection.root, Int32(RRScreenChangeNotifyMask))
        }
        if detectMoves { watchWindows() }
        XFlush(connection.display)
    }

    /// Reads the whole screen into the framebuffer and the shadow (resizing them if needed).
    func captureAll() {
        let size = capture.size
        if framebuffer.size != size { framebuffer.resize(to: size) }
        if shadow.size != size { shadow.reset(to: size) }
        _ = damage.take()
        guard let new = capture.read(size.bounds) else { return }
        _ = edit(recordingMove: false) { p, stride in PixelEdit.copy([size.bounds], of: new, at: .zero, into: p, stride: stride) }
    }

    /// Applies one edit to the framebuffer (under its lock) and to the shadow alike. Nil when
    /// the framebuffer is not the capture's size (a resize is on its way; captureAll follows).
    /// A move and the pixels written after it are one locked step that advances the move
    /// serial: a client copying pixels out can tell whether they include a move it was not
    /// told of yet.
    private func edit(recordingMove: Bool, _ body: (UnsafeMutablePointer<UInt32>, Int) -> Void) -> UInt64? {
        let size = shadow.size
        var done = false
        let serial = framebuffer.update(recordingMove: recordingMove) { fbSize, pixels in
            guard fbSize == size else { return }
            done = true
            pixels.withUnsafeMutableBufferPointer { body($0.baseAddress!, fbSize.width) }
        }
        guard done else { return nil }
        body(shadow.mutableBase, size.width)
        return serial
    }

    func loop(desktop: X11Desktop, wake: WakePipe, events: @escaping @Sendable (DesktopEvent) -> Void) {
        let d = connection.display
        // Set by Xlib's IO error handler, which runs on this thread inside an Xlib call.
        let lost = Mutex(false)
        let logger = self.logger
        XErrorHooks.setHandlers(d, onProtocolError: { logger.debug("\($0)") }, onConnectionLost: { lost.withLock { $0 = true } })
        let selections = XSelectionBridge(connection: connection) { events(.clipboard($0)) }
        self.selections = selections
        // The initial cursor.
        if let image = cursorReader.currentImage() {
            let state = desktop.shared.withLock { $0.cursor.image = image; return $0.cursor }
            events(.cursor(state))
        }
        let clock = ContinuousClock()
        var lastCapture = clock.now - .seconds(1)
        var nextHousekeeping = clock.now
        var fds = [pollfd(fd: connection.fileDescriptor, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wake.readFD, events: Int16(POLLIN), revents: 0)]
        var endReason: String?
        var lastPointer = Point(x: -1, y: -1)
        while endReason == nil {
            XFlush(d)
            // Read each time: a viewer arriving or catching up shortens the wait at once.
            let nextCapture = lastCapture + pacer.interval
            var timeout: Int32 = 50
            // Also picks up events read while waiting for replies earlier (Xlib's queue).
            let queued = XEventsQueued(d, QueuedAlready)
            if queued > 0 {
                timeout = 0
            } else if damage.pending {
                // Rounded up: a wait truncated to 0 ms would spin through the last millisecond
                // before every capture (thousands of empty turns a second while typing).
                timeout = Int32(max(0, min(50, (nextCapture - clock.now).roundedUpMilliseconds)))
            }
            fds[0].revents = 0
            fds[1].revents = 0
            _ = poll(&fds, 2, timeout)
            if fds[0].revents & Int16(POLLHUP | POLLERR) != 0 || lost.withLock({ $0 }) {
                endReason = lostReason(desktop.displayName)
                break
            }
            if fds[1].revents != 0 { wake.drain() }
            let (inputs, resize, layout, stop, clipboard) = desktop.shared.withLock { s -> ([InputEvent], Size?, [Rect]?, Bool, [X11Desktop.ClipboardCommand]) in
                defer { s.inputs.removeAll(keepingCapacity: true); s.resize = nil; s.layout = nil; s.clipboard.removeAll() }
                return (s.inputs, s.resize, s.layout, s.stop, s.clipboard)
            }
            if stop { break }
            for command in clipboard {
                switch command {
                case .offered(let sel, let formats): selections.clientOffered(sel, formats: formats)
                case .released(let sel): selections.clientReleased(sel)
                case .requested(let sel, let format): selections.clientRequested(sel, format: format)
                case .data(let sel, let format, let data): selections.clientData(sel, format: format, data: data)
                }
            }
            let screen = capture.size
            for e in inputs { input.handle(e, screen: screen) }
            if let resize {
                requestScreenSize(resize)
                setMonitors(nil, desktop: desktop, events: events)
            }
            if let layout, let box = Rect.boundingBox(layout) {
                requestScreenSize(box.size)
                setMonitors(layout, desktop: desktop, events: events)
            }
            // XPending reads the socket whenever Xlib's queue is empty (a failed recvmsg), so only
            // when there is something to read or already queued.
            if queued > 0 || fds[0].revents & Int16(POLLIN) != 0 {
                while XPending(d) > 0 {
                    var event = XEvent()
                    XNextEvent(d, &event)
                    dispatch(&event, desktop: desktop, events: events)
                }
            }
            let now = clock.now
            if damage.pending && now >= nextCapture {
                captureDamage(events: events)
                lastCapture = now
            }
            if now >= nextHousekeeping {
                nextHousekeeping = now + .milliseconds(50)
                if let p = pointerPosition(), p != lastPointer {
                    lastPointer = p
                    let state = desktop.shared.withLock { $0.cursor.position = p; return $0.cursor }
                    events(.cursor(state))
                }
                endReason = privateX?.endReason()
            }
            if lost.withLock({ $0 }) { endReason = lostReason(desktop.displayName) }
        }
        if let endReason {
            // The X server is gone: no Xlib call may touch this display again (one made after
            // the socket hung up can block forever inside Xlib), so only local memory is freed.
            connection.markLost()
            capture.release()
            logger.notice("X11 desktop ended: \(endReason)")
            events(.ended(reason: endReason))
        } else {
            logger.info("X11 desktop stopping (\(frames) frames, \(scrolls) scrolls and \(windowMoves) window moves sent as moves)")
            shutDown()
        }
        stopSession()
    }

    /// Lets go of the X server's resources and closes the connection; only local memory is freed
    /// when the server has hung up. On the X thread, or in place of it when the loop never ran.
    func shutDown() {
        if connection.isUsable {
            input.releaseAll()
            damage.destroy()
        }
        capture.release()
        connection.close()
    }

    /// Why the connection broke: the private X server's exit status when it has one (waited
    /// for briefly: the socket closes just before the process is reaped).
    private func lostReason(_ display: String) -> String {
        if let privateX {
            for _ in 0..<20 {
                if let reason = privateX.endReason() { return reason }
                usleep(25_000)
            }
        }
        return "lost the connection to the X server \(display)"
    }

    private func stopSession() {
        guard let privateX else { return }
        logger.info("stopping the session and \(privateX.serverName)")
        privateX.stop()
    }

    /// Follows the root's child windows (SubstructureNotify) and records the ones already there.
    private func watchWindows() {
        let d = connection.display
        XSelectInput(d, connection.root, SubstructureNotifyMask)
        var rootRet: Window = 0, parent: Window = 0
        var children: UnsafeMutablePointer<Window>?
        var count: UInt32 = 0
        guard XQueryTree(d, connection.root, &rootRet, &parent, &children, &count) != 0, let children else { return }
        defer { XFree(children) }
        for i in 0..<Int(count) {
            var a = XWindowAttributes()
            guard XGetWindowAttributes(d, children[i], &a) != 0 else { continue }
            windows.created(UInt(children[i]), Rect(x: Int(a.x), y: Int(a.y), width: Int(a.width + 2 * a.border_width),
                                                    height: Int(a.height + 2 * a.border_width)))
        }
    }

    private func trackWindow(_ event: inout XEvent) -> Bool {
        switch event.type {
        case CreateNotify:
            let e = event.xcreatewindow
            guard e.parent == connection.root else { return true }
            windows.created(UInt(e.window), Rect(x: Int(e.x), y: Int(e.y), width: Int(e.width + 2 * e.border_width),
                                                 height: Int(e.height + 2 * e.border_width)))
        case ConfigureNotify:
            let e = event.xconfigure
            guard e.event == connection.root, e.window != connection.root else { return false }
            windows.configured(UInt(e.window), Rect(x: Int(e.x), y: Int(e.y), width: Int(e.width + 2 * e.border_width),
                                                    height: Int(e.height + 2 * e.border_width)))
        case DestroyNotify:
            windows.destroyed(UInt(event.xdestroywindow.window))
        case MapNotify, UnmapNotify, ReparentNotify, GravityNotify, CirculateNotify:
            break
        default:
            return false
        }
        return true
    }

    private func dispatch(_ event: inout XEvent, desktop: X11Desktop, events: @Sendable (DesktopEvent) -> Void) {
        if damage.handle(&event) { return }
        if selections?.handle(&event) == true { return }
        if trackWindow(&event) { return }
        if cursorReader.isCursorNotify(&event) {
            let serial = withUnsafePointer(to: &event) {
                $0.withMemoryRebound(to: XFixesCursorNotifyEvent.self, capacity: 1) { UInt($0.pointee.cursor_serial) }
            }
            if let image = cursorReader.currentImage(serial: serial) {
                let state = desktop.shared.withLock { $0.cursor.image = image; return $0.cursor }
                events(.cursor(state))
            }
            return
        }
        if let base = connection.randrEventBase, event.type == base + RRScreenChangeNotify {
            XRRUpdateConfiguration(&event)
            let size = connection.currentScreenSize
            guard size != capture.size else { return }
            logger.info("X screen is now \(size)")
            capture.resize(to: size)
            captureAll()
            events(.resized(size))
        }
    }

    private func requestScreenSize(_ size: Size) {
        guard size != capture.size else { return }
        guard connection.randrEventBase != nil else {
            logger.notice("cannot resize \(connection.name) to \(size): no RandR; keeping \(capture.size)")
            return
        }
        switch RandRResizer(connection: connection).resize(to: size) {
        case .resized:
            // The RRScreenChangeNotify that follows resizes the capture and tells the clients.
            logger.info("resized \(connection.name) to \(size)")
        case .unchanged(let why):
            logger.notice("cannot resize \(connection.name) to \(size): \(why); keeping \(capture.size)")
        }
    }

    /// RandR monitors for a layout of several (nil or one: the screen is one monitor again).
    private func setMonitors(_ layout: [Rect]?, desktop: X11Desktop, events: @Sendable (DesktopEvent) -> Void) {
        let several = (layout?.count ?? 0) > 1 ? layout : nil
        let had = desktop.shared.withLock { $0.monitors }
        guard several != nil || had != nil else { return }
        if !RandRMonitors(connection: connection).apply(several ?? []) {
            logger.notice("the X server refused RandR monitors \(several ?? []); one screen of \(capture.size)")
        } else if let several {
            logger.info("RandR monitors: \(several)")
        }
        desktop.shared.withLock { $0.monitors = several }
        events(.layout(several ?? [Rect(origin: .zero, size: connection.currentScreenSize)]))
    }

    private func pointerPosition() -> Point? {
        var rootRet: Window = 0, child: Window = 0
        var rx: Int32 = 0, ry: Int32 = 0, wx: Int32 = 0, wy: Int32 = 0
        var mask: UInt32 = 0
        guard XQueryPointer(connection.display, connection.root, &rootRet, &child, &rx, &ry, &wx, &wy, &mask) != 0 else { return nil }
        return Point(x: Int(rx), y: Int(ry))
    }

    /// Fetches the damage, merges it into few rectangles, reads them through XShm, trims what did
    /// not really change, finds vertical moves (sent as COPY_BITS) and reports the rest as damage.
    func captureDamage(events: @Sendable (DesktopEvent) -> Void) {
        let size = capture.size
        var region = Region(maxRects: 8)
        for r in damage.take() { region.add(r.clamped(to: size)) }
        guard !region.isEmpty else { return }
        var movedTo: Rect?
        if detectMoves, let move = windows.take(), let destination = applyWindowMove(move, size: size, events: events) {
            // Re-read the whole destination: where the moved pixels do not match the screen
            // (covered parts, new drawing) the rectangle loop below sends the difference.
            region.add(destination)
            movedTo = destination
        }
        frames += 1
        var damaged: [Rect] = []
        for rect in region.rects {
            // The new pixels (in the capture segment) against the shadow's, in place: no copy
            // of either; only what changed is written.
            guard shadow.size == size, let new = capture.read(rect) else { continue }
            let w = rect.width, h = rect.height
            let old = shadow.view.offset(x: rect.x, y: rect.y)
            // Not where a window has just been moved: that move is known, and the rest is damage.
            let lookForScroll = detectMoves && h >= 32 && w >= 64 && !(movedTo.map { rect.intersects($0) } ?? false)
            let inPlace = ChangeTrimmer.changedRects(old: old, new: new, width: w, rows: 0..<h)
            // The detector wants at least 8 changed rows; the bands (gaps included) bound them.
            let found = lookForScroll && inPlace.reduce(0, { $0 + $1.height }) >= 8
                ? ScrollDetector.detect(old: old, new: new, width: w, height: h, minRows: 8) : nil
            if let scroll = found {
                let afterMove = ScrollDetector.changes(after: scroll, old: old, new: new, width: w)
                // A move only when it saves pixels (similar lines can trim to less in place).
                if Rect.totalArea(afterMove) < Rect.totalArea(inPlace) {
                    let source = Rect(x: rect.x, y: rect.y + scroll.sourceRows.lowerBound, width: w, height: scroll.sourceRows.count)
                    let destination = Point(x: rect.x, y: source.y + scroll.dy)
                    let serial = edit(recordingMove: true) { p, stride in
                        PixelEdit.move(p, stride: stride, source: source, to: destination)
                        PixelEdit.copy(afterMove, of: new, at: rect.origin, into: p, stride: stride)
                    }
                    guard let serial else { continue }
                    scrolls += 1
                    logger.trace("move in \(rect): dy \(scroll.dy), then \(afterMove) instead of \(inPlace)")
                    events(.moved(source: source, destination: destination, serial: serial))
                    damaged += afterMove.map { $0.offsetBy(dx: rect.x, dy: rect.y) }
                    continue
                }
            }
            guard !inPlace.isEmpty,
                  edit(recordingMove: false, { p, stride in PixelEdit.copy(inPlace, of: new, at: rect.origin, into: p, stride: stride) }) != nil
            else { continue }
            damaged += inPlace.map { $0.offsetBy(dx: rect.x, dy: rect.y) }
        }
        logger.trace("capture \(frames): X damage \(region.rects), sent \(damaged)")
        if !damaged.isEmpty { events(.damage(damaged)) }
    }
}

extension XDesktopWorker {
    /// A window moved from `move.from` to `move.to`: if the screen at the new place shows the
    /// framebuffer's pixels from the old place (at least half of the sampled rows), moves them in the
    /// framebuffer, reports `.moved` and returns the destination (which the caller re-reads).
    func applyWindowMove(_ move: WindowMoveTracker.Move, size: Size, events: @Sendable (DesktopEvent) -> Void) -> Rect? {
        let dx = move.to.x - move.from.x, dy = move.to.y - move.from.y
        // The part of the old rectangle that is on screen before and after the move.
        let src = move.from.intersection(size.bounds).intersection(size.bounds.offsetBy(dx: -dx, dy: -dy))
        guard src.width >= 64, src.height >= 32 else { return nil }
        let dst = src.offsetBy(dx: dx, dy: dy)
        guard shadow.size == size, let new = capture.read(dst) else { return nil }
        let w = src.width
        let old = shadow.view.offset(x: src.x, y: src.y)
        // Up to 64 rows spread over the window decide: the destination is read again and
        // compared in full afterwards, so a wrong guess costs bytes, never pixels (checking
        // every row was a fifth of the X thread's time during a drag).
        let step = max(1, src.height / 64)
        var matching = 0, checked = 0
        for row in Swift.stride(from: 0, to: src.height, by: step) {
            checked += 1
            if ScrollDetector.sameRGB(old.row(row), new.row(row), count: w) { matching += 1 }
        }
        guard matching * 2 >= checked else { return nil }
        let serial = edit(recordingMove: true) { p, stride in PixelEdit.move(p, stride: stride, source: src, to: dst.origin) }
        guard let serial else { return nil }
        windowMoves += 1
        logger.trace("window move \(src) -> (\(dst.x), \(dst.y)), \(matching) of \(checked) sampled rows matched")
        events(.moved(source: src, destination: Point(x: dst.x, y: dst.y), serial: serial))
        return dst
    }
}

extension Duration {
    /// Whole milliseconds, rounded up (negative durations round towards zero).
    var roundedUpMilliseconds: Int64 {
        let (s, atto) = components
        let ms = atto / 1_000_000_000_000_000
        return s * 1000 + ms + (atto > ms * 1_000_000_000_000_000 ? 1 : 0)
    }
}
