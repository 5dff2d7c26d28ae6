import CX11
import Glibc
import SaffronDesktop
import Synchronization

/// Errors opening or using an X display.
public struct X11Error: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One connection to an X server with the extensions Saffron needs (MIT-SHM optional; DAMAGE,
/// XFIXES, XTEST required; RANDR optional). Xlib is not thread-safe without XInitThreads, so an
/// instance is used by one thread at a time: created on the caller's thread, then handed to the
/// desktop's X thread, which is its only user from then on.
final class XDisplayConnection: @unchecked Sendable {
    let display: OpaquePointer
    let root: Window
    let name: String
    let damageEventBase: Int32
    let fixesEventBase: Int32
    let randrEventBase: Int32?
    let hasShm: Bool

    /// Opens `name` with the cookie in `authorityFile` (a private X server's), or XAUTHORITY from
    /// the environment when nil.
    init(name: String, authorityFile: String? = nil) throws {
        XErrorHooks.install()
        guard let d = Self.open(name, authorityFile: authorityFile) else { throw X11Error("cannot open X display \(name)") }
        // When the connection breaks, return to the caller instead of exiting the process: Xlib
        // then marks the display dead and every later call on it returns at once.
        XSetIOErrorExitHandler(d, { _, _ in }, nil)
        display = d
        self.name = name
        root = cx11_default_root(d)
        var ev: Int32 = 0, err: Int32 = 0, major: Int32 = 0, minor: Int32 = 0
        guard XDamageQueryExtension(d, &ev, &err) != 0 else { XCloseDisplay(d); throw X11Error("X display \(name) has no DAMAGE extension") }
        damageEventBase = ev
        guard XFixesQueryExtension(d, &ev, &err) != 0 else { XCloseDisplay(d); throw X11Error("X display \(name) has no XFIXES extension") }
        fixesEventBase = ev
        var fixesMajor: Int32 = 4, fixesMinor: Int32 = 0
        XFixesQueryVersion(d, &fixesMajor, &fixesMinor)
        guard XTestQueryExtension(d, &ev, &err, &major, &minor) != 0 else { XCloseDisplay(d); throw X11Error("X display \(name) has no XTEST extension") }
        randrEventBase = XRRQueryExtension(d, &ev, &err) != 0 ? ev : nil
        hasShm = XShmQueryExtension(d) != 0 && XShmPixmapFormat(d) >= 0
        // Keep XTest input independent of other clients' grabs.
        XTestGrabControl(d, 1)
        XErrorHooks.register(d)
    }

    /// Serialises opens: XOpenDisplay reads XAUTHORITY from the process environment, so a private
    /// server's file is set there for that one call and the previous value put back, and
    /// desktops created at the same time cannot take each other's cookie.
    private static let openLock = Mutex(())

    private static func open(_ name: String, authorityFile: String?) -> OpaquePointer? {
        openLock.withLock { _ -> OpaquePointer? in
            guard let authorityFile else { return XOpenDisplay(name) }
            let previous = getenv("XAUTHORITY").map { String(cString: $0) }
            setenv("XAUTHORITY", authorityFile, 1)
            defer { if let previous { setenv("XAUTHORITY", previous, 1) } else { unsetenv("XAUTHORITY") } }
            return XOpenDisplay(name)
        }
    }

    /// The screen size Xlib last heard of (updated by XRRUpdateConfiguration on RandR events).
    var screenSize: Size { Size(width: Int(cx11_display_width(display)), height: Int(cx11_display_height(display))) }

    /// The screen size asked of the server (a round trip).
    var currentScreenSize: Size {
        var rootRet: Window = 0
        var x: Int32 = 0, y: Int32 = 0
        var w: UInt32 = 0, h: UInt32 = 0, border: UInt32 = 0, depth: UInt32 = 0
        guard XGetGeometry(display, root, &rootRet, &x, &y, &w, &h, &border, &depth) != 0 else { return screenSize }
        return Size(width: Int(w), height: Int(h))
    }
    var depth: Int32 { cx11_default_depth(display) }
    var visual: UnsafeMutablePointer<Visual> { cx11_default_visual(display) }
    var fileDescriptor: Int32 { cx11_connection_number(display) }

    /// Open; lost (the server went away: Xlib must not be called again, so the display is left
    /// as it is, a small leak once per dead X server); or closed.
    private enum State { case open, lost, closed }
    private var state = State.open
    /// False once the connection is lost or closed: skip every Xlib call on it. An X server that
    /// has hung up (seen on the socket, not through Xlib) marks the connection lost here, so a
    /// teardown that nobody told about the death does not call into Xlib either.
    var isUsable: Bool {
        if state == .open && serverHungUp() { markLost() }
        return state == .open
    }

    /// The X server closed its end of the socket: poll, then a one-byte peek for end of file
    /// (pending events make the socket readable too). Never blocks, never calls Xlib.
    private func serverHungUp() -> Bool {
        var p = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) > 0 else { return false }
        if p.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return true }
        var byte: UInt8 = 0
        return recv(fileDescriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0
    }

    func markLost() {
        guard state == .open else { return }
        state = .lost
        XErrorHooks.unregister(display)
    }

    /// Flushes and closes the connection (the X server frees what this client made).
    func close() {
        guard isUsable else { return }
        state = .closed
        XSync(display, 0)
        // Before XCloseDisplay: the next XOpenDisplay may get the same pointer.
        XErrorHooks.unregister(display)
        XCloseDisplay(display)
    }

    deinit {
        if state == .open { XErrorHooks.unregister(display) }
    }
}

/// Xlib's error handlers are process-wide C callbacks; they pass on to the hooks of the display
/// the error came from (one process serves several X desktops: one X server dying must not end
/// another's desktop). Protocol errors (a capture racing a resize) are counted per display, logged
/// and survived; a lost connection calls that display's `onConnectionLost`, and the display's
/// IO-error exit handler (set per display) returns instead of exiting the process.
enum XErrorHooks {
    struct Hooks {
        var onProtocolError: (@Sendable (String) -> Void)?
        var onConnectionLost: (@Sendable () -> Void)?
        var errors = 0
    }
    /// Keyed by the Display pointer, from XOpenDisplay until the connection is closed or lost.
    private static let displays = Mutex([Int: Hooks]())
    private static let installed = Mutex(false)

    private static func key(_ display: OpaquePointer?) -> Int { Int(bitPattern: display) }

    static func register(_ display: OpaquePointer) { displays.withLock { $0[key(display)] = Hooks() } }
    static func unregister(_ display: OpaquePointer) { _ = displays.withLock { $0.removeValue(forKey: key(display)) } }

    static func setHandlers(_ display: OpaquePointer, onProtocolError: @escaping @Sendable (String) -> Void,
                            onConnectionLost: @escaping @Sendable () -> Void) {
        displays.withLock {
            $0[key(display), default: Hooks()].onProtocolError = onProtocolError
            $0[key(display)]?.onConnectionLost = onConnectionLost
        }
    }

    /// How many X protocol errors `display` got so far (compare before and after a request + XSync).
    static func errorCount(_ display: OpaquePointer) -> Int { displays.withLock { $0[key(display)]?.errors ?? 0 } }

    static func install() {
        let first = installed.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        XSetErrorHandler { display, event in
            guard let event else { return 0 }
            var text = [CChar](repeating: 0, count: 256)
            XGetErrorText(display, Int32(event.pointee.error_code), &text, 256)
            let message = "X error \(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)) (request \(event.pointee.request_code).\(event.pointee.minor_code))"
            let hook = XErrorHooks.displays.withLock { all -> (@Sendable (String) -> Void)? in
                let key = XErrorHooks.key(display)
                all[key]?.errors += 1
                return all[key]?.onProtocolError
            }
            hook?(message)
            return 0
        }
        XSetIOErrorHandler { display in
            XErrorHooks.displays.withLock { $0[XErrorHooks.key(display)]?.onConnectionLost }?()
            return 0
        }
    }
}
