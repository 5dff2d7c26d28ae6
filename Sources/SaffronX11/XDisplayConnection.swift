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

    var screenSize: Size { Size(width: Int(cx11_display_width(display)), height: Int(cx11_display_height(display))) }
    var depth: Int32 { cx11_default_depth(display) }
    var visual: UnsafeMutablePointer<Visual> { cx11_default_visual(display) }
    var fileDescriptor: Int32 { cx11_connection_number(display) }

    func close() { XCloseDisplay(display) }
}

/// Xlib's error handlers are process-wide C callbacks. Protocol errors (a capture racing a
/// resize) are logged and survived; a lost connection calls `connectionLost`, which reports the
/// end of the desktop, then parks the X thread (Xlib would otherwise exit the process).
enum XErrorHooks {
    struct Hooks {
        var onProtocolError: (@Sendable (String) -> Void)?
        var onConnectionLost: (@Sendable () -> Void)?
    }
    static let hooks = Mutex(Hooks())
    private static let installed = Mutex(false)

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
            XErrorHooks.hooks.withLock { $0.onProtocolError }?(message)
            return 0
        }
        XSetIOErrorHandler { _ in
            XErrorHooks.hooks.withLock { $0.onConnectionLost }?()
            // Never return into Xlib (it would exit the process): park this thread for good.
            while true { sleep(3600) }
        }
    }
}
