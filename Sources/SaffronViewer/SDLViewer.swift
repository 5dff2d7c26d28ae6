import CSDL2
#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import SpiceClient
import SpiceProtocol

/// How `saffron view` behaves.
public struct ViewerOptions: Sendable {
    /// The window title (default: the .vv title or "Saffron - HOST:PORT").
    public var title: String?
    public var fullscreen = false
    /// Ask the guest (through its agent) for the window's size whenever the window changes size.
    public var resizeGuest = true
    /// At most this many presents a second (the display's refresh rate is the useful maximum).
    public var maxFramesPerSecond = 60
    /// How the desktop reaches the screen.
    public var renderer: Renderer = .surface

    public enum Renderer: String, Sendable, CaseIterable {
        /// The window's own surface (XShm on X11): damaged rectangles only, as spice-gtk and
        /// vncviewer draw. Scaling is nearest-neighbour on the CPU.
        case surface
        /// An SDL renderer on the GPU (OpenGL, Vulkan, Metal...): smooth scaling; every present
        /// draws the whole window (costly on machines without a GPU, where GL is llvmpipe).
        case gpu
    }
    public init() {}
}

public struct ViewerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The `saffron view` window: SDL2 video, the desktop through a `ViewerPresenter` updated from
/// the damaged rectangles, the remote cursor, keyboard/mouse/wheel, clipboard text both ways,
/// guest resize to the window, fullscreen, a status line and reconnection.
/// Runs on the thread that calls `run` (the main thread: SDL wants its video there).
public final class SDLViewer {
    /// remote-viewer's default hotkeys.
    static let fullscreenUsage = 0x44  // Shift+F11
    static let releaseUsage = 0x45  // Shift+F12

    private let configuration: SpiceClientConfiguration
    private let options: ViewerOptions
    private let logger: Logger
    private var window: OpaquePointer?
    private var presenter: (any ViewerPresenter)?
    /// The primary surface's size as last shown.
    private var desktopSize = (width: 0, height: 0)
    private var statusText: String?
    /// The local pointer in the guest's shape (client mouse mode).
    private var sdlCursor: OpaquePointer?
    private var cursorShape: ClientCursorShape?
    private var cursorPosition = (x: 0, y: 0)
    private var cursorVisible = true
    private var pressed: Set<HIDKeymap.Key> = []
    private var grabbed = false
    private var sizedToGuest = false
    private var resize = ResizePolicy()
    private var clipboard = ClipboardSync()
    private var needsRender = true
    /// The presenter repaints everything (new size, exposure, status line gone).
    private var needsFull = true
    private var pendingDamage: ViewerMailbox.Damage?
    private var session: SpiceClientSession?
    private var baseTitle: String
    private var gaveUp = false

    public init(configuration: SpiceClientConfiguration, options: ViewerOptions, title: String?, logger: Logger) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
        baseTitle = options.title ?? title ?? "Saffron - \(configuration.host):\(configuration.mainPort)"
    }

    /// Opens the window and runs until it is closed. Returns true when the viewer ended because
    /// the server refused us for good (authentication, TLS), false when the user closed it.
    public func run() throws -> Bool {
        SDL_SetMainReady()
        guard SDL_Init(UInt32(SDL_INIT_VIDEO)) == 0 else {
            throw ViewerError("cannot open a window: \(Self.sdlError) (is DISPLAY or WAYLAND_DISPLAY set?)")
        }
        defer { SDL_Quit() }
        _ = SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear")
        // The window surface would otherwise be backed by an OpenGL "framebuffer acceleration"
        // renderer on X11 (llvmpipe on machines without a GPU, and a whole-window present for
        // every rectangle): XShm instead, unless the environment says otherwise.
        let softwareDriver = getenv("SDL_RENDER_DRIVER").map { String(cString: $0) == "software" } ?? false
        let useRenderer = options.renderer == .gpu && !softwareDriver
        if !useRenderer, getenv("SDL_FRAMEBUFFER_ACCELERATION") == nil {
            _ = SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0")
        }
        _ = SDL_SetHint(SDL_HINT_MOUSE_FOCUS_CLICKTHROUGH, "1")
        _ = SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0")
        let wakeType = SDL_RegisterEvents(1)
        guard wakeType != UInt32.max else { throw ViewerError("SDL has no user events left") }

        var flags = SDL_WINDOW_RESIZABLE.rawValue
        if options.fullscreen { flags |= SDL_WINDOW_FULLSCREEN_DESKTOP.rawValue }
        let centered = Int32(saffron_sdl_windowpos_centered())
        guard let window = SDL_CreateWindow(baseTitle, centered, centered, 1024, 768, flags) else {
            throw ViewerError("cannot create the window: \(Self.sdlError)")
        }
        self.window = window
        defer { SDL_DestroyWindow(window) }
        // No GPU asked for (or none there): the window's own surface, pushing damaged rectangles
        // only. Otherwise an SDL renderer (OpenGL, Vulkan...) with a streaming texture.
        if useRenderer, let renderer = SDL_CreateRenderer(window, -1, 0) {
            let gpu = RendererPresenter(renderer: renderer)
            presenter = gpu
            logger.info("window open", metadata: ["renderer": "\(gpu.name)"])
        } else {
            guard SDL_GetWindowSurface(window) != nil else { throw ViewerError("cannot draw into the window: \(Self.sdlError)") }
            presenter = SurfacePresenter(window: window)
            logger.info("window open", metadata: ["renderer": "window surface (damage only)"])
        }
        defer {
            presenter = nil  // its textures and renderer go before the window
            if let sdlCursor { SDL_FreeCursor(sdlCursor) }
        }

        let mailbox = ViewerMailbox(wake: {
            var e = SDL_Event()
            e.type = wakeType
            _ = SDL_PushEvent(&e)
        })
        let connection = ViewerConnection(configuration: configuration, mailbox: mailbox,
                                          group: MultiThreadedEventLoopGroup.singleton, logger: logger)
        let task = Task.detached { await connection.run() }
        defer {
            connection.stop()
            task.cancel()
        }

        var event = SDL_Event()
        var running = true
        // Presents are paced (`maxFramesPerSecond`): frames arriving faster only update the
        // texture's pending damage, as a compositor's frame clock would.
        let frameInterval = Duration.microseconds(1_000_000 / Int64(max(1, options.maxFramesPerSecond)))
        var nextPresent = ContinuousClock.now
        while running {
            var wait: Int32 = 50
            if needsRender {
                let remaining = nextPresent - .now
                let ms = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
                wait = remaining <= .zero ? 0 : Int32(clamping: max(1, ms))
            }
            if SDL_WaitEventTimeout(&event, wait) != 0 {
                repeat {
                    if !handle(&event) { running = false }
                } while running && SDL_PollEvent(&event) != 0
            }
            apply(mailbox.take())
            if options.resizeGuest, let session, session.agentReady,
               let size = resize.due(remoteWidth: desktopSize.width, remoteHeight: desktopSize.height, at: .now) {
                logger.info("asking the guest for \(size.width)x\(size.height)")
                session.sendMonitorsConfig([AgentMonitor(width: UInt32(size.width), height: UInt32(size.height), x: 0, y: 0)])
            }
            if needsRender && ContinuousClock.now >= nextPresent {
                render()
                nextPresent = max(nextPresent + frameInterval, .now)
            }
        }
        releaseAll()
        return gaveUp
    }

    static var sdlError: String { String(cString: SDL_GetError()) }

    // MARK: What the connection posted

    private func apply(_ inbox: ViewerMailbox.Inbox) {
        if inbox.session !== session {
            session = inbox.session
            clipboard.reset()
            pressed.removeAll()
            if session != nil { syncLocks() }
        }
        if inbox.surfaceChanged { desktopChanged() }
        if let d = inbox.damage { addDamage(d) }
        if let shape = inbox.cursorShape { setCursor(shape) }
        if let p = inbox.cursorPosition {
            cursorPosition = p
            if !isClientMode { needsRender = true }
        }
        if let v = inbox.cursorVisible {
            cursorVisible = v
            updateLocalCursor()
            needsRender = true
        }
        if inbox.mouseModeChanged {
            if isClientMode { setGrab(false) }
            updateLocalCursor()
            needsRender = true
        }
        if inbox.statusChanged {
            setStatus(inbox.status)
            if inbox.finished { gaveUp = true }
        }
        for (selection, text) in inbox.guestClipboard where clipboard.guestText(selection: selection, text: text) {
            if selection == ClipboardSelection.primary.rawValue {
                _ = SDL_SetPrimarySelectionText(text)
            } else if selection == ClipboardSelection.clipboard.rawValue {
                _ = SDL_SetClipboardText(text)
            }
        }
    }

    private var isClientMode: Bool {
        guard let session else { return true }
        return session.mouseMode.current.contains(.client)
    }

    // MARK: The desktop

    /// A primary surface was created or destroyed: everything is shown again at its size.
    private func desktopChanged() {
        guard let session else { return }
        let size = session.surface.size
        resize.remoteResized(width: size.width, height: size.height)
        guard size.width > 0, size.height > 0 else { return }
        desktopSize = size
        needsFull = true
        needsRender = true
        if !sizedToGuest || !options.resizeGuest { fitWindowToGuest(size) }
    }

    /// The window takes the desktop's size (first frame, or always without guest resizing),
    /// kept inside the screen's usable area; fullscreen windows keep theirs.
    private func fitWindowToGuest(_ size: (width: Int, height: Int)) {
        guard let window else { return }
        sizedToGuest = true
        guard SDL_GetWindowFlags(window) & SDL_WINDOW_FULLSCREEN_DESKTOP.rawValue == 0 else { return }
        var bounds = SDL_Rect()
        var w = Int32(size.width), h = Int32(size.height)
        if SDL_GetDisplayUsableBounds(max(SDL_GetWindowDisplayIndex(window), 0), &bounds) == 0, bounds.w > 0, bounds.h > 0 {
            if w > bounds.w || h > bounds.h {
                let layout = ViewerLayout(windowWidth: Int(bounds.w), windowHeight: Int(bounds.h), remoteWidth: size.width, remoteHeight: size.height)
                w = Int32(layout.destination.width)
                h = Int32(layout.destination.height)
            }
        }
        var cw: Int32 = 0, ch: Int32 = 0
        SDL_GetWindowSize(window, &cw, &ch)
        if cw != w || ch != h { SDL_SetWindowSize(window, w, h) }
        needsRender = true
    }

    /// Damage waits for the next present, where it is shown once.
    private func addDamage(_ d: ViewerMailbox.Damage) {
        pendingDamage.merge(d)
        needsRender = true
    }

    private func setStatus(_ text: String?) {
        statusText = text
        presenter?.setStatus(text)
        needsFull = true
        if let text { logger.info("\(text)") }
        SDL_SetWindowTitle(window, title)
        needsRender = true
    }

    private var title: String {
        var t = baseTitle
        if grabbed { t += " (Shift+F12 or Ctrl+Alt releases the pointer)" }
        if let statusText { t += " - \(statusText)" }
        return t
    }

    // MARK: Drawing

    private var layout: ViewerLayout {
        let w = presenter?.outputSize ?? (width: 0, height: 0)
        return ViewerLayout(windowWidth: w.width, windowHeight: w.height, remoteWidth: desktopSize.width, remoteHeight: desktopSize.height)
    }

    private func render() {
        needsRender = false
        var overlay: CursorOverlay?
        if !isClientMode, cursorVisible, let shape = cursorShape {
            // Server mouse mode: the guest moves the pointer, we draw it.
            overlay = CursorOverlay(x: cursorPosition.x, y: cursorPosition.y, hotX: shape.hotSpotX, hotY: shape.hotSpotY)
        }
        presenter?.present(session: session, damage: pendingDamage, full: needsFull, layout: layout, cursor: overlay)
        pendingDamage = nil
        needsFull = false
    }

    // MARK: Cursor

    private func setCursor(_ shape: ClientCursorShape?) {
        cursorShape = shape
        presenter?.setCursor(shape)
        if let shape, shape.width > 0, shape.height > 0 {
            var pixels = shape.pixels
            let surface = pixels.withUnsafeMutableBytes {
                SDL_CreateRGBSurfaceWithFormatFrom($0.baseAddress, Int32(shape.width), Int32(shape.height), 32,
                                                   Int32(shape.width * 4), SDL_PIXELFORMAT_ARGB8888.rawValue)
            }
            if let surface {
                // SDL copies the pixels into the cursor; the surface may go right after.
                let cursor = SDL_CreateColorCursor(surface, Int32(shape.hotSpotX), Int32(shape.hotSpotY))
                SDL_FreeSurface(surface)
                if let cursor {
                    SDL_SetCursor(cursor)
                    if let sdlCursor { SDL_FreeCursor(sdlCursor) }
                    sdlCursor = cursor
                }
            }
        }
        updateLocalCursor()
        needsRender = true
    }

    /// Client mode: the local pointer wears the guest's shape (hidden when the guest hides it).
    /// Server mode: the local pointer hides while grabbed; we draw the guest's.
    private func updateLocalCursor() {
        let show = isClientMode ? (cursorVisible && cursorShape != nil) || session == nil : !grabbed
        _ = SDL_ShowCursor(show ? SDL_ENABLE : SDL_DISABLE)
    }

    private func setGrab(_ on: Bool) {
        guard on != grabbed else { return }
        grabbed = on
        _ = SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE)
        // While the pointer is held the keyboard is too: Alt+Tab and friends go to the guest.
        SDL_SetWindowKeyboardGrab(window, on ? SDL_TRUE : SDL_FALSE)
        SDL_SetWindowTitle(window, title)
        updateLocalCursor()
    }

    // MARK: Input

    /// One SDL event; false to quit.
    private func handle(_ event: inout SDL_Event) -> Bool {
        switch event.type {
        case SDL_QUIT.rawValue:
            return false
        case SDL_WINDOWEVENT.rawValue:
            windowEvent(event.window)
        case SDL_KEYDOWN.rawValue, SDL_KEYUP.rawValue:
            key(event.key, down: event.type == SDL_KEYDOWN.rawValue)
        case SDL_MOUSEMOTION.rawValue:
            guard let session else { break }
            if isClientMode {
                if let p = layout.remotePoint(windowX: Int(event.motion.x), windowY: Int(event.motion.y)) { session.moveTo(x: p.x, y: p.y) }
            } else if grabbed {
                session.moveBy(dx: Int(event.motion.xrel), dy: Int(event.motion.yrel))
            }
        case SDL_MOUSEBUTTONDOWN.rawValue, SDL_MOUSEBUTTONUP.rawValue:
            mouseButton(event.button, down: event.type == SDL_MOUSEBUTTONDOWN.rawValue)
        case SDL_MOUSEWHEEL.rawValue:
            guard let session, isClientMode || grabbed else { break }
            var y = Int(event.wheel.y)
            if event.wheel.direction == SDL_MOUSEWHEEL_FLIPPED.rawValue { y = -y }
            if y != 0 { session.wheel(up: y > 0, steps: min(abs(y), 10)) }
        case SDL_CLIPBOARDUPDATE.rawValue:
            offerLocalClipboard()
        default:
            break
        }
        return true
    }

    private func windowEvent(_ e: SDL_WindowEvent) {
        switch UInt32(e.event) {
        case SDL_WINDOWEVENT_SIZE_CHANGED.rawValue:
            resize.windowResized(width: Int(e.data1), height: Int(e.data2), at: .now)
            needsRender = true
            needsFull = true
        case SDL_WINDOWEVENT_EXPOSED.rawValue, SDL_WINDOWEVENT_SHOWN.rawValue:
            needsRender = true
            needsFull = true
        case SDL_WINDOWEVENT_FOCUS_LOST.rawValue:
            // Keys held when focus leaves would stay down in the guest forever.
            releaseAll()
            setGrab(false)
        case SDL_WINDOWEVENT_FOCUS_GAINED.rawValue:
            syncLocks()
            offerLocalClipboard()
        case SDL_WINDOWEVENT_ENTER.rawValue:
            // SDL 2.26 on X11 reports no clipboard owner changes but its own: look when the
            // pointer comes back (a copy elsewhere, then a paste here, passes through this).
            offerLocalClipboard()
        default:
            break
        }
    }

    private func key(_ e: SDL_KeyboardEvent, down: Bool) {
        let usage = Int(e.keysym.scancode.rawValue)
        let mods = UInt32(e.keysym.mod)
        let shift = mods & KMOD_SHIFT.rawValue != 0
        if down && shift && usage == Self.fullscreenUsage {
            toggleFullscreen()
            return
        }
        if down && shift && usage == Self.releaseUsage {
            setGrab(false)
            return
        }
        if down && grabbed && mods & KMOD_CTRL.rawValue != 0 && mods & KMOD_ALT.rawValue != 0 {
            setGrab(false)
        }
        guard let session else { return }
        if usage == HIDKeymap.pauseUsage {
            if down && e.repeat == 0 { session.sendScancodes(HIDKeymap.pauseSequence) }
            return
        }
        guard let k = HIDKeymap.key(forUsage: usage) else { return }
        if down {
            pressed.insert(k)
            session.keyDown(k.makeCode, extended: k.extended)  // repeats too, as a PC keyboard's typematic does
        } else {
            guard pressed.remove(k) != nil else { return }
            session.keyUp(k.makeCode, extended: k.extended)
        }
    }

    private func mouseButton(_ e: SDL_MouseButtonEvent, down: Bool) {
        guard let session else { return }
        if !isClientMode && !grabbed {
            if down && e.button == UInt8(SDL_BUTTON_LEFT) { setGrab(true) }  // the grabbing click stays local
            return
        }
        let button: InputsChannel.MouseButton
        switch Int32(e.button) {
        case SDL_BUTTON_LEFT: button = .left
        case SDL_BUTTON_MIDDLE: button = .middle
        case SDL_BUTTON_RIGHT: button = .right
        case SDL_BUTTON_X1: button = .side
        case SDL_BUTTON_X2: button = .extra
        default: return
        }
        if isClientMode, let p = layout.remotePoint(windowX: Int(e.x), windowY: Int(e.y)) { session.moveTo(x: p.x, y: p.y) }
        if down { session.press(button) } else { session.release(button) }
    }

    private func releaseAll() {
        guard let session else { pressed.removeAll(); return }
        for k in pressed { session.keyUp(k.makeCode, extended: k.extended) }
        pressed.removeAll()
    }

    /// The guest's Caps/Num/Scroll Lock follow ours (on connect and on focus, as spice-gtk does).
    private func syncLocks() {
        guard let session else { return }
        let mods = SDL_GetModState().rawValue
        var locks: InputsChannel.KeyModifierFlags = []
        if mods & KMOD_CAPS.rawValue != 0 { locks.insert(.capsLock) }
        if mods & KMOD_NUM.rawValue != 0 { locks.insert(.numLock) }
        if mods & KMOD_SCROLL.rawValue != 0 { locks.insert(.scrollLock) }
        if locks != session.serverLocks { session.syncLocks(locks) }
    }

    private func toggleFullscreen() {
        guard let window else { return }
        let full = SDL_GetWindowFlags(window) & SDL_WINDOW_FULLSCREEN_DESKTOP.rawValue != 0
        _ = SDL_SetWindowFullscreen(window, full ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP.rawValue)
        needsRender = true
    }

    // MARK: Clipboard

    /// Offers changed local text (CLIPBOARD and PRIMARY) to the guest.
    private func offerLocalClipboard() {
        guard let session, session.agentReady else {
            logger.debug("local clipboard not offered: \(session == nil ? "not connected" : "no agent yet")")
            return
        }
        let selections: [(ClipboardSelection, () -> String?)] = [
            (.clipboard, { SDL_HasClipboardText() == SDL_TRUE ? Self.take(SDL_GetClipboardText()) : nil }),
            (.primary, { SDL_HasPrimarySelectionText() == SDL_TRUE ? Self.take(SDL_GetPrimarySelectionText()) : nil }),
        ]
        for (selection, read) in selections {
            guard let text = read(), clipboard.localChanged(selection: selection.rawValue, text: text) else { continue }
            session.setClipboard(selection: selection, type: .utf8Text, data: Array(text.utf8))
        }
    }

    /// An SDL-allocated C string as a String (freed).
    private static func take(_ p: UnsafeMutablePointer<CChar>?) -> String? {
        guard let p else { return nil }
        defer { SDL_free(p) }
        return String(cString: p)
    }
}
