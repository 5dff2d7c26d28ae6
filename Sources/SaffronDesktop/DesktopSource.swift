/// What the server needs from a desktop, as four small protocols so any backend (the built-in
/// demo, an X11 session, later a QEMU VM) plugs in without the server knowing which it is.

/// Framebuffer plus damage: the pixels, and events saying what changed.
public protocol FramebufferSource: AnyObject, Sendable {
    /// The current primary surface. Replaced contents are announced with `.resized`.
    var framebuffer: Framebuffer { get }
}

/// Pointer shape and position as the desktop renders them.
public protocol CursorSource: AnyObject, Sendable {
    var cursor: CursorState { get }
}

/// Receives input from clients (any number of clients share one desktop).
public protocol InputSink: AnyObject, Sendable {
    func handle(_ event: InputEvent)
}

/// A desktop whose size can follow what a client asks for.
public protocol ResizableSource: AnyObject, Sendable {
    /// Asks for a new size; the source answers later with `.resized` (or not at all if refused).
    func requestResize(to size: Size)
    /// Asks for several monitors on one screen (rectangles in screen coordinates, the first at
    /// the origin's corner): the screen becomes their bounding box and, where the desktop can,
    /// each becomes a monitor of its own (`.layout` follows).
    func requestLayout(_ monitors: [Rect])
    /// The monitors as the desktop has them now (default: one, the whole framebuffer).
    var monitors: [Rect] { get }
}

extension ResizableSource where Self: FramebufferSource {
    public func requestLayout(_ monitors: [Rect]) {
        guard let box = Rect.boundingBox(monitors) else { return }
        requestResize(to: box.size)
    }
    public var monitors: [Rect] { [Rect(origin: .zero, size: framebuffer.size)] }
}

/// A whole desktop: all four, plus a run loop that reports events until the desktop ends.
public protocol DesktopSource: FramebufferSource, CursorSource, InputSink, ResizableSource {
    /// A short human name (shown to clients as the SPICE session name).
    var name: String { get }
    /// Runs the desktop, calling `events` for every change, until cancelled or the desktop ends.
    /// Returns normally when the desktop ended by itself (the reason is the last `.ended` event).
    func run(events: @escaping @Sendable (DesktopEvent) -> Void) async throws
    /// Set for desktops that poll for changes: viewers say whether they keep up.
    var pacer: FramePacer? { get }
    /// Set for desktops with a clipboard.
    var clipboard: ClipboardSink? { get }
}

extension DesktopSource {
    public var pacer: FramePacer? { nil }
    public var clipboard: ClipboardSink? { nil }
}

/// Changes a desktop reports. Damage is advisory and may be merged by consumers.
public enum DesktopEvent: Sendable, Equatable {
    /// These areas now have new pixels.
    case damage([Rect])
    /// The pixels of `source` moved to `destination` (scroll or window drag); the uncovered
    /// rest comes as separate damage. `serial` is what `Framebuffer.update(recordingMove:)`
    /// returned for the write that made the move (0: the source does not track moves, and
    /// readers then cannot detect a copy that is ahead of the event).
    case moved(source: Rect, destination: Point, serial: UInt64 = 0)
    /// The framebuffer was re-created at a new size; everything is new.
    case resized(Size)
    /// The pointer shape or position changed.
    case cursor(CursorState)
    /// The desktop ended (X server exited, session logged out, ...).
    case ended(reason: String)
    /// Clipboard news for the clients.
    case clipboard(ClipboardEvent)
    /// The screen is divided into these monitors now.
    case layout([Rect])
}

/// A pointer shape: 32-bit ARGB pixels (B, G, R, A in memory; straight alpha) with a hot spot.
public struct CursorImage: Hashable, Sendable {
    public var size: Size
    public var hotSpot: Point
    public var argb: [UInt32]
    /// Stable key for client-side caching: equal shapes get equal serials.
    public var serial: UInt64

    public init(size: Size, hotSpot: Point, argb: [UInt32], serial: UInt64) {
        self.size = size
        self.hotSpot = hotSpot
        self.argb = argb
        self.serial = serial
    }
}

public struct CursorState: Hashable, Sendable {
    public var image: CursorImage?
    public var position: Point
    public var visible: Bool

    public init(image: CursorImage?, position: Point, visible: Bool) {
        self.image = image
        self.position = position
        self.visible = visible
    }
}

/// Input in protocol-neutral terms (the server translates SPICE messages into these).
public enum InputEvent: Sendable, Equatable {
    /// A PC scancode set 1 key: `code` is the make code, `extended` for 0xE0-prefixed keys.
    case key(code: UInt8, extended: Bool, down: Bool)
    /// Lock keys state asked by a client.
    case lockModifiers(LockModifiers)
    /// Absolute pointer position (client mouse mode), with the buttons held.
    case pointerPosition(Point, buttons: MouseButtons)
    /// Relative pointer motion (server mouse mode).
    case pointerMotion(dx: Int, dy: Int, buttons: MouseButtons)
    /// A button went down or up; `buttons` is the state after the change.
    case button(MouseButton, down: Bool, buttons: MouseButtons)
}

public struct LockModifiers: OptionSet, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let scrollLock = LockModifiers(rawValue: 1)
    public static let numLock = LockModifiers(rawValue: 2)
    public static let capsLock = LockModifiers(rawValue: 4)
}

public enum MouseButton: UInt8, Sendable, Equatable {
    case left = 1, middle = 2, right = 3, wheelUp = 4, wheelDown = 5, side = 6, extra = 7
}

/// Button mask with SPICE's bit values (LEFT 1, MIDDLE 2, RIGHT 4, UP 8, DOWN 16, SIDE 32, EXTRA 64).
public struct MouseButtons: OptionSet, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let left = MouseButtons(rawValue: 1)
    public static let middle = MouseButtons(rawValue: 2)
    public static let right = MouseButtons(rawValue: 4)
    public static let wheelUp = MouseButtons(rawValue: 8)
    public static let wheelDown = MouseButtons(rawValue: 16)
    public static let side = MouseButtons(rawValue: 32)
    public static let extra = MouseButtons(rawValue: 64)
}
