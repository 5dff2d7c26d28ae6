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

    init(name: String) throws {
        XErrorHooks.install()
        guard let d = XOpenDisplay(name) else { throw X11Error("cannot open X display \(name)") }
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
    /// False once the connection is lost or closed: skip every Xlib call on it.
    var isUsable: Bool { state == .open }

    func markLost() {
        if state == .open { state = .lost }
    }

    /// Flushes and closes the connection (the X server frees what this client made).
    func close() {
        guard state == .open else { return }
        state = .closed
        XSync(display, 0)
        XCloseDisplay(display)
    }
}

/// Xlib's error handlers are process-wide C callbacks. Protocol errors (a capture racing a
/// resize) are counted, logged and survived; a lost connection calls `onConnectionLost`, and the
/// display's IO-error exit handler (set per display) returns instead of exiting the process.
enum XErrorHooks {
    struct Hooks {
        var onProtocolError: (@Sendable (String) -> Void)?
        var onConnectionLost: (@Sendable () -> Void)?
    }
    static let hooks = Mutex(Hooks())
    private static let installed = Mutex(false)
    private static let errors = Atomic<Int>(0)
    /// How many X protocol errors arrived so far (compare before and after a request + XSync).
    static var errorCount: Int { errors.load(ordering: .relaxed) }

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
            XErrorHooks.errors.add(1, ordering: .relaxed)
            let message = "X error \(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)) (request \(event.pointee.request_code).\(event.pointee.minor_code))"
            XErrorHooks.hooks.withLock { $0.onProtocolError }?(message)
            return 0
        }
        XSetIOErrorHandler { _ in
            XErrorHooks.hooks.withLock { $0.onConnectionLost }?()
            return 0
        }
    }
}
